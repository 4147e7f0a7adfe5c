package dev.shoal.orchestrator.core;

import static dev.shoal.orchestrator.core.Fixtures.node;
import static dev.shoal.orchestrator.core.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The per-node load {@link ClusterState} keeps as tasks change gives the scheduler the very
 * {@link NodeInfo} it got from walking the node's tasks: same reserved cores (bit for bit, with
 * reservations such as 0.1 whose sums depend on the order), memory, counts and host ports, through
 * random puts, removals and rolled-back transactions.
 */
class NodeLoadTest {
  private static final List<ServiceSpec> SPECS = List.of(
      spec("{\"name\":\"a\",\"command\":[\"x\"],\"resources\":{\"reservations\":{\"cpus\":0.1,\"memory\":\"64M\"}}}"),
      spec("{\"name\":\"b\",\"command\":[\"x\"],\"resources\":{\"reservations\":{\"cpus\":0.7}},"
          + "\"ports\":[{\"target\":80,\"published\":8080,\"mode\":\"host\"}]}"),
      spec("{\"name\":\"c\",\"command\":[\"x\"]}"),
      spec("{\"name\":\"d\",\"command\":[\"x\"],\"resources\":{\"reservations\":{\"cpus\":0.3,\"memory\":\"1G\"}}}"));
  private static final List<String> NODES = List.of("n1", "n2", "n3");

  @Test
  void theLoadKeptAsTasksChangeIsTheOneAWalkOverTheTasksFinds() {
    Random rnd = new Random(42);
    ClusterState state = new ClusterState();
    NODES.forEach(id -> state.load(node(id)));
    List<String> ids = new ArrayList<>();
    for (int step = 0; step < 5_000; step++) {
      int op = rnd.nextInt(10);
      if (op < 6 || ids.isEmpty()) {
        String id = ids.isEmpty() || rnd.nextInt(3) == 0 ? "t" + String.format("%05d", step)
            : ids.get(rnd.nextInt(ids.size()));
        int s = rnd.nextInt(SPECS.size());
        String nodeId = rnd.nextInt(8) == 0 ? null : NODES.get(rnd.nextInt(NODES.size()));
        TaskState observed = TaskState.values()[rnd.nextInt(TaskState.values().length)];
        DesiredState desired = DesiredState.values()[rnd.nextInt(DesiredState.values().length)];
        state.put(new Task(id, "svc-" + s, SPECS.get(s).name(), 1, nodeId, 1, SPECS.get(s), desired,
            TaskStatus.of(id, nodeId, observed, "x", step), step, step));
        if (!ids.contains(id)) {
          ids.add(id);
        }
      } else if (op < 8) {
        state.task(ids.get(rnd.nextInt(ids.size()))).ifPresent(state::remove);
      } else if (op == 8) {
        state.rollback();
      } else {
        state.commit();
      }
      for (String n : NODES) {
        assertSame(state, state.node(n).orElseThrow());
      }
    }
    assertThat(portsBooked).as("steps that saw a host port booked").isGreaterThan(100);
    assertThat(cpusReserved).as("steps that saw cores reserved").isGreaterThan(100);
  }

  private int portsBooked;
  private int cpusReserved;

  private void assertSame(ClusterState state, Node n) {
    // Placed and not ended holds resources, whatever is wanted of it; only those wanted running count.
    List<Task> holding = state.tasksOn(n.id()).stream()
        .filter(t -> !t.state().isTerminal() && t.state().ordinal() >= TaskState.ASSIGNED.ordinal())
        .toList();
    long wanted = holding.stream().filter(t -> t.desiredState() == DesiredState.RUNNING).count();
    NodeInfo walked = new NodeInfo(n, holding);
    NodeInfo kept = state.nodeInfo(n);
    assertThat(Double.doubleToRawLongBits(kept.available().cpus()))
        .isEqualTo(Double.doubleToRawLongBits(walked.available().cpus()));
    assertThat(kept.available()).isEqualTo(walked.available());
    assertThat(kept.totalTasks()).isEqualTo(walked.totalTasks()).isEqualTo((int) wanted);
    for (int s = 0; s < SPECS.size(); s++) {
      assertThat(kept.tasksOf("svc-" + s)).isEqualTo(walked.tasksOf("svc-" + s));
    }
    assertThat(kept.hostPortBooked("8080/tcp")).isEqualTo(walked.hostPortBooked("8080/tcp"));
    portsBooked += walked.hostPortBooked("8080/tcp") ? 1 : 0;
    cpusReserved += walked.available().cpus() < 4 ? 1 : 0;
  }
}
