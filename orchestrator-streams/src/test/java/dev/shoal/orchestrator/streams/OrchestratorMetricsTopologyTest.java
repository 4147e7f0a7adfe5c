package dev.shoal.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.orchestrator.core.JoinPolicy;
import dev.shoal.orchestrator.metrics.OrchestratorMetrics;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.CommandEnvelope;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator's metrics, driven through the real topology: the decision processor finds them
 * in its application configs and meters what it decided.
 */
class OrchestratorMetricsTopologyTest {
  private static final String WEB = "{\"name\":\"web\",\"command\":[\"sleep\",\"1000\"],\"replicas\":3}";
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private DriverHarness h;

  private void start(java.util.function.Supplier<dev.shoal.orchestrator.core.Scheduler> scheduler) {
    h = new DriverHarness(JoinPolicy.OPEN, scheduler,
        Map.of(OrchestratorMetrics.CONFIG_KEY, OrchestratorMetrics.create(registry)));
  }

  private void start() {
    start(dev.shoal.orchestrator.core.Scheduler::new);
  }

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }

  private double count(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  private void threeNodes() {
    h.heartbeat("n1");
    h.heartbeat("n2");
    h.heartbeat("n3");
  }

  @Test
  void nodesServicesAndTasksAreCountedAsTheyAreDecided() {
    start();
    threeNodes();
    assertThat(gauge("shoal.cluster.nodes", "status", "ready", "availability", "active", "role", "worker")).isEqualTo(3);
    assertThat(gauge("shoal.cluster.node.ready", "node", "n1", "hostname", "host-n1")).isEqualTo(1);
    assertThat(gauge("shoal.orchestrator.active")).isEqualTo(1);

    h.spec("web", WEB);
    assertThat(gauge("shoal.cluster.services")).isEqualTo(1);
    assertThat(gauge("shoal.cluster.tasks", "service", "web", "desired_state", "running", "state", "assigned")).isEqualTo(3);
    assertThat(gauge("shoal.cluster.service.replicas.desired", "service", "web")).isEqualTo(3);
    assertThat(gauge("shoal.cluster.service.replicas.running", "service", "web")).isZero();
    assertThat(gauge("shoal.cluster.service.update.state", "service", "web", "state", "none")).isEqualTo(1);
    assertThat(count("shoal.orchestrator.placements")).isEqualTo(3);
    assertThat(count("shoal.orchestrator.task.creations", "cause", "spec_applied")).isEqualTo(3);
    Timer scheduling = registry.get("shoal.orchestrator.scheduling.latency").timer();
    assertThat(scheduling.count()).isEqualTo(3);
    assertThat(scheduling.totalTime(TimeUnit.MILLISECONDS)).as("placed in the decision that created them").isZero();

    h.advance(Duration.ofMillis(1500));
    for (Task t : h.tasksOf("web")) {
      h.report(t, TaskState.RUNNING);
    }
    assertThat(gauge("shoal.cluster.service.replicas.running", "service", "web")).isEqualTo(3);
    assertThat(gauge("shoal.cluster.tasks", "service", "web", "desired_state", "running", "state", "assigned")).isZero();
    Timer start = registry.get("shoal.orchestrator.start.latency").timer();
    assertThat(start.count()).isEqualTo(3);
    assertThat(start.totalTime(TimeUnit.MILLISECONDS)).as("decision times, not the wall clock").isEqualTo(3 * 1500);
    assertThat(count("shoal.orchestrator.decisions", "kind", "task_status")).isEqualTo(3);

    h.command(new CommandEnvelope(new Command.ScaleService("web", 1), "alice", "r1", 0));
    assertThat(gauge("shoal.cluster.service.replicas.desired", "service", "web")).isEqualTo(1);
    assertThat(gauge("shoal.cluster.tasks", "service", "web", "desired_state", "shutdown", "state", "running")).isEqualTo(2);
  }

  @Test
  void replacementsAfterANodeFailureAndRestartsAreCounted() {
    start();
    threeNodes();
    h.spec("web", WEB.replace("\"replicas\":3", "\"replicas\":3,\"restartPolicy\":{\"delay\":\"0s\"}"));
    for (Task t : h.tasksOf("web")) {
      h.report(t, TaskState.RUNNING);
    }
    long onN1 = h.tasksOf("web").stream().filter(t -> t.nodeId().equals("n1")).count();
    for (int i = 0; i < 8; i++) { // n1 falls silent, the others beat on
      h.advance(Duration.ofMillis(500));
      h.heartbeat("n2");
      h.heartbeat("n3");
    }
    assertThat(gauge("shoal.cluster.node.ready", "node", "n1", "hostname", "host-n1")).isZero();
    assertThat(gauge("shoal.cluster.nodes", "status", "down", "availability", "active", "role", "worker")).isEqualTo(1);
    assertThat(count("shoal.orchestrator.replacements", "reason", "node_down")).isEqualTo(onN1).isPositive();

    Task victim = h.runningDesired("web").stream().filter(t -> t.state() == TaskState.RUNNING).findFirst().orElseThrow();
    h.report(victim, TaskState.FAILED, 1);
    assertThat(count("shoal.orchestrator.restarts")).isEqualTo(1);
  }

  @Test
  void pendingTasksSayWhyTheyWait() {
    start();
    h.heartbeat("n1");
    h.spec("big", "{\"name\":\"big\",\"command\":[\"sleep\",\"1\"],\"replicas\":2,"
        + "\"resources\":{\"reservations\":{\"memory\":\"1T\"}}}");
    assertThat(gauge("shoal.cluster.tasks.pending", "service", "big", "reason", "insufficient_memory")).isEqualTo(2);
    h.heartbeat("n2", java.util.List.of("process"), new dev.shoal.schemas.NodeResources(4, 4L << 40)); // room now
    assertThat(count("shoal.orchestrator.placements")).isEqualTo(2);
    assertThat(gauge("shoal.cluster.tasks.pending", "service", "big", "reason", "insufficient_memory")).isZero();
  }

  @Test
  void rejectionsAndQuarantinesAreCountedByCode() {
    start(HardeningTopologyTest.ExplodingScheduler::new);
    threeNodes();
    h.spec("web", "{\"name\":\"web\",\"replicas\":-1}");
    h.rawCommand("x", "not json");
    assertThat(count("shoal.orchestrator.rejections", "type", "spec.rejected", "code", "invalid")).isEqualTo(1);
    assertThat(count("shoal.orchestrator.rejections", "type", "command.rejected", "code", "invalid")).isEqualTo(1);
    h.spec("boom", "{\"name\":\"boom\",\"command\":[\"sleep\",\"1\"]}");
    assertThat(count("shoal.orchestrator.quarantined", "code", "internal")).isEqualTo(1);
    assertThat(registry.find("shoal.cluster.service.replicas.desired").tag("service", "boom").gauge())
        .as("a quarantined message changed nothing").isNull();
  }

  @Test
  void aRemovedServiceLeavesNoSeriesOnceItsTasksAreGone() {
    start();
    threeNodes();
    h.spec("web", WEB);
    h.spec("web", null);
    assertThat(registry.find("shoal.cluster.service.replicas.desired").tag("service", "web").gauge()).isNull();
    assertThat(gauge("shoal.cluster.services")).isZero();
    for (Task t : h.tasksOf("web")) {
      h.report(t, TaskState.SHUTDOWN);
    }
    assertThat(registry.find("shoal.cluster.tasks").tag("service", "web").gauges()).isEmpty();
  }

  @Test
  void theScrapeUsesPrometheusConventions() {
    start();
    threeNodes();
    h.spec("web", WEB);
    String text = registry.scrape();
    assertThat(text).contains("shoal_orchestrator_scheduling_latency_seconds_bucket{le=\"0.005\"}")
        .contains("shoal_orchestrator_placements_total 3.0")
        .contains("shoal_cluster_tasks{desired_state=\"running\",service=\"web\",state=\"assigned\"} 3")
        .doesNotContain("task_id");
  }

  @Test
  void aClosedDecisionTaskTakesItsGaugesAlong() {
    start();
    threeNodes();
    h.spec("web", WEB);
    h.close();
    h = null;
    assertThat(registry.find("shoal.cluster.tasks").gauges()).isEmpty();
    assertThat(registry.get("shoal.orchestrator.active").gauge().value()).isZero();
  }
}
