package dev.shoal.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.Json;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** No status the agent sends is over the intake's limits, however long what the runtime said. */
class StatusLimitsTest {
  private static TaskStatus status(String message, String error, List<TaskStatus.PortBinding> ports) {
    return new TaskStatus("t1", "n1", TaskState.FAILED, message, error, 1, "127.0.0.1:4000", ports, null, "4242", 1);
  }

  @Test
  void aStatusWithinLimitsIsLeftAlone() {
    TaskStatus s = status("task exited with code 1", "task exited with code 1", null);
    assertThat(StatusLimits.bound(s)).isSameAs(s);
  }

  @Test
  void longTextsKeepTheirStartAndEndInAnEllipsis() {
    String reason = "the engine could not start the container: " + "x".repeat(100_000);
    TaskStatus bounded = StatusLimits.bound(status(reason, reason, null));
    assertThat(bounded.message()).hasSize(1024).startsWith("the engine could not start the container: xxx").endsWith("…");
    assertThat(bounded.error()).isEqualTo(bounded.message());
    assertThat(StatusLimits.cut("x".repeat(1024), 1024)).hasSize(1024).doesNotContain("…");
    assertThat(StatusLimits.cut("x".repeat(1025), 1024)).hasSize(1024).endsWith("x…");
  }

  @Test
  void aCutNeverSplitsACharacter() {
    // U+1F600 is two UTF-16 chars; a cut in the middle would leave a lone surrogate, which is not text.
    String emoji = "😀".repeat(2000);
    String cut = StatusLimits.cut(emoji, 1024);
    assertThat(cut.length()).isLessThanOrEqualTo(1024);
    assertThat(cut.codePoints()).allMatch(c -> c == 0x1F600 || c == '…');
    assertThat(Json.fromString(Json.toString(status(cut, null, null)), TaskStatus.class).message()).isEqualTo(cut);
  }

  @Test
  void manyPortsAreCutToWhatFitsWellUnder64KiB() {
    List<TaskStatus.PortBinding> ports = IntStream.rangeClosed(1, 65_535)
        .mapToObj(p -> new TaskStatus.PortBinding(p, "127.0.0.1", p, "tcp")).toList();
    TaskStatus bounded = StatusLimits.bound(status("x".repeat(5000), "y".repeat(5000), ports));
    int bytes = StatusLimits.size(bounded);
    assertThat(bytes).isLessThanOrEqualTo(StatusLimits.MAX_BYTES).isLessThan(64 * 1024);
    assertThat(bounded.ports()).isNotEmpty().isEqualTo(ports.subList(0, bounded.ports().size()));
    // The longest prefix that fits: one more port would not.
    List<TaskStatus.PortBinding> oneMore = ports.subList(0, bounded.ports().size() + 1);
    assertThat(StatusLimits.size(new TaskStatus("t1", "n1", TaskState.FAILED, bounded.message(), bounded.error(), 1,
        bounded.endpoint(), oneMore, null, "4242", 1))).isGreaterThan(StatusLimits.MAX_BYTES);
  }

  @Test
  void thePublisherSendsOnlyBoundedStatuses() {
    List<TaskStatus> sent = new ArrayList<>();
    StatusPublisher publisher = new StatusPublisher(s -> {
      sent.add(s);
      return CompletableFuture.completedFuture(null);
    });
    publisher.publish(status("m".repeat(10_000), "e".repeat(10_000), null));
    assertThat(sent).singleElement().satisfies(s -> {
      assertThat(s.message()).hasSize(1024);
      assertThat(s.error()).hasSize(1024);
    });
  }
}
