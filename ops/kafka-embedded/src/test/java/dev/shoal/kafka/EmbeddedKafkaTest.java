package dev.shoal.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests {@link EmbeddedKafka} itself (other tests use {@link KafkaBrokerExtension}). */
class EmbeddedKafkaTest {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        long start = System.nanoTime();
        kafka = EmbeddedKafka.builder().build().start();
        System.out.printf("embedded Kafka started in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }

    @AfterAll
    static void stopBroker() {
        Path dataDir = kafka.dataDir();
        long start = System.nanoTime();
        kafka.close();
        System.out.printf("embedded Kafka closed in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        assertThat(dataDir).as("temporary data dir is deleted").doesNotExist();
    }

    @Test
    void producesAndConsumes() throws Exception {
        assertThat(kafka.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
        createTopic(kafka, "plain");
        produce(kafka, "plain", "k", "hello");
        assertThat(consume(kafka, "plain", 1)).extracting(ConsumerRecord::value).containsExactly("hello");
    }

    @Test
    void runsExactlyOnceStreamsApp(@TempDir Path stateDir) throws Exception {
        createTopic(kafka, "eos-in");
        createTopic(kafka, "eos-out");
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("eos-in").to("eos-out");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "eos-copy");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            streams.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
            produce(kafka, "eos-in", "k", "copied");
            // read_committed: the output is only visible once the Streams transaction committed
            assertThat(consume(kafka, "eos-out", 1)).extracting(ConsumerRecord::value).containsExactly("copied");
        }
    }

    @Test
    void restartsOnTheSameDataDir(@TempDir Path dir) throws Exception {
        int port;
        try (EmbeddedKafka first = EmbeddedKafka.builder().dataDir(dir).build().start()) {
            port = Integer.parseInt(first.bootstrapServers().split(":")[1]);
            createTopic(first, "kept");
            produce(first, "kept", "k", "survives");
        }
        assertThat(dir.resolve("kafka-logs/meta.properties")).exists();
        try (EmbeddedKafka second = EmbeddedKafka.builder().port(port).dataDir(dir).build().start()) {
            assertThat(second.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            assertThat(consume(second, "kept", 1)).extracting(ConsumerRecord::value).containsExactly("survives");
        }
        assertThat(dir).as("a given data dir is kept").exists();
    }

    static void createTopic(EmbeddedKafka kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
    }

    static void produce(EmbeddedKafka kafka, String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    static List<ConsumerRecord<String, String>> consume(EmbeddedKafka kafka, String topic, int count) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return records.size() >= count;
            });
        }
        return records;
    }
}
