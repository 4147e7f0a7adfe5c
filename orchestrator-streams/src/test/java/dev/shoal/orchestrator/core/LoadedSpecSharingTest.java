package dev.shoal.orchestrator.core;

import static dev.shoal.orchestrator.core.Fixtures.running;
import static dev.shoal.orchestrator.core.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.Json;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import org.junit.jupiter.api.Test;

/**
 * Tasks read back from the stores each come with their own copy of the spec; {@link ClusterState#load(Task)}
 * keeps one object per service version instead, and only where the values are equal: what is
 * loaded serialises to the very bytes that were stored.
 */
class LoadedSpecSharingTest {
  private static final String V1 = "{\"name\":\"web\",\"command\":[\"sleep\",\"1\"],\"replicas\":3}";
  private static final String V2 = "{\"name\":\"web\",\"command\":[\"sleep\",\"2\"],\"replicas\":3}";

  /** As a store hands a value out: deserialised from its bytes, a fresh object every time. */
  private static Task stored(Task t) {
    return Json.fromBytes(Json.toBytes(t), Task.class);
  }

  private static Task ofVersion(String id, long version, ServiceSpec spec) {
    Task t = running(id, "svc-1", spec, "n1", Integer.parseInt(id.substring(1)));
    return new Task(t.id(), t.serviceId(), t.serviceName(), t.slot(), t.nodeId(), version, spec, t.desiredState(),
        t.status(), t.createdAt(), t.updatedAt());
  }

  @Test
  void tasksOfTheServicesCurrentVersionShareItsSpecObject() {
    ClusterState state = new ClusterState();
    Service service = new Service("svc-1", "web", 2, spec(V2), spec(V1), null, 0, 0);
    state.load(Json.fromBytes(Json.toBytes(service), Service.class));
    Task t1 = ofVersion("t1", 2, spec(V2));
    Task t2 = ofVersion("t2", 2, spec(V2));
    state.load(stored(t1));
    state.load(stored(t2));

    ServiceSpec current = state.serviceById("svc-1").orElseThrow().spec();
    assertThat(state.task("t1").orElseThrow().spec()).isSameAs(current);
    assertThat(state.task("t2").orElseThrow().spec()).isSameAs(current);
    assertThat(Json.toBytes(state.task("t1").orElseThrow())).isEqualTo(Json.toBytes(t1));
    assertThat(Json.toBytes(state.task("t2").orElseThrow())).isEqualTo(Json.toBytes(t2));
  }

  @Test
  void tasksOfAnOlderVersionShareOneObjectOfTheirOwnSpec() {
    ClusterState state = new ClusterState();
    state.load(new Service("svc-1", "web", 2, spec(V2), spec(V1), null, 0, 0));
    Task old1 = ofVersion("t1", 1, spec(V1));
    Task old2 = ofVersion("t2", 1, spec(V1));
    state.load(stored(old1));
    state.load(stored(old2));

    ServiceSpec first = state.task("t1").orElseThrow().spec();
    assertThat(first).isEqualTo(spec(V1)).isNotSameAs(state.serviceById("svc-1").orElseThrow().spec());
    assertThat(state.task("t2").orElseThrow().spec()).isSameAs(first);
    assertThat(Json.toBytes(state.task("t2").orElseThrow())).isEqualTo(Json.toBytes(old2));
  }

  @Test
  void aTaskWhoseSpecDiffersFromItsVersionsKeepsItsOwn() {
    ClusterState state = new ClusterState();
    state.load(new Service("svc-1", "web", 2, spec(V2), spec(V1), null, 0, 0));
    // Not what the orchestrator writes, but loading must never change a value to share it.
    Task odd = ofVersion("t1", 2, spec(V1));
    Task usual = ofVersion("t2", 2, spec(V2));
    state.load(stored(odd));
    state.load(stored(usual));

    assertThat(state.task("t1").orElseThrow().spec()).isEqualTo(spec(V1));
    assertThat(state.task("t2").orElseThrow().spec()).isEqualTo(spec(V2));
    assertThat(Json.toBytes(state.task("t1").orElseThrow())).isEqualTo(Json.toBytes(odd));
    assertThat(Json.toBytes(state.task("t2").orElseThrow())).isEqualTo(Json.toBytes(usual));
  }
}
