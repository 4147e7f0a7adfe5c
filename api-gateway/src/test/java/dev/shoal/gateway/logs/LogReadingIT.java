package dev.shoal.gateway.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.gateway.Fixtures;
import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.gateway.InMemoryClusterBackend;
import dev.shoal.gateway.docker.DockerEngineApi;
import dev.shoal.kafka.KafkaBrokerExtension;
import dev.shoal.kafka.KafkaTestCluster;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.LogBatch;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.Topics;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway's log reading against a real broker: batches written to {@code shoal.logs} as agents
 * write them, read back through {@code /v1} and the Docker Engine API, over HTTP.
 */
@ExtendWith(KafkaBrokerExtension.class)
class LogReadingIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final InMemoryClusterBackend BACKEND = new InMemoryClusterBackend();
  private static Topics topics;
  private static KafkaProducer<String, LogBatch> producer;
  private static GatewayServer gateway;
  private static KafkaLogReader reader;
  private static long clock = 1_000;

  @BeforeAll
  static void start(KafkaTestCluster kafka) throws Exception {
    topics = new Topics(kafka.uniquePrefix());
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topics.logs.name(), topics.logs.partitions(), (short) 1)
          .configs(topics.logs.configs()))).all().get();
    }
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        topics.logs.keySerde().serializer(), topics.logs.valueSerde().serializer());
    GatewayConfig config = GatewayConfig.defaults(kafka.bootstrapServers()).withTopics(topics).withListener("127.0.0.1", 0);
    LogLimits limits = LogLimits.DEFAULTS.withMaxLines(5_000).withReaders(8, 1);
    reader = KafkaLogReader.of(config, limits);
    LogService logs = new LogService(BACKEND, reader, limits);
    gateway = new GatewayServer(config, BACKEND, Clock.systemUTC(),
        List.of(logs.routes(), new DockerEngineApi(BACKEND, topics.prefix(), null, Clock.systemUTC(), logs))).start();
    BACKEND.add(Fixtures.node("node-a", "host-a"));
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      reader.close();
      gateway.close();
    }
    if (producer != null) {
      producer.close();
    }
  }

  // ---- fixtures ----

  private static Task task(Service s, String id, int slot) {
    return BACKEND.add(Fixtures.task(id, s, slot, "node-a", DesiredState.RUNNING, TaskState.RUNNING, clock++));
  }

  private static LogBatch.Line line(String stream, String text, long pos) {
    return LogBatch.Line.of(nowNanos(), stream, text, pos);
  }

  private static long nowNanos() {
    Instant t = Instant.now();
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static void ship(String taskId, List<LogBatch.Line> lines) throws Exception {
    producer.send(new ProducerRecord<>(topics.logs.name(), taskId, new LogBatch(taskId, "node-a", lines))).get();
  }

  /** {@code n} stdout lines {@code prefix 1..n} in batches of {@code per}, at positions 1..n. */
  private static void shipNumbered(String taskId, String prefix, int from, int to, int per) throws Exception {
    List<LogBatch.Line> batch = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      batch.add(line(LogBatch.STDOUT, prefix + i, i));
      if (batch.size() == per || i == to) {
        ship(taskId, batch);
        batch = new ArrayList<>();
      }
    }
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url() + path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> lines(String path) throws Exception {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body().lines().toList();
  }

  private static List<String> numbered(String prefix, int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> prefix + i).toList();
  }

  // ---- /v1 ----

  @Test
  void aThousandLinesComeBackInOrderAndCopiesAreReadOnce() throws Exception {
    Service s = BACKEND.add(Fixtures.service("thousand", 1));
    Task t = task(s, "task-thousand", 1);
    shipNumbered(t.id(), "line ", 1, 600, 128);
    shipNumbered(t.id(), "line ", 501, 1000, 128); // 501..600 sent again, as after a lost acknowledgement
    ship(t.id(), List.of(line(LogBatch.STDERR, "oops", 5)));

    assertThat(lines("/v1/tasks/" + t.id() + "/logs?stderr=false")).containsExactlyElementsOf(numbered("line ", 1, 1000));
    assertThat(lines("/v1/tasks/" + t.id() + "/logs?stdout=0")).containsExactly("oops");
    List<JsonNode> json = lines("/v1/tasks/" + t.id() + "/logs?format=ndjson&tail=2").stream().map(LogReadingIT::json)
        .toList();
    assertThat(json).extracting(j -> j.get("text").asText()).containsExactly("line 1000", "oops");
    assertThat(json.get(1).get("stream").asText()).isEqualTo("stderr");
    assertThat(json.get(1).get("task").asText()).isEqualTo("thousand.1");
    assertThat(json.get(1).get("node").asText()).isEqualTo("host-a");
    assertThat(json.get(1).get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
  }

  @Test
  void tailReadsBackwardsPastOtherTasksLinesAndCountsPerTask() throws Exception {
    Service s = BACKEND.add(Fixtures.service("tails", 2));
    Task a = task(s, "task-tail-a", 1);
    Task b = task(s, "task-tail-b", 2);
    shipNumbered(a.id(), "a ", 1, 2000, 1); // 2,000 records: the tail needs several steps back
    shipNumbered(b.id(), "b ", 1, 10, 1);
    assertThat(lines("/v1/tasks/" + a.id() + "/logs?tail=3")).containsExactly("a 1998", "a 1999", "a 2000");
    assertThat(lines("/v1/tasks/" + b.id() + "/logs?tail=2")).containsExactly("b 9", "b 10");
    assertThat(lines("/v1/services/tails/logs?tail=1"))
        .containsExactlyInAnyOrder("tails.1.task-tail-a@host-a | a 2000", "tails.2.task-tail-b@host-a | b 10");
    assertThat(lines("/v1/tasks/" + b.id() + "/logs?tail=0")).isEmpty();
  }

  @Test
  void sinceAndTimestampsAndAServiceMergesItsTasksByTime() throws Exception {
    Service s = BACKEND.add(Fixtures.service("merged", 2));
    Task a = task(s, "mrg-a", 1);
    Task b = task(s, "mrg-b", 2);
    // Line times near the broker's append time, as an agent writes them: since finds its offset by append time.
    long t0 = Math.floorDiv(nowNanos(), 1_000_000_000L) * 1_000_000_000L;
    ship(a.id(), List.of(new LogBatch.Line(t0, "stdout", "first", 1, null), new LogBatch.Line(t0 + 2_000, "stdout",
        "third", 2, null)));
    ship(b.id(), List.of(new LogBatch.Line(t0 + 1_000, "stderr", "second", 1, null),
        new LogBatch.Line(t0 + 3_000, "stdout", "fourth", 2, null)));

    assertThat(lines("/v1/services/merged/logs")).containsExactly("merged.1.mrg-a@host-a | first",
        "merged.2.mrg-b@host-a | second", "merged.1.mrg-a@host-a | third",
        "merged.2.mrg-b@host-a | fourth");
    String second = LogTimes.rfc3339Nano(t0).replace("Z", ".000002Z");
    assertThat(lines("/v1/services/merged/logs?timestamps=true&since=" + second))
        .containsExactly(second + " merged.1.mrg-a@host-a | third",
            LogTimes.rfc3339Nano(t0 + 3_000) + " merged.2.mrg-b@host-a | fourth");
  }

  @Test
  void aResponseStopsAtTheLineLimitAndSaysSo() throws Exception {
    Service s = BACKEND.add(Fixtures.service("big", 2));
    Task t = task(s, "task-big", 1);
    Task u = task(s, "task-big-2", 2);
    shipNumbered(t.id(), "x", 1, 6_000, 500);
    shipNumbered(u.id(), "y", 1, 3_000, 500);
    List<String> got = lines("/v1/tasks/" + t.id() + "/logs");
    assertThat(got).hasSize(5_001);
    assertThat(got.subList(0, 5_000)).containsExactlyElementsOf(numbered("x", 1, 5_000));
    assertThat(got.get(5_000)).startsWith("… response cut at 5000 lines");

    // tail is bounded per task by the limit (400 just over it), and the answer as a whole by the same limit
    assertThat(lines("/v1/tasks/" + t.id() + "/logs?tail=5000")).hasSize(5_000).last().isEqualTo("x6000");
    HttpResponse<String> over = get("/v1/tasks/" + t.id() + "/logs?tail=5001");
    assertThat(over.statusCode()).isEqualTo(400);
    assertThat(over.body()).contains("tail must be at most 5000 lines");
    assertThat(get("/v1.41/tasks/" + t.id() + "/logs?stdout=1&tail=5001").statusCode()).isEqualTo(400);
    List<String> both = lines("/v1/services/big/logs?tail=3000");
    assertThat(both).hasSize(5_001);
    assertThat(both.get(5_000)).startsWith("… response cut at 5000 lines");
  }

  @Test
  void badParametersAndUnknownTasksAreRefused() throws Exception {
    assertThat(get("/v1/tasks/nosuch/logs").statusCode()).isEqualTo(404);
    assertThat(get("/v1/services/nosuch/logs").statusCode()).isEqualTo(404);
    Service s = BACKEND.add(Fixtures.service("params", 1));
    Task t = task(s, "task-params", 1);
    assertThat(get("/v1/tasks/" + t.id() + "/logs?tail=ten").statusCode()).isEqualTo(400);
    assertThat(get("/v1/tasks/" + t.id() + "/logs?since=yesterday").statusCode()).isEqualTo(400);
    assertThat(get("/v1/tasks/" + t.id() + "/logs?stdout=false&stderr=false").statusCode()).isEqualTo(400);
    assertThat(get("/v1/tasks/" + t.id() + "/logs?format=xml").statusCode()).isEqualTo(400);
    assertThat(get("/v1.41/tasks/" + t.id() + "/logs").statusCode()).as("the engine wants a stream").isEqualTo(400);
  }

  // ---- follow ----

  @Test
  void followShowsNewLinesWithinASecondAndAFollowerThatLeftFreesItsPlace() throws Exception {
    Service s = BACKEND.add(Fixtures.service("follow", 1));
    Task t = task(s, "task-follow", 1);
    shipNumbered(t.id(), "old ", 1, 3, 3);
    RawFollower in = new RawFollower(gateway.port(), "/v1/tasks/" + t.id() + "/logs?follow=true&tail=1");
    assertThat(in.status).isEqualTo(200);
    assertThat(in.readLine()).isEqualTo("old 3");

    // The gateway allows one follower here: a second one is refused while the first follows.
    assertThat(get("/v1/tasks/" + t.id() + "/logs?follow=1").statusCode()).isEqualTo(429);

    for (int i = 1; i <= 3; i++) {
      long sent = System.nanoTime();
      ship(t.id(), List.of(line(LogBatch.STDOUT, "new " + i, 10 + i)));
      CompletableFuture<String> next = CompletableFuture.supplyAsync(() -> {
        try {
          return in.readLine();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      assertThat(next.get(1, TimeUnit.SECONDS)).isEqualTo("new " + i);
      assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(1));
    }

    in.close(); // the client goes away without a word
    // Jetty does not read while a request is handled: the follower learns it is alone when a write
    // fails (the first one after the close may still be taken by the kernel), and then frees its place.
    long[] pos = {20};
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
      ship(t.id(), List.of(line(LogBatch.STDOUT, "nobody reads this", pos[0]++)));
      return followStatus(t) == 200;
    });
  }

  private static int followStatus(Task t) throws Exception {
    HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(
        URI.create(gateway.url() + "/v1/tasks/" + t.id() + "/logs?follow=1&tail=0")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    r.body().close();
    return r.statusCode();
  }

  // ---- the Docker Engine API ----

  /** One frame of the engine's stream. */
  private record Frame(int stream, String payload) {}

  private static List<Frame> frames(byte[] body) {
    List<Frame> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(body);
    while (b.remaining() >= 8) {
      int stream = b.get();
      assertThat(new byte[] {b.get(), b.get(), b.get()}).containsExactly(0, 0, 0);
      int n = b.getInt();
      byte[] payload = new byte[n];
      b.get(payload);
      out.add(new Frame(stream, new String(payload, StandardCharsets.UTF_8)));
    }
    assertThat(b.remaining()).isZero();
    return out;
  }

  @Test
  void theEngineStreamIsFramedWithDetailsAsDockerServiceLogsReadsThem() throws Exception {
    Service s = BACKEND.add(Fixtures.service("logger", 1));
    Task t = task(s, "681wno16sm9593smjyre8skxl", 1);
    ship(t.id(), List.of(line(LogBatch.STDOUT, "hello from stdout", 1), line(LogBatch.STDERR, "oops on stderr", 1),
        line(LogBatch.STDOUT, "line 1", 2)));

    HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url()
        + "/v1.41/services/logger/logs?details=1&stderr=1&stdout=1&tail=all")).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
    String details = "com.docker.swarm.node.id=node-a,com.docker.swarm.service.id=" + s.id()
        + ",com.docker.swarm.task.id=681wno16sm9593smjyre8skxl ";
    assertThat(frames(r.body())).containsExactly(new Frame(1, details + "hello from stdout\n"),
        new Frame(2, details + "oops on stderr\n"), new Frame(1, details + "line 1\n"));

    HttpResponse<byte[]> ts = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url()
        + "/tasks/681wno16sm/logs?stdout=1&timestamps=1&tail=1")).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(frames(ts.body())).singleElement().satisfies(f ->
        assertThat(f.payload()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z line 1\n"));
  }

  private static JsonNode json(String line) {
    try {
      return Json.MAPPER.readTree(line);
    } catch (java.io.IOException e) {
      throw new AssertionError(line, e);
    }
  }
}
