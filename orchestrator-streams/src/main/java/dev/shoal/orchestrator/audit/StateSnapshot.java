package dev.shoal.orchestrator.audit;

import dev.shoal.orchestrator.core.ClusterState;
import dev.shoal.orchestrator.core.RestartRecord;
import dev.shoal.orchestrator.core.UpdateProgress;
import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The decision state after a given decision, with where the replay stands: what the orchestrator's
 * stores hold (services, tasks, nodes, restart and update bookkeeping, remembered requests, the
 * cluster record, the clock and sequence), the control-log offset to go on from and a digest of the
 * last record replayed (so a snapshot is only used with the log it was made from). {@code settings}
 * names the task history limit and join policy the replay used: a snapshot made under others is not
 * reused. {@code verified}, when set, says the decisions up to here were compared with the derived
 * topics and where that comparison stands ({@link Verifier.Position}).
 */
public record StateSnapshot(int format, long sequence, long time, long nextOffset, String lastRecordDigest,
                            String settings, List<Service> services, List<Task> tasks, List<Node> nodes,
                            Map<String, RestartRecord> restarts, Map<String, UpdateProgress> updates,
                            Map<String, ClusterState.RememberedRequest> requests, ClusterInfo cluster,
                            ClusterState.Meta meta, Verifier.Position verified) {
  public static final int FORMAT = 1;

  /** The replay's state now; {@code lastRecord} is the control-log record replayed last. */
  public static StateSnapshot of(Replayer r, LogRecord lastRecord, String settings, Verifier.Position verified) {
    ClusterState s = r.state();
    Map<String, RestartRecord> restarts = new TreeMap<>();
    r.restartKeys().forEach(k -> restarts.put(k, s.restart(k).orElseThrow()));
    Map<String, UpdateProgress> updates = new TreeMap<>();
    r.updateIds().forEach(k -> updates.put(k, s.update(k).orElseThrow()));
    Map<String, ClusterState.RememberedRequest> requests = new TreeMap<>();
    r.requestIds().forEach(k -> requests.put(k, s.request(k).orElseThrow()));
    return new StateSnapshot(FORMAT, r.sequence(), r.time(), r.nextOffset(), Digests.of(lastRecord), settings,
        new ArrayList<>(s.services()), new ArrayList<>(s.tasks()), new ArrayList<>(s.nodes()), restarts, updates,
        requests, s.clusterInfo(), s.meta(), verified);
  }

  /** Loads the snapshot into an empty state, as the decision processor loads its stores at start. */
  void loadInto(ClusterState state) {
    services.forEach(state::load);
    tasks.forEach(state::load);
    nodes.forEach(state::load);
    restarts.forEach(state::load);
    updates.forEach(state::load);
    requests.forEach(state::load);
    state.load(cluster);
    state.load(meta);
  }

  /** This snapshot with {@code position}: the decisions up to it were compared, and this is where that stands. */
  StateSnapshot verified(Verifier.Position position) {
    return new StateSnapshot(format, sequence, time, nextOffset, lastRecordDigest, settings, services, tasks, nodes,
        restarts, updates, requests, cluster, meta, position);
  }

  /** This snapshot without its verification part (what {@code at} and {@code why} need). */
  public StateSnapshot unverified() {
    return new StateSnapshot(format, sequence, time, nextOffset, lastRecordDigest, settings, services, tasks, nodes,
        restarts, updates, requests, cluster, meta, null);
  }
}
