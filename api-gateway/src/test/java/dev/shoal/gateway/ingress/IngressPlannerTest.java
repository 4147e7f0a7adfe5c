package dev.shoal.gateway.ingress;

import static dev.shoal.gateway.ingress.IngressFixtures.running;
import static dev.shoal.gateway.ingress.IngressFixtures.service;
import static dev.shoal.gateway.ingress.IngressFixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.gateway.Fixtures;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IngressPlannerTest {
  private static IngressPlan plan(List<Service> services, List<Task> tasks, Map<String, Node> nodes) {
    return IngressPlanner.plan(services, id -> tasks.stream().filter(t -> t.serviceId().equals(id)).toList(),
        id -> Optional.ofNullable(nodes.get(id)));
  }

  @Test
  void onlyTasksWantedAndSeenRunningAndHealthyWhenCheckedServeInSlotOrder() {
    Service web = service("web", 8080, "", "", 1);
    List<Task> tasks = List.of(
        running(web, 3, 4003),
        running(web, 1, 4001),
        task(web, 2, DesiredState.SHUTDOWN, TaskState.RUNNING, null, 4002),   // told to stop: draining
        task(web, 4, DesiredState.RUNNING, TaskState.STARTING, null, 4004),   // not running yet
        task(web, 5, DesiredState.RUNNING, TaskState.RUNNING, "starting", 4005),
        task(web, 6, DesiredState.RUNNING, TaskState.RUNNING, "unhealthy", 4006),
        task(web, 7, DesiredState.RUNNING, TaskState.RUNNING, "healthy", 4007),
        task(web, 8, DesiredState.REMOVE, TaskState.RUNNING, null, 4008));
    PortRoute r = plan(List.of(web), tasks, Map.of()).routes().get(8080);
    assertThat(r.serviceName()).isEqualTo("web");
    assertThat(r.http()).isFalse();
    assertThat(r.balance()).isEqualTo(Balance.ROUND_ROBIN);
    assertThat(r.backends()).extracting(Backend::port).containsExactly(4001, 4003, 4007);
    assertThat(r.backends().get(0).authority()).isEqualTo("127.0.0.1:4001");
  }

  @Test
  void hostModeAndUnpublishedPortsAreNotTheIngresses() {
    Service host = service("host", 8080, ",\"mode\":\"host\"", "", 1);
    Service none = new Service("id-none", "none", 1, dev.shoal.schemas.SpecValidator.validate(
        "{\"name\":\"none\",\"command\":[\"true\"],\"ports\":[{\"target\":80}]}").spec(), null, null, 1, 1);
    assertThat(plan(List.of(host, none), List.of(), Map.of()).routes()).isEmpty();
  }

  @Test
  void httpAndBalanceComeFromThePortOrTheLabels() {
    Service a = service("a", 8080, ",\"appProtocol\":\"http\"", "", 1);
    Service b = service("b", 8081, "", ",\"labels\":{\"shoal.ingress.http\":\"true\","
        + "\"shoal.ingress.balance\":\"least-connections\"}", 1);
    IngressPlan p = plan(List.of(a, b), List.of(), Map.of());
    assertThat(p.routes().get(8080).http()).isTrue();
    assertThat(p.routes().get(8081).http()).isTrue();
    assertThat(p.routes().get(8081).balance()).isEqualTo(Balance.LEAST_CONNECTIONS);
    assertThat(p.routes().get(8081).backends()).isEmpty();
  }

  @Test
  void aPortTwoServicesClaimGoesToTheOlderAndTheOtherIsNamed() {
    Service older = service("older", 8080, "", "", 5);
    Service newer = service("newer", 8080, "", "", 9);
    IngressPlan p = plan(List.of(newer, older), List.of(), Map.of());
    assertThat(p.routes().get(8080).serviceName()).isEqualTo("older");
    assertThat(p.conflicts()).containsEntry(8080, List.of("newer"));
  }

  @Test
  void tasksOnANodeThatIsDownServeNoMoreAndAWildcardBindingIsReachedAtItsNode() {
    Service web = service("web", 8080, "", "", 1);
    Task t = running(web, 1, 4001);
    Task wildcard = t.withStatus(new dev.shoal.schemas.TaskStatus(t.id(), "node-1", TaskState.RUNNING, "", null, null,
        null, List.of(new dev.shoal.schemas.TaskStatus.PortBinding(80, "0.0.0.0", 4001, "tcp")), null, null, 1), 1);
    Node up = Fixtures.node("node-1", "host-1");
    Node down = new Node("node-1", 4, Node.ROLE_WORKER, Node.ACTIVE, Map.of(), up.description(), Node.DOWN, "gone",
        10, 10);
    assertThat(plan(List.of(web), List.of(wildcard), Map.of("node-1", up)).routes().get(8080).backends())
        .extracting(Backend::host).containsExactly("127.0.0.1");
    assertThat(plan(List.of(web), List.of(t), Map.of("node-1", down)).routes().get(8080).backends()).isEmpty();
  }

  @Test
  void tasksToldToStopButStillRunningAreListedAsDraining() {
    Service web = service("web", 8080, "", "", 1);
    List<Task> tasks = List.of(
        running(web, 1, 4001),
        task(web, 2, DesiredState.SHUTDOWN, TaskState.RUNNING, null, 4002),
        task(web, 3, DesiredState.SHUTDOWN, TaskState.SHUTDOWN, null, 4003),    // stopped: gone
        task(web, 4, DesiredState.REMOVE, TaskState.RUNNING, "unhealthy", 4004), // failing its check
        task(web, 5, DesiredState.REMOVE, TaskState.RUNNING, "healthy", 4005));
    PortRoute r = plan(List.of(web), tasks, Map.of()).routes().get(8080);
    assertThat(r.backends()).extracting(Backend::port).containsExactly(4001);
    assertThat(r.draining()).extracting(Backend::port).containsExactly(4002, 4005);
  }
}
