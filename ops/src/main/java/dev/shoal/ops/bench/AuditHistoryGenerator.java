package dev.shoal.ops.bench;

import dev.shoal.orchestrator.core.ClusterState;
import dev.shoal.orchestrator.core.Plan;
import dev.shoal.orchestrator.core.ReconcilePlan;
import dev.shoal.orchestrator.core.StatusSignatures;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.CommandEnvelope;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.SpecValidator;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;

/**
 * The inputs of a long, busy cluster's history, one control-log message at a time, as the intakes
 * would hand them to the decision: nodes join, services are created, updated (rolling updates with
 * monitor windows), scaled, removed and created again, nodes are drained and made active, go down
 * and come back, tasks fail (restart delays), agents report every task they start and stop, and the
 * timers the decisions asked for fire when due. Deterministic for a seed; time is simulated
 * ({@code stepMillis} per input), so a million inputs make hours of history in seconds.
 *
 * <p>It reads the decision state after each decision ({@link #decided}) to know which tasks there
 * are and which timers are due, as agents and the timer punctuator know them.
 */
final class AuditHistoryGenerator {
  /** One input: the control-log record key, the message and its decision (record) time. */
  record Input(String key, ControlMessage message, long time) {}

  private static final String PRINCIPAL = "bench";

  private final Random random;
  private final int services;
  private final int nodes;
  private final long stepMillis;
  private final SimulatedAgents agents = new SimulatedAgents();
  // Keyed as the orchestrator's timer store keys them (due time, name, target): a timer asked for
  // again by a later decision is one timer, and fires once.
  private final TreeSet<ReconcilePlan.Timer> timers = new TreeSet<>(Comparator.comparingLong(ReconcilePlan.Timer::dueAt)
      .thenComparing(ReconcilePlan.Timer::name).thenComparing(ReconcilePlan.Timer::target));
  private long now;
  private long count;

  AuditHistoryGenerator(long seed, int services, int nodes, long start, long stepMillis) {
    if (services < 1 || nodes < 1 || stepMillis < 1) {
      throw new IllegalArgumentException("services, nodes and stepMillis must be positive");
    }
    this.random = new Random(seed);
    this.services = services;
    this.nodes = nodes;
    this.now = start;
    this.stepMillis = stepMillis;
  }

  /** How the decisions check the statuses these agents sign ({@link SimulatedAgents#signatures}). */
  StatusSignatures signatures() {
    return agents.signatures();
  }

  /** The next input, given the state after the last decision. */
  Input next(ClusterState state) {
    now += stepMillis;
    count++;
    if (count <= nodes) {
      String id = node((int) count - 1);
      return new Input(id, agents.nodeUp(id), now);
    }
    if (count <= nodes + services) {
      return spec(service((int) (count - nodes - 1)), state);
    }
    if (!timers.isEmpty() && timers.first().dueAt() <= now) {
      ReconcilePlan.Timer t = timers.pollFirst();
      return new Input(t.target(), new ControlMessage.TimerFired(t.name(), t.target()), now);
    }
    // Agents answer soon after a decision: most inputs of a busy cluster are their reports.
    if (agents.owesAny() && random.nextInt(100) < 75) {
      Optional<ControlMessage> s = agents.nextStatus(state, now);
      if (s.isPresent()) {
        return new Input(((ControlMessage.TaskStatusReported) s.get()).status().taskId(), s.get(), now);
      }
    }
    return action(state);
  }

  /** Takes note of what the decision changed: the statuses the agents now owe, the timers it set. */
  void decided(Plan plan, ClusterState state) {
    agents.observe(state, plan.changes());
    timers.addAll(plan.timers());
  }

  long now() {
    return now;
  }

  private Input action(ClusterState state) {
    int dice = random.nextInt(100);
    String name = service(random.nextInt(services));
    if (dice < 30) {
      return spec(name, state);
    }
    if (dice < 55) {
      return command(new Command.ScaleService(name, 1 + random.nextInt(6)));
    }
    if (dice < 63) {
      return state.service(name).isPresent()
          ? new Input(name, new ControlMessage.SpecRemoved(name, PRINCIPAL, requestId()), now) : spec(name, state);
    }
    String nodeId = node(random.nextInt(nodes));
    if (dice < 73) {
      return availability(state, nodeId);
    }
    if (dice < 81) {
      return liveness(state, nodeId);
    }
    return failure(state).orElseGet(() -> spec(name, state));
  }

  /** A create, or an update that changes the environment: every replica is replaced by a rolling update. */
  private Input spec(String name, ClusterState state) {
    int replicas = state.service(name).map(s -> s.spec().replicas() == null ? 1 : s.spec().replicas()).orElse(1 + random.nextInt(4));
    String json = String.format(Locale.ROOT, "{\"name\":\"%s\",\"command\":[\"sleep\",\"3600\"],\"replicas\":%d,"
        + "\"env\":{\"REV\":\"%d\",\"TIER\":\"web\"},\"labels\":{\"team\":\"t%d\"},"
        + "\"updateConfig\":{\"parallelism\":2,\"delay\":\"1s\",\"monitor\":\"2s\"},"
        + "\"restartPolicy\":{\"condition\":\"any\",\"delay\":\"5s\"}}", name, replicas, count, random.nextInt(5));
    SpecValidator.Result r = SpecValidator.validate(json);
    if (!r.valid()) {
      throw new IllegalStateException("the bench's own spec is invalid: " + r.message());
    }
    ServiceSpec spec = r.spec();
    return new Input(name, new ControlMessage.SpecApplied(spec, null, PRINCIPAL, requestId()), now);
  }

  private Input command(Command c) {
    return new Input(c.target(), new ControlMessage.CommandIssued(new CommandEnvelope(c, PRINCIPAL, requestId(), now)),
        now);
  }

  /** Drains an active node (while at most a third are drained) or makes a drained one active again. */
  private Input availability(ClusterState state, String nodeId) {
    long drained = state.nodes().stream().filter(n -> Node.DRAIN.equals(n.availability())).count();
    boolean isDrained = state.node(nodeId).map(n -> Node.DRAIN.equals(n.availability())).orElse(false);
    String to = isDrained || drained >= nodes / 3 ? Node.ACTIVE : Node.DRAIN;
    return command(new Command.UpdateNode(nodeId, to, null, null, null));
  }

  /** A node falls silent (while at most a quarter are down), or a silent one beats again. */
  private Input liveness(ClusterState state, String nodeId) {
    long down = state.nodes().stream().filter(n -> !n.isReady()).count();
    if (!SimulatedAgents.up(state, nodeId) || down >= Math.max(1, nodes / 4)) {
      String back = state.nodes().stream().filter(n -> !n.isReady()).map(Node::id).findFirst().orElse(nodeId);
      return new Input(back, agents.nodeUp(back), now);
    }
    return new Input(nodeId, new ControlMessage.NodeDown(nodeId, "no heartbeat for 3100 ms while other nodes' kept"
        + " coming (timeout 3000 ms)"), now);
  }

  /** A running task's process exits with 1: the restart policy replaces it after its delay. */
  private Optional<Input> failure(ClusterState state) {
    List<Task> running = new ArrayList<>();
    for (Task t : state.tasks()) {
      if (t.state() == TaskState.RUNNING && t.desiredState() == DesiredState.RUNNING
          && SimulatedAgents.up(state, t.nodeId())) {
        running.add(t);
      }
    }
    if (running.isEmpty()) {
      return Optional.empty();
    }
    Task t = running.get(random.nextInt(running.size()));
    return Optional.of(new Input(t.id(), agents.failed(t, now), now));
  }

  private String requestId() {
    return "bench-" + count;
  }

  static String service(int i) {
    return String.format(Locale.ROOT, "svc-%03d", i);
  }

  static String node(int i) {
    return String.format(Locale.ROOT, "node-%02d", i);
  }
}
