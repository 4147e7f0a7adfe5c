package dev.shoal.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.ops.ReadmeTour.Command;
import org.junit.jupiter.api.Test;

/** How the README's blocks become commands: what {@code ReadmeTourIT} runs is exactly what a reader pastes. */
class ReadmeTourTest {
  private static final String README = """
      # X

      ## A short tour

      With it running (it prints `Ready.` when ready):

      ```sh
      # a comment of the reader's
      curl -s http://127.0.0.1:2375/v1/nodes

      cat > web.json <<'JSON'
      {"name": "web"}
      JSON
      curl -s "http://$(curl -s 'http://x' \\
        | python3 -c 'print(1)')/" | head -3
      curl -s --json '{"replicas": -1}' http://127.0.0.1:2375/v1/services
      # {"message":"bad"}
      ```

      Kafka:

      ```sh
      kcat -P -b 127.0.0.1:9092 -t shoal.specs -K: -Z <<<'web:'
      ```

      ```sh
      export DOCKER_HOST=tcp://127.0.0.1:2375
      docker node ls
      # [not a promise: a blank line came before]
      ```
      """;

  @Test
  void blocksBecomeCommandsWithContinuationsHereDocumentsAndPromisedOutput() {
    ReadmeTour tour = ReadmeTour.parse(README);

    assertThat(tour.readyLine).isEqualTo("Ready.");
    assertThat(tour.tour).containsExactly(
        new Command("curl -s http://127.0.0.1:2375/v1/nodes", null),
        new Command("cat > web.json <<'JSON'\n{\"name\": \"web\"}\nJSON", null),
        new Command("curl -s \"http://$(curl -s 'http://x' \\\n  | python3 -c 'print(1)')/\" | head -3", null),
        new Command("curl -s --json '{\"replicas\": -1}' http://127.0.0.1:2375/v1/services", "{\"message\":\"bad\"}"));
    assertThat(tour.kafka).containsExactly(new Command("kcat -P -b 127.0.0.1:9092 -t shoal.specs -K: -Z <<<'web:'", null));
    assertThat(tour.docker).extracting(Command::text).containsExactly("export DOCKER_HOST=tcp://127.0.0.1:2375", "docker node ls");
  }

  @Test
  void aHereDocumentWithoutItsEndIsAnError() {
    assertThatThrownBy(() -> ReadmeTour.commands("cat > a <<'EOF'\nx\n"))
        .hasMessageContaining("here document without its end EOF");
  }

  @Test
  void theProjectsReadmeHasTheThreeBlocks() {
    ReadmeTour tour = ReadmeTour.read(ReadmeTour.readme());

    assertThat(tour.readyLine).isNotBlank();
    assertThat(tour.tour).anySatisfy(c -> assertThat(c.text()).contains("/v1/services"));
    assertThat(tour.kafka).anySatisfy(c -> assertThat(c.text()).startsWith("kcat "));
    assertThat(tour.docker).first().satisfies(c -> assertThat(c.text()).startsWith("export DOCKER_HOST="));
  }
}
