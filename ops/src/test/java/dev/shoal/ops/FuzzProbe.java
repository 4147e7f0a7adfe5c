package dev.shoal.ops;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The health checks between fuzz batches: a normal service created through the API converges
 * (every replica RUNNING) within the bound and is removed again; the orchestrator's streams are
 * RUNNING on the threads they started with and none has died; the gateway reports itself healthy.
 * Each check returns what went wrong instead of throwing, so one run reports every failure.
 */
final class FuzzProbe {
  private final LocalCluster cluster;
  private final Duration convergeWithin;
  private final Set<String> initialThreads;
  private final List<Long> convergeMillis = new ArrayList<>();

  FuzzProbe(LocalCluster cluster, Duration convergeWithin) {
    this.cluster = cluster;
    this.convergeWithin = convergeWithin;
    this.initialThreads = threadNames(cluster.orchestrator.streams());
  }

  List<String> check(String name, int replicas) {
    List<String> problems = new ArrayList<>();
    problems.addAll(converges(name, replicas));
    problems.addAll(streamsAlive());
    Http.Response health = Http.get(cluster.api() + "/v1/health");
    if (health.status() != 200) {
      problems.add("gateway /v1/health is " + health.status() + ": " + health.body());
    }
    return problems;
  }

  private List<String> converges(String name, int replicas) {
    String spec = "{\"name\":\"" + name + "\",\"command\":[\"sleep\",\"600\"],\"replicas\":" + replicas + "}";
    long start = System.nanoTime();
    Http.Response created = Http.call("POST", cluster.api() + "/v1/services", spec);
    if (created.status() != 201) {
      return List.of("creating probe service " + name + " answered " + created.status() + ": " + created.body());
    }
    List<String> problems = new ArrayList<>();
    Duration left = convergeWithin.minusNanos(System.nanoTime() - start);
    try {
      await().atMost(left.isNegative() ? Duration.ZERO : left).pollInterval(Duration.ofMillis(100))
          .until(() -> running(name) == replicas);
      convergeMillis.add((System.nanoTime() - start) / 1_000_000);
    } catch (ConditionTimeoutException e) {
      problems.add("probe service " + name + " did not converge to " + replicas + " RUNNING within " + convergeWithin
          + "; tasks: " + Http.get(cluster.api() + "/v1/tasks?service=" + name).body());
    }
    Http.Response removed = Http.call("DELETE", cluster.api() + "/v1/services/" + name, null);
    if (removed.status() != 204) {
      problems.add("removing probe service " + name + " answered " + removed.status() + ": " + removed.body());
    }
    return problems;
  }

  private int running(String name) {
    JsonNode s = Http.get(cluster.api() + "/v1/services/" + name).json();
    return s.path("replicas").path("running").asInt(-1);
  }

  private List<String> streamsAlive() {
    List<String> problems = new ArrayList<>();
    KafkaStreams streams = cluster.orchestrator.streams();
    if (streams.state() != KafkaStreams.State.RUNNING) {
      problems.add("orchestrator streams are " + streams.state());
    }
    if (cluster.orchestrator.failedThreads() > 0) {
      problems.add(cluster.orchestrator.failedThreads() + " orchestrator stream thread(s) died (and were replaced)");
    }
    Set<String> now = threadNames(streams);
    if (!now.equals(initialThreads)) {
      problems.add("orchestrator stream threads changed from " + initialThreads + " to " + now);
    }
    for (ThreadMetadata t : streams.metadataForLocalThreads()) {
      if (!"RUNNING".equals(t.threadState())) {
        problems.add("stream thread " + t.threadName() + " is " + t.threadState());
      }
    }
    return problems;
  }

  private static Set<String> threadNames(KafkaStreams streams) {
    Set<String> names = new TreeSet<>();
    streams.metadataForLocalThreads().forEach(t -> names.add(t.threadName()));
    return names;
  }

  List<Long> convergeMillis() {
    return List.copyOf(convergeMillis);
  }
}
