package dev.shoal.orchestrator.streams;

import dev.shoal.orchestrator.core.NodeDownRule;
import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.HeartbeatValidator;
import dev.shoal.schemas.Limits;
import dev.shoal.schemas.RejectionCode;
import dev.shoal.schemas.Validated;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.Utf8;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Node liveness from heartbeats. A heartbeat from a node that is unknown, down, restarted (its
 * boot went up), re-keyed or whose description changed publishes {@code NodeUp} to the control log; a
 * wall-clock punctuator publishes {@code NodeDown} for the nodes {@link NodeDownRule} finds silent (longer
 * than the down timeout, and not because liveness or Kafka stalled or a mass silence is being held).
 * The timer only publishes a record — the decision is made when the control log is processed
 * (DESIGN principle 2). Heartbeat times are the broker's append times, so agent clocks don't matter.
 *
 * <p>Only heartbeats their node signed, and that are not copies, count ({@link HeartbeatCheck}, with
 * the keys of the {@value OrchestratorTopology#NODE_KEYS_STORE} global store); any other becomes a
 * {@code heartbeat.rejected} event and changes nothing, so nobody keeps a dead node up. A chained
 * heartbeat ({@link HeartbeatChain}) is judged against the chain its node anchored, which the store
 * keeps, so a restarted or moved liveness goes on accepting it.
 */
final class LivenessProcessor implements Processor<String, String, String, Object> {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LivenessProcessor.class);
  private final String topic;
  private final Duration checkInterval;
  private final IntakeSinks sinks;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, LivenessEntry> store;
  /** The store's entries as objects, so heartbeats and checks read without deserialising (see the class). */
  private final LivenessView view = new LivenessView();
  private ReadOnlyKeyValueStore<String, String> keys;
  private final NodeDownRule rule;
  /** Broker time of the newest heartbeat read from any node; 0 until one is. */
  private long freshestHeartbeat;

  /** How far this processor has read the heartbeat log, for the heartbeat pre-verifier's pace. */
  private final ProcessedOffset position;

  LivenessProcessor(String topic, Duration downTimeout, Duration checkInterval, IntakeSinks sinks) {
    this(topic, downTimeout, checkInterval, sinks, new ProcessedOffset());
  }

  LivenessProcessor(String topic, Duration downTimeout, Duration checkInterval, IntakeSinks sinks,
                    ProcessedOffset position) {
    this.position = position;
    this.sinks = sinks;
    this.topic = topic;
    this.checkInterval = checkInterval;
    this.rule = new NodeDownRule(NodeDownRule.Settings.defaults(downTimeout));
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.store = context.getStateStore(OrchestratorTopology.LIVENESS_STORE);
    this.keys = context.getStateStore(OrchestratorTopology.NODE_KEYS_STORE);
    loadView();
    position.restarted();
    rule.start(context.currentSystemTimeMs());
    context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::checkTimeouts);
  }

  /**
   * Fills the view from the store. Kafka Streams calls {@link #init} once the task's stores are
   * restored, and again on the same instance when a suspended or revived task runs again, when the
   * store may hold what another instance wrote: so the view is rebuilt from scratch each time, never
   * kept. The one scan of the store that remains (1,000 entries at 1,000 nodes).
   */
  private void loadView() {
    view.clear();
    try (KeyValueIterator<String, LivenessEntry> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, LivenessEntry> kv = it.next();
        view.put(kv.key, kv.value);
      }
    }
  }

  /** Every write goes to the store (the durable copy, restored on failover) and to the view. */
  private void remember(String nodeId, LivenessEntry entry) {
    store.put(nodeId, entry);
    view.put(nodeId, entry);
  }

  /** Reads one record; a failure in reading it refuses the record, never stops the log (invariant 6). */
  @Override
  public void process(Record<String, String> record) {
    try {
      read(record);
    } catch (RuntimeException | StackOverflowError e) {
      ClusterEvent ev = Rejections.of("heartbeat.rejected", "node", record.key(), "the heartbeat could not be read: " + e,
          null, topic, RejectionCode.INTERNAL, record.timestamp());
      context.forward(Headers.dropped(record).withKey(ev.entityId()).withValue((Object) ev), sinks.events());
    }
    context.recordMetadata().ifPresent(m -> position.processed(m.offset()));
  }

  private void read(Record<String, String> record) {
    NodeHeartbeat hb;
    String problem;
    RejectionCode code = RejectionCode.INVALID;
    if (record.value() == null) {
      problem = "empty heartbeat";
      hb = null;
    } else if (Utf8.longerThan(record.value(), Limits.MAX_HEARTBEAT_BYTES)
        || (record.key() != null && Utf8.longerThan(record.key(), Limits.MAX_KEY_BYTES))) {
      problem = "a heartbeat is at most " + Limits.MAX_HEARTBEAT_BYTES + " bytes";
      code = RejectionCode.TOO_LARGE;
      hb = null;
    } else {
      Validated<NodeHeartbeat> v;
      try {
        v = HeartbeatValidator.validate(Json.fromString(record.value(), NodeHeartbeat.class), record.key());
      } catch (RuntimeException e) {
        v = Validated.refused(RejectionCode.INVALID, "unreadable heartbeat: " + JsonIntake.rootMessage(e));
      }
      hb = v.value();
      problem = v.reason();
    }
    if (hb == null) {
      ClusterEvent ev = Rejections.of("heartbeat.rejected", "node", record.key(), problem, null, topic, code,
          record.timestamp());
      context.forward(Headers.dropped(record).withKey(ev.entityId()).withValue((Object) ev), sinks.events());
      dev.shoal.orchestrator.metrics.OrchestratorMetrics.of(context).rejected(ev);
      return;
    }
    freshestHeartbeat = Math.max(freshestHeartbeat, record.timestamp());
    LivenessEntry before = view.get(hb.nodeId());
    Optional<String> refused = HeartbeatCheck.refusal(hb, keys.get(hb.nodeId()), before, record.timestamp());
    if (refused.isPresent()) {
      ClusterEvent ev = Rejections.of("heartbeat.rejected", "node", hb.nodeId(), refused.get(), null, topic,
          RejectionCode.FORBIDDEN, record.timestamp());
      context.forward(record.withKey(ev.entityId()).withValue((Object) ev), sinks.events());
      return;
    }
    if (hb.chained()) {
      accept(record, before, before.chain().advancedTo(hb.chainElement(), hb.chainIndex()), hb.sequence(),
          before.description(), before.boot(), before.publicKey(), null);
      return;
    }
    LivenessEntry.Chain chain = hb.chainTop() == null ? null
        : new LivenessEntry.Chain(hb.chainTop(), hb.chainLength(), hb.chainLength(), hb.timestamp(), hb.chainIntervalMs());
    accept(record, before, chain, hb.sequence(), hb.description(), hb.boot(), hb.publicKey(), hb.joinProof());
  }

  /**
   * Remembers an accepted heartbeat and announces the node when it is new, back, restarted, re-keyed or
   * described anew. A chained heartbeat passes its node's remembered description, boot and key (it
   * cannot change them), so it announces only a node that was down.
   */
  private void accept(Record<String, String> record, LivenessEntry before, LivenessEntry.Chain chain, long sequence,
                      dev.shoal.schemas.NodeDescription description, long boot, String publicKey, String joinProof) {
    String nodeId = record.key();
    boolean sameKey = before != null && publicKey.equals(before.publicKey());
    boolean announce = !sameKey || !before.up() || before.boot() == null || boot > before.boot()
        || !Objects.equals(before.description(), description);
    long lastSeen = !sameKey ? record.timestamp() : Math.max(before.lastSeen(), record.timestamp());
    remember(nodeId, new LivenessEntry(lastSeen, sequence, true, description, boot, publicKey, chain));
    if (announce) {
      context.forward(new Record<String, Object>(nodeId, new ControlMessage.NodeUp(nodeId, description,
          null, joinProof, publicKey), record.timestamp()), sinks.control());
    }
  }

  /**
   * Asks {@link NodeDownRule} which silent nodes go down. Silence is measured against the newest
   * heartbeat liveness has read (broker time, one partition, so it only grows), not against the wall
   * clock: when liveness reads late, every node looks equally late on the wall clock, but only a
   * silent node falls behind the others. The wall clock only says when the check runs.
   */
  private void checkTimeouts(long now) {
    // The view's up nodes, not a scan of the store: the rule only reads them during the call
    NodeDownRule.Verdict verdict = rule.check(now, freshestHeartbeat, view.up());
    for (NodeDownRule.Notice n : verdict.notices()) {
      LOG.warn("{}: {}", n.type(), n.message());
      ClusterEvent ev = new ClusterEvent(n.type(), "liveness", "liveness", n.message(), Map.of(), now);
      context.forward(new Record<String, Object>(ev.entityId(), ev, now), sinks.events());
    }
    for (NodeDownRule.Down d : verdict.down()) {
      remember(d.nodeId(), view.get(d.nodeId()).down());
      context.forward(new Record<String, Object>(d.nodeId(), new ControlMessage.NodeDown(d.nodeId(), d.reason()), now),
          sinks.control());
    }
    if (!verdict.down().isEmpty()) {
      // Liveness commits seldom (OrchestratorApp); a node-down is what it exists for, so it goes out now.
      context.commit();
    }
  }
}
