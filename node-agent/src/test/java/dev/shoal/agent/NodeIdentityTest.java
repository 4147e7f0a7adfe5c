package dev.shoal.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {
  @TempDir
  Path dir;

  @Test
  void createsAPersistentSwarmStyleIdOnce() throws Exception {
    String id = NodeIdentity.nodeId(null, dir);
    assertThat(id).matches("[a-z0-9]{25}");
    assertThat(Files.readString(dir.resolve("node-id")).trim()).isEqualTo(id);
    assertThat(NodeIdentity.nodeId(null, dir)).isEqualTo(id);
  }

  @Test
  void aConfiguredIdWinsAndWritesNothing() {
    assertThat(NodeIdentity.nodeId("n1", dir)).isEqualTo("n1");
    assertThat(dir.resolve("node-id")).doesNotExist();
  }

  @Test
  void mapsNodeIdsToPartitionsAsKafkasDefaultPartitioner() {
    for (String id : new String[] {"n1", "node-2", NodeIdentity.randomId(), "ünïcode"}) {
      for (int partitions : new int[] {1, 3, 6, 7}) {
        assertThat(AssignmentReader.partitionFor(id, partitions))
            .isEqualTo(BuiltInPartitioner.partitionForKey(id.getBytes(java.nio.charset.StandardCharsets.UTF_8), partitions));
      }
    }
  }

  @Test
  void configDefaults() {
    NodeAgentConfig c = NodeAgentConfig.builder("localhost:9092", dir).build();
    assertThat(c.heartbeatInterval()).isEqualTo(NodeAgentConfig.DEFAULT_HEARTBEAT_INTERVAL);
    assertThat(c.topics().assignments.name()).isEqualTo("shoal.assignments");
    assertThat(c.engineLabels()).isEmpty();
    assertThat(NodeDescriptions.resources(c).cpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(NodeDescriptions.resources(c).memoryBytes()).isPositive();
    NodeAgentConfig o = NodeAgentConfig.builder("localhost:9092", dir).cpus(1.5).memoryBytes(1L << 30).build();
    assertThat(NodeDescriptions.resources(o).cpus()).isEqualTo(1.5);
    assertThat(NodeDescriptions.resources(o).memoryBytes()).isEqualTo(1L << 30);
  }
}
