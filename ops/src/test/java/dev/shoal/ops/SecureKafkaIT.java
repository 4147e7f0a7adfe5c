package dev.shoal.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.agent.NodeAgent;
import dev.shoal.agent.runtime.docker.DockerRuntime;
import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.kafka.EmbeddedKafka;
import dev.shoal.kafka.KafkaSecurity;
import dev.shoal.ops.kafka.ShoalAcls;
import dev.shoal.orchestrator.streams.OrchestratorApp;
import dev.shoal.schemas.Assignment;
import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.JoinTokens;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.NodeSignatures;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.TaskStatusBatch;
import dev.shoal.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole cluster with Kafka authentication on: every component logs in as its own user
 * (orchestrator, gateway and one agent with SCRAM-SHA-512 over TLS, another agent with a TLS client
 * certificate), Kafka allows only what {@link ShoalAcls} allows, agents join with a token and sign
 * what they send. Checks that a service converges; that a client without credentials cannot write
 * {@code shoal.assignments}, an agent's credentials cannot either, and a gateway's cannot write
 * {@code shoal.control}; that statuses and heartbeats forged or copied by a client holding real agent
 * credentials become rejection events; and the agents' bind-mount rules on a Docker node.
 *
 * <p>This class starts its own {@link EmbeddedKafka} instead of using {@code KafkaBrokerExtension}'s:
 * authentication and the authorizer are broker-wide settings, and the shared broker must stay
 * plaintext for every other test. It is the only test class that does.
 */
class SecureKafkaIT {
  /** Generous: the machine is shared, and TLS plus SCRAM make every new client slower to connect. */
  private static final Duration WAIT = Duration.ofSeconds(120);
  /** Each look at a topic is a new authenticated consumer: not ten times a second. */
  private static final Duration POLL = Duration.ofSeconds(1);
  private static final Topics TOPICS = Topics.defaults();
  private static final Shutdown SHUTDOWN = new Shutdown();
  private static EmbeddedKafka kafka;
  private static GatewayServer gateway;
  private static Path allowedDir;
  private static boolean docker;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    kafka = SHUTDOWN.register(EmbeddedKafka.builder().dataDir(dir.resolve("kafka")).security(KafkaSecurity.SASL_SSL)
        .mtlsListener(true).users(ShoalAcls.USERS).build());
    kafka.start();
    ShoalAcls.applyTo(kafka, TOPICS);
    String bootstrap = kafka.bootstrapServers();
    byte[] secret = "a cluster secret for SecureKafkaIT".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    OrchestratorApp orchestrator = SHUTDOWN.register(new OrchestratorApp(OrchestratorCommand.config(bootstrap,
        dir.resolve("orchestrator"), "", 0, Duration.ofSeconds(3), 5, kafka.clientConfig("orchestrator"))
        .withClusterSecret(secret)));
    orchestrator.start(WAIT);
    gateway = SHUTDOWN.register(new GatewayServer(GatewayConfig.defaults(bootstrap).withListener("127.0.0.1", 0)
        .withKafkaProperties(strings(kafka.clientConfig("gateway"))).withClusterSecret(secret)));
    gateway.start();
    String token = JoinTokens.token(secret, JoinTokens.WORKER, 1);
    agent(bootstrap, "node-1", dir, RuntimeChoice.PROCESS, token, kafka.clientConfig("agent"), List.of());
    agent(kafka.mtlsBootstrapServers(), "node-2", dir, RuntimeChoice.PROCESS, token, kafka.mtlsClientConfig("agent"),
        List.of());
    allowedDir = Files.createDirectories(dir.resolve("allowed"));
    docker = dockerAnswers();
    List<String> hosts = new ArrayList<>(List.of("node-1", "node-2"));
    if (docker) {
      agent(bootstrap, "node-docker", dir, RuntimeChoice.DOCKER, token, kafka.clientConfig("agent"),
          List.of(allowedDir.toString()));
      hosts.add("node-docker");
    }
    await().atMost(WAIT).until(() -> hosts.stream().allMatch(SecureKafkaIT::ready));
  }

  @AfterAll
  static void stop() {
    SHUTDOWN.closeAll();
  }

  private static void agent(String bootstrap, String host, Path dir, RuntimeChoice runtime, String token,
                            Map<String, Object> kafkaConfig, List<String> allowBindMounts) {
    NodeAgent a = SHUTDOWN.register(AgentCommand.create(bootstrap, TOPICS, host, dir.resolve(host), runtime,
        Duration.ofMillis(500), Map.of(), Duration.ofSeconds(6), token, kafkaConfig, allowBindMounts, null));
    a.start();
  }

  private static boolean dockerAnswers() {
    try (DockerRuntime r = DockerRuntime.connect()) {
      return r.version() != null;
    } catch (Exception e) {
      return false;
    }
  }

  private static String api() {
    return "http://127.0.0.1:" + gateway.port();
  }

  private static boolean ready(String host) {
    for (JsonNode n : Http.get(api() + "/v1/nodes").json()) {
      if (host.equals(n.path("description").path("hostname").asText()) && "ready".equals(n.path("status").asText())) {
        return true;
      }
    }
    return false;
  }

  private static List<JsonNode> tasks(String service) {
    List<JsonNode> out = new ArrayList<>();
    Http.get(api() + "/v1/tasks?service=" + service).json().forEach(out::add);
    return out;
  }

  private static List<JsonNode> running(String service) {
    return tasks(service).stream().filter(t -> "running".equals(t.path("status").path("state").asText())).toList();
  }

  private static String sleeper(String name, int replicas, String constraint) {
    return "{\"name\":\"" + name + "\",\"command\":[\"sleep\",\"600\"],\"replicas\":" + replicas
        + (constraint == null ? "" : ",\"placement\":{\"constraints\":[\"" + constraint + "\"]}") + "}";
  }

  private static Map<String, String> strings(Map<String, Object> m) {
    Map<String, String> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }

  private static Map<String, Object> client(Map<String, Object> security, String bootstrap) {
    Map<String, Object> p = new HashMap<>(security);
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000);
    return p;
  }

  /** Sends one record and says how it ended: null when Kafka stored it, else the failure. */
  private static Throwable send(Map<String, Object> security, String bootstrap, String topic, String key, String value) {
    try (KafkaProducer<String, String> p = new KafkaProducer<>(client(security, bootstrap), new StringSerializer(),
        new StringSerializer())) {
      p.send(new ProducerRecord<>(topic, key, value)).get(20, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      return e;
    }
  }

  /** Every record of {@code topic} so far, read as the admin. */
  private static List<ConsumerRecord<String, String>> read(String topic) {
    Map<String, Object> p = new HashMap<>(kafka.clientConfig(EmbeddedKafka.ADMIN_USER));
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      List<ConsumerRecord<String, String>> out = new ArrayList<>();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }

  private static List<ClusterEvent> events(Predicate<ClusterEvent> which) {
    return read(TOPICS.events.name()).stream().map(r -> Json.fromString(r.value(), ClusterEvent.class))
        .filter(which).toList();
  }

  @Test
  void aServiceConvergesWithEveryComponentAuthenticated() {
    Http.Response created = Http.call("POST", api() + "/v1/services", sleeper("secure-web", 4, null));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    await().atMost(WAIT).untilAsserted(() -> assertThat(running("secure-web")).hasSize(4));
    // Both ways of logging in run tasks: SCRAM (node-1) and a client certificate (node-2).
    assertThat(running("secure-web")).extracting(t -> t.path("nodeId").asText()).hasSizeGreaterThanOrEqualTo(2);
    for (JsonNode n : Http.get(api() + "/v1/nodes").json()) {
      assertThat(n.path("publicKey").asText()).as("node %s has its key on record", n.path("id")).isNotBlank();
    }
    // The gateway's principal may read the control log (not write it): a service's history works here too.
    Http.Response history = Http.get(api() + "/v1/services/secure-web/history");
    assertThat(history.status()).as(history.body()).isEqualTo(200);
    assertThat(history.body()).contains("secure-web");
  }

  @Test
  void aClientWithoutCredentialsCannotWriteAssignmentsAndEachComponentOnlyItsOwnTopics() {
    String node = "intruder-" + UUID.randomUUID();
    String key = Assignment.key(node, "t1"); // a forged placement, as the orchestrator writes one
    Map<String, Object> trustOnly = new HashMap<>();
    trustOnly.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
        kafka.clientConfig("agent").get(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG));
    trustOnly.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
    trustOnly.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG,
        kafka.clientConfig("agent").get(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG));
    trustOnly.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
    String value = "{\"nodeId\":\"" + node + "\",\"sequence\":1,\"task\":{\"id\":\"t1\",\"nodeId\":\"" + node + "\"}}";
    // No credentials at all: plain text, TLS without a login, TLS without a certificate on the mTLS port.
    assertThat(send(Map.of(), kafka.bootstrapServers(), TOPICS.assignments.name(), key, value)).isNotNull();
    assertThat(send(trustOnly, kafka.bootstrapServers(), TOPICS.assignments.name(), key, value)).isNotNull();
    assertThat(send(trustOnly, kafka.mtlsBootstrapServers(), TOPICS.assignments.name(), key, value)).isNotNull();
    // Logged in, but not allowed: an agent writes only its input topics, the gateway not the control log.
    assertThat(send(kafka.clientConfig("agent"), kafka.bootstrapServers(), TOPICS.assignments.name(), key, value))
        .isInstanceOf(TopicAuthorizationException.class);
    assertThat(send(kafka.mtlsClientConfig("agent"), kafka.mtlsBootstrapServers(), TOPICS.specs.name(), key, "{}"))
        .isInstanceOf(TopicAuthorizationException.class);
    assertThat(send(kafka.clientConfig("gateway"), kafka.bootstrapServers(), TOPICS.control.name(), key, "{}"))
        .isInstanceOf(TopicAuthorizationException.class);
    assertThat(send(kafka.clientConfig("gateway"), kafka.bootstrapServers(), TOPICS.assignments.name(), key, value))
        .isInstanceOf(TopicAuthorizationException.class);
    assertThat(read(TOPICS.assignments.name())).noneMatch(r -> key.equals(r.key()));
    assertThat(read(TOPICS.control.name())).noneMatch(r -> key.equals(r.key()));
  }

  @Test
  void statusesAndHeartbeatsForgedOrCopiedWithAgentCredentialsAreRejected() {
    Http.call("POST", api() + "/v1/services", sleeper("secure-victim", 1, "node.hostname==node-1"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(running("secure-victim")).hasSize(1));
    JsonNode task = running("secure-victim").get(0);
    String taskId = task.path("id").asText();
    String nodeId = task.path("nodeId").asText();
    KeyPair impostor = NodeSignatures.newKeyPair();
    Map<String, Object> agentLogin = kafka.clientConfig("agent");

    TaskStatus forged = NodeSignatures.sign(new TaskStatus(taskId, nodeId, TaskState.FAILED, "forged", "forged", 1,
        null, null, null, null, System.currentTimeMillis()).withOrder(1_000, 1_000), impostor.getPrivate());
    assertThat(send(agentLogin, kafka.bootstrapServers(), TOPICS.taskStatus.name(), taskId, Json.toString(forged)))
        .isNull();
    TaskStatusBatch forgedBatch = NodeSignatures.sign(TaskStatusBatch.of(nodeId, 1_000, 2_000, List.of(
        new TaskStatus(taskId, nodeId, TaskState.FAILED, "forged", "forged", 1, null, null, null, null,
            System.currentTimeMillis()))), impostor.getPrivate());
    assertThat(send(agentLogin, kafka.bootstrapServers(), TOPICS.taskStatus.name(), nodeId, Json.toString(forgedBatch)))
        .isNull();
    // The agent sends batches (key: its node id): copy the one that reported the task running.
    String copy = read(TOPICS.taskStatus.name()).stream().filter(r -> nodeId.equals(r.key()))
        .map(ConsumerRecord::value).filter(v -> v.contains(taskId) && v.contains("\"RUNNING\"")).findFirst()
        .orElseThrow();
    assertThat(send(agentLogin, kafka.bootstrapServers(), TOPICS.taskStatus.name(), nodeId, copy)).isNull();
    NodeHeartbeat real = Json.fromString(read(TOPICS.heartbeats.name()).stream()
        .filter(r -> nodeId.equals(r.key())).reduce((a, b) -> b).orElseThrow().value(), NodeHeartbeat.class);
    NodeHeartbeat forgedBeat = NodeSignatures.sign(new NodeHeartbeat(nodeId, real.sequence() + 1_000,
        real.description(), List.of(), System.currentTimeMillis(), null, real.boot(),
        NodeSignatures.encode(impostor.getPublic()), null), impostor.getPrivate());
    assertThat(send(agentLogin, kafka.bootstrapServers(), TOPICS.heartbeats.name(), nodeId, Json.toString(forgedBeat)))
        .isNull();

    await().atMost(WAIT).pollInterval(POLL).untilAsserted(() -> {
      assertThat(events(e -> e.type().equals("task-status.rejected") && taskId.equals(e.entityId())))
          .extracting(ClusterEvent::message)
          .anyMatch(m -> m.contains("is not signed by node " + nodeId + "'s key"));
      // A batch is refused whole, as its node's (the reason names the status).
      assertThat(events(e -> e.type().equals("task-status.rejected") && nodeId.equals(e.entityId())))
          .extracting(ClusterEvent::message)
          .anyMatch(m -> m.startsWith("task status batch from node " + nodeId + " refused whole")
              && m.contains("is not signed by node " + nodeId + "'s key"))
          .anyMatch(m -> m.contains("replayed task status for task "));
      assertThat(events(e -> e.type().equals("heartbeat.rejected") && nodeId.equals(e.entityId())))
          .extracting(ClusterEvent::message).anyMatch(m -> m.contains("signed with a key other than the node's"));
    });
    assertThat(running("secure-victim")).singleElement()
        .satisfies(t -> assertThat(t.path("id").asText()).isEqualTo(taskId));
    assertThat(ready("node-1")).isTrue();
  }

  @Test
  void bindMountsFollowTheNodesRules() throws Exception {
    if (!docker) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError("no Docker engine answers (CI=true, so this fails instead of being skipped)");
      }
      Assumptions.abort("no Docker engine answers");
    }
    Files.writeString(allowedDir.resolve("hello.txt"), "hello");
    String onDocker = ",\"placement\":{\"constraints\":[\"node.hostname==node-docker\"]}";
    String mountAt = "{\"name\":\"%s\",\"image\":\"local/busybox:1\",\"command\":[\"sleep\",\"600\"],"
        + "\"mounts\":[{\"type\":\"bind\",\"source\":\"%s\",\"target\":\"/data\",\"readOnly\":true}]" + onDocker + "}";
    Http.call("POST", api() + "/v1/services", String.format(mountAt, "mount-etc", "/etc"));
    Http.call("POST", api() + "/v1/services", String.format(mountAt, "mount-sock", "/var/run/docker.sock"));
    Http.call("POST", api() + "/v1/services", String.format(mountAt, "mount-escape", allowedDir + "/../.."));
    Http.call("POST", api() + "/v1/services", String.format(mountAt, "mount-ok", allowedDir));
    await().atMost(WAIT).pollInterval(POLL).untilAsserted(() -> {
      assertThat(rejection("mount-etc")).contains("bind mount source /etc").contains("rule: prefix");
      assertThat(rejection("mount-sock")).contains("rule: exact name").contains("--allow-bind-mount");
      assertThat(rejection("mount-escape")).contains("rule: prefix");
      assertThat(running("mount-ok")).hasSize(1);
    });
  }

  private static String rejection(String service) {
    return tasks(service).stream().filter(t -> "rejected".equals(t.path("status").path("state").asText()))
        .map(t -> t.path("status").path("error").asText(t.path("status").path("message").asText()))
        .findFirst().orElse("");
  }
}
