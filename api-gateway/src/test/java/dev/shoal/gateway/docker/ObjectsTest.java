package dev.shoal.gateway.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.NodeDescription;
import dev.shoal.schemas.NodeResources;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.UpdateStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The views against the fields the CLI reads in the captures. */
class ObjectsTest {
  static final long T0 = Instant.parse("2026-11-22T08:11:52.245Z").toEpochMilli();
  static final ServiceSpec WEB = SwarmSpecReaderTest.shoal(Captures.object("create-web.request.json"));
  static final Service SERVICE = new Service("c5gp7weso1uayy8qz6zdwd5qk", "web", 39, WEB, null, null, T0, T0 + 1);

  static Task task(String id, int slot, TaskState state, DesiredState desired) {
    TaskStatus status = new TaskStatus(id, "node1", state, "started", null, 0, "127.0.0.1:41000",
        List.of(new TaskStatus.PortBinding(80, "127.0.0.1", 41000, "tcp")), null, "c0ffee", T0 + 1200);
    return new Task(id, SERVICE.id(), "web", slot, "node1", 39, WEB, desired, status, T0, T0 + 1200);
  }

  @Test
  void aServiceHasWhatServiceLsAndInspectRead() {
    List<Task> tasks = List.of(task("a", 1, TaskState.RUNNING, DesiredState.RUNNING),
        task("b", 2, TaskState.RUNNING, DesiredState.RUNNING), task("c", 3, TaskState.STARTING, DesiredState.RUNNING),
        task("d", 1, TaskState.SHUTDOWN, DesiredState.SHUTDOWN));
    ObjectNode s = ServiceObjects.of(SERVICE, tasks);
    JsonNode captured = Captures.json("services.status.json").get(0);
    assertThat(s.get("ID").asText()).isEqualTo(captured.get("ID").asText());
    assertThat(s.get("Version").toString()).isEqualTo(captured.get("Version").toString());
    assertThat(s.get("CreatedAt").asText()).isEqualTo("2026-11-22T08:11:52.245Z");
    assertThat(DockerJson.write(s.get("Endpoint").get("Ports"))).isEqualTo(captured.get("Endpoint").get("Ports").toString());
    assertThat(DockerJson.write(s.get("Endpoint").get("Spec"))).isEqualTo(captured.get("Endpoint").get("Spec").toString());
    assertThat(s.get("ServiceStatus").toString()).isEqualTo("{\"RunningTasks\":2,\"DesiredTasks\":3,\"CompletedTasks\":0}");
    assertThat(s.has("UpdateStatus")).isFalse();
    assertThat(ServiceObjects.of(SERVICE, null).has("ServiceStatus")).as("only with status=true").isFalse();
  }

  @Test
  void anUpdateInProgressIsShownAsTheEngineShowsIt() {
    Service updating = new Service(SERVICE.id(), "web", 60, WEB, WEB, new UpdateStatus("updating", "update in progress",
        T0, null), T0, T0);
    JsonNode u = ServiceObjects.of(updating, null).get("UpdateStatus");
    assertThat(u.toString()).isEqualTo("{\"State\":\"updating\",\"StartedAt\":\"2026-11-22T08:11:52.245Z\","
        + "\"Message\":\"update in progress\"}");
    assertThat(ServiceObjects.of(updating, null).has("PreviousSpec")).isTrue();
  }

  @Test
  void aFinishedUpdateIsNotShownAfterTheSpecChangedAgain() {
    UpdateStatus done = new UpdateStatus("completed", "update completed", T0, T0 + 10);
    Service justDone = new Service(SERVICE.id(), "web", 61, WEB, WEB, done, T0, T0 + 10);
    Service scaledSince = new Service(SERVICE.id(), "web", 62, WEB.withReplicas(5), WEB, done, T0, T0 + 20);
    assertThat(ServiceObjects.of(justDone, null).get("UpdateStatus").get("State").asText()).isEqualTo("completed");
    assertThat(ServiceObjects.of(scaledSince, null).has("UpdateStatus")).isFalse();
  }

  @Test
  void aTaskHasWhatServicePsAndTheProgressDisplayRead() {
    JsonNode t = TaskObjects.of(task("ptcrjzx0upkv02cq1kbkj2bbj", 1, TaskState.RUNNING, DesiredState.RUNNING));
    JsonNode captured = Captures.json("tasks-web.running.json").get(1);
    assertThat(t.get("ID").asText()).isEqualTo(captured.get("ID").asText());
    assertThat(t.get("ServiceID").asText()).isEqualTo(captured.get("ServiceID").asText());
    assertThat(t.get("Slot").asInt()).isEqualTo(captured.get("Slot").asInt());
    assertThat(t.get("DesiredState").asText()).isEqualTo("running");
    assertThat(t.get("Status").get("State").asText()).isEqualTo("running");
    assertThat(t.get("Status").get("Timestamp").asText()).isEqualTo("2026-11-22T08:11:53.445Z");
    assertThat(t.get("Spec").get("ContainerSpec").get("Image").asText()).isEqualTo("local/busybox:1");
    assertThat(t.get("Status").get("PortStatus").toString())
        .isEqualTo("{\"Ports\":[{\"Protocol\":\"tcp\",\"TargetPort\":80,\"PublishedPort\":41000,\"PublishMode\":\"host\"}]}");
    assertThat(fieldNames(t)).containsSubsequence("ID", "Version", "CreatedAt", "UpdatedAt", "Labels", "Spec",
        "ServiceID", "Slot", "NodeID", "Status", "DesiredState");
  }

  @Test
  void aNewTaskHasNoNodeAndAGlobalTaskNoSlot() {
    Task fresh = new Task("n", SERVICE.id(), "web", null, null, 39, WEB, DesiredState.RUNNING, null, T0, T0);
    JsonNode t = TaskObjects.of(fresh);
    assertThat(t.has("NodeID")).isFalse();
    assertThat(t.has("Slot")).isFalse();
    assertThat(t.get("Status").get("State").asText()).isEqualTo("new");
    assertThat(t.get("Status").get("PortStatus").toString()).isEqualTo("{}");
  }

  @Test
  void aFailedTaskShowsItsError() {
    TaskStatus failed = new TaskStatus("f", "node1", TaskState.FAILED, "exited", "task: non-zero exit (1)", 1, null,
        null, null, "abc", T0);
    Task t = new Task("f", SERVICE.id(), "web", 1, "node1", 39, WEB, DesiredState.SHUTDOWN, failed, T0, T0);
    JsonNode status = TaskObjects.of(t).get("Status");
    assertThat(status.get("Err").asText()).isEqualTo("task: non-zero exit (1)");
    assertThat(status.get("ContainerStatus").toString()).isEqualTo("{\"ContainerID\":\"abc\",\"ExitCode\":1}");
  }

  @Test
  void aNodeHasWhatNodeLsReads() {
    Node n = new Node("79v7iax8mreka9bnohkj9fhgn", 9, "worker", "active", Map.of("zone", "a"),
        new NodeDescription("vm", "127.0.0.1", new NodeResources(2, 25276510208L), List.of("docker", "process"),
            Map.of("disk", "ssd"), "linux", "amd64", "20.10.24+dfsg1", "docker"), "ready", null, T0, T0);
    JsonNode node = NodeObjects.of(n);
    JsonNode captured = Captures.json("nodes.json").get(0);
    assertThat(node.get("Description").get("Resources").toString())
        .isEqualTo(captured.get("Description").get("Resources").toString());
    assertThat(node.get("Description").get("Hostname").asText()).isEqualTo("vm");
    assertThat(node.get("Description").get("Engine").get("EngineVersion").asText()).isEqualTo("20.10.24+dfsg1");
    assertThat(node.get("Spec").toString()).isEqualTo("{\"Labels\":{\"zone\":\"a\"},\"Role\":\"worker\",\"Availability\":\"active\"}");
    assertThat(node.get("Status").toString()).isEqualTo("{\"State\":\"ready\",\"Addr\":\"127.0.0.1\"}");
    assertThat(node.has("ManagerStatus")).as("agents take no part in deciding").isFalse();
  }

  @Test
  void theControlPlaneIsTheLeaderAndRunsNothing() {
    ControlPlane cp = new ControlPlane(ControlPlane.clusterIdOf("", new byte[32]), T0);
    JsonNode node = cp.node(true, null, "127.0.0.1:2375");
    assertThat(node.get("ID").asText()).hasSize(25).isEqualTo(cp.nodeId());
    assertThat(node.get("Spec").get("Availability").asText()).isEqualTo("drain");
    assertThat(node.get("Spec").get("Role").asText()).isEqualTo("manager");
    assertThat(node.get("ManagerStatus").toString())
        .isEqualTo("{\"Leader\":true,\"Reachability\":\"reachable\",\"Addr\":\"127.0.0.1:2375\"}");
    assertThat(node.get("Status").get("Addr").asText()).isEqualTo("127.0.0.1");
    JsonNode behind = cp.node(false, "the read model is 120 records behind", "127.0.0.1:2375");
    assertThat(behind.get("Status").get("State").asText()).isEqualTo("down");
    assertThat(behind.get("Status").get("Message").asText()).contains("behind");
    assertThat(new ControlPlane(ControlPlane.clusterIdOf("", new byte[32]), 0).nodeId())
        .as("every gateway of a cluster shows the same id").isEqualTo(cp.nodeId());
    assertThat(ControlPlane.clusterIdOf("other-", new byte[32])).isNotEqualTo(cp.clusterId());
  }

  @Test
  void infoSaysThisIsAManagerWithTheClustersCounts() {
    ControlPlane cp = new ControlPlane("pq1tv25yomallj1b9bo4f63hn", T0);
    Node worker = new Node("w1", 3, "worker", "active", Map.of(), new NodeDescription("n1", "127.0.0.1",
        new NodeResources(2, 1L << 30), List.of("docker"), Map.of(), "linux", "amd64", "20.10", "docker"), "ready", null, T0, T0);
    Node manager = new Node("m1", 3, "manager", "active", Map.of(), new NodeDescription("n2", "127.0.0.1",
        new NodeResources(1.5, 1L << 30), List.of("docker"), Map.of(), "linux", "amd64", "20.10", "docker"), "ready", null, T0, T0);
    ObjectNode info = SystemObjects.info(cp, List.of(worker, manager), List.of(
        task("a", 1, TaskState.RUNNING, DesiredState.RUNNING)), SwarmObjects.cluster(cp,
        dev.shoal.schemas.ClusterInfo.INITIAL), "127.0.0.1:2375", T0);
    JsonNode swarm = info.get("Swarm");
    JsonNode captured = Captures.json("info.json").get("Swarm");
    assertThat(fieldNames(swarm)).isEqualTo(fieldNames(captured));
    assertThat(swarm.get("ControlAvailable").asBoolean()).isTrue();
    assertThat(swarm.get("LocalNodeState").asText()).isEqualTo("active");
    assertThat(swarm.get("NodeID").asText()).isEqualTo(cp.nodeId());
    assertThat(swarm.get("Nodes").asInt()).isEqualTo(3);
    assertThat(swarm.get("Managers").asInt()).isEqualTo(2);
    assertThat(swarm.get("Cluster").get("ID").asText()).isEqualTo("pq1tv25yomallj1b9bo4f63hn");
    assertThat(info.get("NCPU").asInt()).isEqualTo(3);
    assertThat(info.get("MemTotal").asLong()).isEqualTo(2L << 30);
    assertThat(info.get("ContainersRunning").asInt()).isEqualTo(1);
    assertThat(fieldNames(info)).containsAll(fieldNames(Captures.json("info.json")).stream()
        .filter(f -> !f.equals("RegistryConfig")).toList());
  }

  @Test
  void versionHasTheFieldsDockerVersionPrints() {
    ObjectNode v = SystemObjects.version();
    assertThat(fieldNames(v)).isEqualTo(fieldNames(Captures.json("version.json")));
    assertThat(v.get("ApiVersion").asText()).isEqualTo("1.41");
    assertThat(v.get("MinAPIVersion").asText()).isEqualTo("1.24");
    assertThat(v.get("Components").get(0).get("Name").asText()).isEqualTo("Engine");
  }

  static List<String> fieldNames(JsonNode n) {
    List<String> out = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
