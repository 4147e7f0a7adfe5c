package dev.shoal.ops.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskSpec;
import com.github.dockerjava.api.model.TaskState;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-java, the library the agent drives engines with, pointed at Shoal's gateway: it creates,
 * lists, inspects, scales and removes services, and lists tasks and nodes. It sends unversioned
 * paths, the older list form of filters and explicit nulls for every field it does not set.
 */
class DockerJavaIT {
  private static ShoalDevCluster cluster;
  private static DockerClient client;

  @BeforeAll
  static void connect() {
    cluster = ShoalDevCluster.shared();
    DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost("tcp://127.0.0.1:" + cluster.apiPort).withDockerTlsVerify(false).build();
    client = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost()).connectionTimeout(Duration.ofSeconds(5))
        .responseTimeout(Duration.ofSeconds(30)).build());
  }

  @AfterAll
  static void close() throws Exception {
    if (client != null) {
      client.close();
    }
  }

  private static ServiceSpec spec(String name, int replicas) {
    return new ServiceSpec().withName(name).withLabels(Map.of("client", "docker-java"))
        .withTaskTemplate(new TaskSpec().withContainerSpec(new ContainerSpec().withImage(ShoalDevCluster.IMAGE)
            .withArgs(List.of("/bin/sleep", "600")).withEnv(List.of("FROM=docker-java"))))
        .withMode(new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions().withReplicas(replicas)));
  }

  @Test
  void servicesAreCreatedListedInspectedScaledAndRemoved() {
    String name = "dj" + UUID.randomUUID().toString().substring(0, 6);
    String id = client.createServiceCmd(spec(name, 1)).exec().getId();
    try {
      assertThat(id).matches("[0-9a-z]{25}");
      List<Service> listed = client.listServicesCmd().withNameFilter(List.of(name)).exec();
      assertThat(listed).singleElement().satisfies(s -> {
        assertThat(s.getId()).isEqualTo(id);
        assertThat(s.getSpec().getName()).isEqualTo(name);
        assertThat(s.getSpec().getLabels()).containsEntry("client", "docker-java");
      });
      Service inspected = client.inspectServiceCmd(name).exec();
      assertThat(inspected.getSpec().getTaskTemplate().getContainerSpec().getEnv()).containsExactly("FROM=docker-java");
      assertThat(inspected.getSpec().getMode().getReplicated().getReplicas()).isEqualTo(1);

      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
          client.listTasksCmd().withServiceFilter(name).withStateFilter(TaskState.RUNNING).exec())
          .singleElement().satisfies(t -> assertThat(t.getStatus().getState()).isEqualTo(TaskState.RUNNING)));

      long version = inspected.getVersion().getIndex();
      client.updateServiceCmd(id, spec(name, 2)).withVersion(version).exec();
      assertThat(client.inspectServiceCmd(id).exec().getSpec().getMode().getReplicated().getReplicas()).isEqualTo(2);
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        List<Task> tasks = client.listTasksCmd().withServiceFilter(id).exec();
        assertThat(tasks.stream().filter(t -> t.getStatus().getState() == TaskState.RUNNING)).hasSize(2);
        assertThat(tasks).extracting(Task::getServiceId).containsOnly(id);
      });
      assertThatThrownBy(() -> client.updateServiceCmd(id, spec(name, 3)).withVersion(version).exec())
          .as("a stale version").hasMessageContaining("update out of sequence");
      assertThatThrownBy(() -> client.createServiceCmd(spec(name, 1)).exec()).isInstanceOf(ConflictException.class);
    } finally {
      client.removeServiceCmd(id).exec();
    }
    assertThatThrownBy(() -> client.inspectServiceCmd(id).exec()).isInstanceOf(NotFoundException.class);
  }

  @Test
  void nodesAreTheAgentsAndTheControlPlane() {
    List<SwarmNode> nodes = client.listSwarmNodesCmd().exec();
    assertThat(nodes).hasSize(ShoalDevCluster.AGENTS + 1);
    assertThat(nodes).extracting(n -> n.getDescription().getHostname())
        .contains("shoal-control-plane", "node-1", "node-2");
    assertThat(nodes).filteredOn(n -> n.getManagerStatus() != null).singleElement()
        .satisfies(n -> assertThat(n.getManagerStatus().isLeader()).isTrue());
    assertThat(client.inspectSwarmCmd().exec().getJoinTokens().getWorker()).startsWith("SWMTKN-1-");
    assertThat(client.infoCmd().exec().getSwarm().getControlAvailable()).isTrue();
  }
}
