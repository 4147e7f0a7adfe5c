package dev.shoal.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.kafka.KafkaBrokerExtension;
import dev.shoal.kafka.KafkaTestCluster;
import dev.shoal.schemas.Topics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Topics on a real broker: the catalogue is created as declared, and an input log with more than one partition is refused. */
@ExtendWith(KafkaBrokerExtension.class)
class TopicProvisionerIT {

  @Test
  void createsTheCatalogueWithOnePartitionInputsAndAppendTime(KafkaTestCluster kafka) throws Exception {
    Topics topics = new Topics(kafka.uniquePrefix() + "ok-");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      TopicProvisioner.Replication oneBroker = TopicProvisioner.replication(admin, null);
      assertThat(oneBroker).isEqualTo(new TopicProvisioner.Replication((short) 1, 1));
      List<String> created = TopicProvisioner.ensure(admin, topics, oneBroker);
      assertThat(created).hasSize(topics.all().size());
      var specs = admin.describeTopics(List.of(topics.specs.name())).allTopicNames().get().get(topics.specs.name());
      assertThat(specs.partitions()).hasSize(1);
      var resource = new org.apache.kafka.common.config.ConfigResource(
          org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topics.specs.name());
      assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource).get("min.insync.replicas").value())
          .as("one broker: one copy must do").isEqualTo("1");
      assertThat(TopicProvisioner.ensure(admin, topics, oneBroker)).as("idempotent").isEmpty();
    }
  }

  @Test
  void anInputLogWithSeveralPartitionsIsRefusedWithTheFix(KafkaTestCluster kafka) throws Exception {
    Topics topics = new Topics(kafka.uniquePrefix() + "old-");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topics.specs.name(), 3, (short) 1))).all().get();
      assertThatThrownBy(() -> TopicProvisioner.ensure(admin, topics, TopicProvisioner.replication(admin, null)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(topics.specs.name() + " has 3 partitions")
          .hasMessageContaining("need exactly 1");
    }
  }
}
