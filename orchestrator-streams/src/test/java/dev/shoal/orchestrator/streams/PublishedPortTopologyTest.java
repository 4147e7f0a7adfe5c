package dev.shoal.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.CommandEnvelope;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A published port is one per cluster: the decision refuses a second holder with {@code conflict}. */
class PublishedPortTopologyTest {
  private final DriverHarness h = new DriverHarness();

  @BeforeEach
  void node() {
    h.heartbeat("n1");
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private static String spec(String name, int published) {
    return "{\"name\":\"" + name + "\",\"command\":[\"sleep\",\"60\"],\"ports\":[{\"target\":80,\"published\":"
        + published + "}]}";
  }

  private List<ClusterEvent> rejected(String type) {
    return h.events.stream().filter(e -> type.equals(e.type())).toList();
  }

  @Test
  void aSecondServiceCannotTakeAPublishedPortUntilTheFirstIsGone() {
    h.spec("api", spec("api", 8080), "r1", 0L);
    h.spec("web", spec("web", 8080), "r2", 0L);
    assertThat(rejected("spec.rejected")).singleElement().satisfies(e -> {
      assertThat(e.attributes()).containsEntry("code", "conflict").containsEntry("requestId", "r2");
      assertThat(e.message()).contains("published port 8080/tcp is already published by service api");
    });
    assertThat(h.services).hasSize(1);

    h.spec("web", spec("web", 9090));
    h.specWithVersion("web", spec("web", 8080), h.service("web").version());
    assertThat(rejected("spec.rejected")).hasSize(2);
    assertThat(h.service("web").spec().ports().get(0).published()).isEqualTo(9090);

    h.spec("api", null);
    for (Task t : List.copyOf(h.tasks.values())) {
      if (t.serviceName().equals("api")) {
        h.report(t, TaskState.SHUTDOWN, 0);
      }
    }
    h.specWithVersion("web", spec("web", 8080), h.service("web").version());
    assertThat(h.service("web").spec().ports().get(0).published()).isEqualTo(8080);
  }

  @Test
  void aRollbackToAPortAnotherServiceTookIsRefused() {
    h.spec("web", spec("web", 8080));
    h.specWithVersion("web", spec("web", 9090), h.service("web").version());
    h.spec("api", spec("api", 8080));
    h.command(new CommandEnvelope(new Command.RollbackService("web", null), "a", "rb", 0));
    assertThat(rejected("command.rejected")).singleElement().satisfies(e -> {
      assertThat(e.attributes()).containsEntry("code", "conflict");
      assertThat(e.message()).startsWith("cannot roll back: published port 8080/tcp is already published by service api");
    });
    assertThat(h.service("web").spec().ports().get(0).published()).isEqualTo(9090);
  }
}
