package dev.shoal.orchestrator.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.kafka.KafkaBrokerExtension;
import dev.shoal.kafka.KafkaTestCluster;
import dev.shoal.orchestrator.streams.TopicProvisioner;
import dev.shoal.schemas.TopicSpec;
import dev.shoal.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Reading where a verified snapshot left off: the decisions' transactions end every partition with a
 * commit marker after the last record, and a read from just after that record must see the end at
 * once, not after a poll timed out (it took half a second per partition: a resumed {@code verify}
 * with nothing to replay took 7 s).
 */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaAuditSourceIT {

  @Test
  void aReadResumedBeforeACommitMarkerEndsAtOnce(KafkaTestCluster kafka) throws Exception {
    Topics topics = new Topics(kafka.uniquePrefix() + "resume-");
    List<TopicSpec<?, ?>> derived = List.of(topics.services, topics.tasks, topics.nodes, topics.assignments,
        topics.events, topics.cluster);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      TopicProvisioner.ensure(admin, topics, (short) 1);
    }
    int partitions = 0;
    try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
        "transactional.id", topics.prefix() + "tx"), new StringSerializer(), new ByteArraySerializer())) {
      p.initTransactions();
      p.beginTransaction();
      RecordHeaders h = new RecordHeaders();
      h.add("shoal-sequence", "1".getBytes(StandardCharsets.UTF_8));
      p.send(new ProducerRecord<>(topics.control.name(), 0, null, "k", "{}".getBytes(StandardCharsets.UTF_8), h));
      for (TopicSpec<?, ?> t : derived) {
        for (int i = 0; i < t.partitions(); i++, partitions++) {
          p.send(new ProducerRecord<>(t.name(), i, null, "k", "{}".getBytes(StandardCharsets.UTF_8), h));
        }
      }
      p.commitTransaction();
    }
    assertThat(partitions).as("the catalogue's derived partitions").isEqualTo(3 + 3 + 3 + 6 + 3 + 1);

    try (KafkaAuditSource source = new KafkaAuditSource(kafka.bootstrapServers(), Map.of(), topics)) {
      for (TopicSpec<?, ?> t : derived) {
        for (int i = 0; i < t.partitions(); i++) {
          DerivedLogs.PartitionLog from0 = source.derived().open(t.name(), i, 0);
          assertThat(from0.peek()).as("the record itself is read").isNotNull();
          DerivedLogs.PartitionLog resumed = source.derived().open(t.name(), i, 1);
          assertThat(resumed.peek()).as(t.name() + "-" + i + " after its record").isNull();
          assertThat(resumed.position()).isEqualTo(1);
        }
      }
      // How fast the ends are found (it was 500 ms per partition) is a benchmark's business: shoal bench audit.

      ControlLog control = source.control();
      control.seek(1);
      assertThat(control.next()).isEmpty();
    }
  }
}
