package dev.shoal.orchestrator.audit;

import dev.shoal.orchestrator.core.DecisionCode;
import dev.shoal.orchestrator.core.JoinPolicy;
import dev.shoal.orchestrator.core.OrchestratorSettings;
import dev.shoal.orchestrator.core.Scheduler;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Topics;
import dev.shoal.schemas.audit.ServiceHistory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Replay-based auditing over an {@link AuditSource}: {@link #verify} proves the derived topics are
 * what the decisions over the control log publish, {@link #at} rebuilds the cluster at a time,
 * {@link #why} tells a task's story and {@link #history} a service's. Each replays the control log
 * through the decision code ({@link Replayer}) with the cluster's settings and join policy; long
 * replays start from the nearest {@link SnapshotCache snapshot} and leave new ones behind every
 * {@link Options#snapshotEvery} decisions.
 *
 * <p>A snapshot may save work, never the proof: {@code verify} only goes on from a snapshot it wrote
 * itself after comparing every decision up to it without a divergence, made from this very log (the
 * digest of its last record and the topics' ids must match) under the same settings.
 */
public final class Audit {
  /** How a replay judges a node's join: with the cluster secret, as an open cluster, or taken from the record. */
  public enum Joins { SECRET, OPEN, RECORDED }

  /**
   * The cluster's decision settings ({@code --task-history}), how joins are judged (and the secret
   * for {@link Joins#SECRET}), how often to leave a snapshot, and how many divergences to keep for
   * the report (all are counted).
   */
  public record Options(OrchestratorSettings settings, Joins joins, byte[] secret, long snapshotEvery,
                        int divergencesShown) {
    public Options {
      if (joins == Joins.SECRET && (secret == null || secret.length == 0)) {
        throw new IllegalArgumentException("joins checked with the secret need the secret");
      }
      if (snapshotEvery < 1) {
        throw new IllegalArgumentException("snapshotEvery must be positive");
      }
    }
  }

  /** Threads that read inputs and check signatures ahead of a replay (which decides on one thread). */
  private static final int READ_AHEAD_THREADS = Runtime.getRuntime().availableProcessors();

  private final AuditSource source;
  private final Topics topics;
  private final Options options;
  private final SnapshotCache cache; // null: no snapshots read or written
  private final Progress progress;

  public Audit(AuditSource source, Topics topics, Options options, SnapshotCache cache, Progress progress) {
    this.source = source;
    this.topics = topics;
    this.options = options;
    this.cache = cache;
    this.progress = progress == null ? Progress.NONE : progress;
  }

  /**
   * Replays the control log and compares each decision's outputs with the derived topics. With
   * {@code full}, from the first record; otherwise from the newest usable verified snapshot.
   */
  public VerifyReport verify(boolean full) {
    StateSnapshot from = full ? null : newest(e -> e.verified(), true).orElse(null);
    Round round = verifyFrom(from, () -> false);
    if (round.replayedAny()) {
      keep(round.verifiedAt());
    }
    return round.report();
  }

  /**
   * One round of {@code verify --follow}: what a run found, and the verified state it ends at (null
   * when nothing is verified yet: an empty log). {@code replayedAny}: the round replayed records, so
   * {@code verifiedAt} is newer than where it started.
   */
  public record Round(VerifyReport report, StateSnapshot verifiedAt, boolean replayedAny) {
    /** The round ended the run: a divergence, or a decision of another decision code. */
    public boolean ends() {
      return !report.ok() || !report.complete();
    }
  }

  /**
   * The first round of a follow: as {@link #verify}, from the first record ({@code full}) or the newest
   * usable verified snapshot, but the snapshot where it ends is kept in memory, not written
   * ({@link #keep} writes it).
   */
  public Round verifyFirstRound(boolean full, BooleanSupplier stop) {
    return verifyFrom(full ? null : newest(e -> e.verified(), true).orElse(null), stop);
  }

  /**
   * A later round: goes on from {@code verifiedAt}, where the round before ended (null: nothing was
   * verified, from the first record), until the log's end or until {@code stop} says so between two
   * decisions.
   *
   * @throws ReplayException when the log no longer holds the record {@code verifiedAt} ended at
   */
  public Round verifyNextRound(StateSnapshot verifiedAt, BooleanSupplier stop) {
    if (verifiedAt != null && !fits(verifiedAt, true)) {
      throw new ReplayException("the control log or the topics changed under the run: the record of decision "
          + verifiedAt.sequence() + " at offset " + (verifiedAt.nextOffset() - 1) + " is no longer the one verified");
    }
    return verifyFrom(verifiedAt, stop);
  }

  /** Writes {@code s} to the snapshot cache (if there is one), and prunes it. */
  public void keep(StateSnapshot s) {
    if (cache != null && s != null) {
      cache.write(s);
      cache.prune(options.snapshotEvery());
    }
  }

  private Round verifyFrom(StateSnapshot from, BooleanSupplier stop) {
    long t0 = System.nanoTime();
    ControlLog log = source.control();
    Map<String, String> ids = source.topicIds();
    requireStart(log, from);
    List<Divergence> shown = new ArrayList<>();
    Consumer<Divergence> sink = d -> {
      if (shown.size() < options.divergencesShown()) {
        shown.add(d);
      }
    };
    Verifier verifier = new Verifier(source.derived(), topics, sink, from == null ? null : from.verified());
    Verifier.Counts base = from == null ? Verifier.Counts.ZERO : from.verified().counts();
    RecordedJoins recorded = options.joins() == Joins.RECORDED
        ? new RecordedJoins(source.derived(), topics.nodes.name()) : null;
    Replayer r = new Replayer(topics, options.settings(), joinPolicy(recorded), new Scheduler(), from);
    long fromOffset = r.nextOffset();
    long[] records = {0};
    // The comparison runs a step behind the replay, on a thread of its own; the replay's thread
    // hands it each decision's outputs, and at a snapshot point the state as it was there.
    Replayer.Foreign foreign;
    try (ComparisonThread compare = new ComparisonThread()) {
      foreign = replay(r, recorded, rec -> stop.getAsBoolean(), (rec, step) -> {
        records[0]++;
        if (step instanceof Replayer.Decided d) {
          long sequence = d.plan().sequence();
          long time = d.plan().time();
          compare.then(() -> verifier.decision(sequence, rec.offset(), time, d.outputs()));
          if (cache != null && sequence % options.snapshotEvery() == 0) {
            StateSnapshot state = StateSnapshot.of(r, rec, fingerprint(), null);
            compare.then(() -> {
              if (verifier.counts().divergences() == 0) {
                verifier.sweep(sequence);
                if (verifier.counts().divergences() == 0) {
                  keep(state.verified(verifier.position(ids)));
                }
              }
            });
          }
        } else if (step instanceof Replayer.Skipped s) {
          compare.then(() -> verifier.controlDivergence(new Divergence(Divergence.CONTROL, rec.where(),
              rec.sequence(), rec.offset(), rec.key(), null, rec.text(), s.reason())));
        } else if (step instanceof Replayer.Failed f) {
          compare.then(() -> verifier.controlDivergence(new Divergence(Divergence.CONTROL, rec.where(),
              rec.sequence(), rec.offset(), rec.key(), null, rec.text(), f.reason())));
        }
      }, "verify", false);
      compare.finish();
    }
    Verifier.Counts c = verifier.finish(r.sequence());
    boolean replayedAny = records[0] > 0;
    StateSnapshot verifiedAt = c.divergences() > 0 ? null
        : replayedAny ? StateSnapshot.of(r, lastRecord(log, r), fingerprint(), verifier.position(ids)) : from;
    List<String> notes = new ArrayList<>(joinNotes(recorded));
    VerifyReport.Stopped stopped = null;
    if (foreign != null) {
      LogRecord at = foreign.input();
      stopped = new VerifyReport.Stopped(at.sequence(), at.offset(), at.timestamp(), foreign.decisionCode(),
          foreign.reason());
      notes.add(foreign.reason() + ": not checked. Verify them with a build of decision code " + foreign.decisionCode()
          + (cache != null && records[0] > 0 && c.divergences() == 0
          ? "; it goes on from the verified snapshot this run left here, as this build does from one such a build leaves"
          : "; a run that reaches this point without a divergence leaves a verified snapshot here to go on from"));
    }
    VerifyReport report = new VerifyReport(records[0], c.decisions() - base.decisions(),
        c.divergences() - base.divergences(),
        List.copyOf(shown), c.matched() - base.matched(), c.notDecisions() - base.notDecisions(),
        c.compactedAway() - base.compactedAway(), c.expired() - base.expired(), r.sequence(), fromOffset,
        log.endOffset(), from == null ? null : new VerifyReport.Resumed(from.sequence(), from.time(), from.nextOffset()),
        joinsText(), notes, (System.nanoTime() - t0) / 1e9, DecisionCode.VERSION, stopped);
    return new Round(report, verifiedAt, replayedAny);
  }

  /** The cluster as the decisions up to {@code time} (epoch ms, decision time) left it. */
  public ClusterAt at(long time) {
    ControlLog log = source.control();
    StateSnapshot from = newest(e -> e.time() <= time, false).orElse(null);
    requireStart(log, from);
    RecordedJoins recorded = options.joins() == Joins.RECORDED
        ? new RecordedJoins(source.derived(), topics.nodes.name()) : null;
    Replayer r = new Replayer(topics, options.settings(), joinPolicy(recorded), new Scheduler(), from);
    Replayer.Foreign foreign = replay(r, recorded, rec -> rec.timestamp() > time, (rec, step) -> { }, "at", true);
    List<String> notes = new ArrayList<>(joinNotes(recorded));
    if (foreign != null) {
      notes.add(stoppedNote(foreign));
    }
    if (r.sequence() == 0) {
      notes.add("no decision was made at or before that time");
    }
    var s = r.state();
    return new ClusterAt(time, r.sequence(), r.time(), r.nextOffset() - 1, List.copyOf(s.services()),
        List.copyOf(s.tasks()), List.copyOf(s.nodes()), notes);
  }

  /**
   * The story of one task: replays from the nearest snapshot before the decision that created it
   * (its id says which) until the task is forgotten or the log ends.
   *
   * @throws IllegalArgumentException when {@code taskId} is not a task id
   */
  public TaskStory why(String taskId) {
    long created = TaskWatcher.createdBy(taskId);
    ControlLog log = source.control();
    StateSnapshot from = newest(e -> e.sequence() < created, false).orElse(null);
    requireStart(log, from);
    RecordedJoins recorded = options.joins() == Joins.RECORDED
        ? new RecordedJoins(source.derived(), topics.nodes.name()) : null;
    ExplainingScheduler scheduler = new ExplainingScheduler();
    Replayer r = new Replayer(topics, options.settings(), joinPolicy(recorded), scheduler, from);
    TaskWatcher watcher = new TaskWatcher(taskId, scheduler);
    Replayer.Foreign foreign = replay(r, recorded, rec -> {
      if (watcher.gone()) {
        return true;
      }
      watcher.before(r.sequence() + 1);
      return false;
    }, (rec, step) -> {
      if (step instanceof Replayer.Decided d) {
        watcher.after(d, r.state());
      }
    }, "why", true);
    List<String> notes = new ArrayList<>(joinNotes(recorded));
    if (foreign != null) {
      notes.add(stoppedNote(foreign));
    }
    return watcher.story(r.state(), r.sequence(), notes);
  }

  /** Every version of a service's spec and what happened to it, from the first decision on. */
  public ServiceHistory history(String service) {
    ControlLog log = source.control();
    requireStart(log, null);
    RecordedJoins recorded = options.joins() == Joins.RECORDED
        ? new RecordedJoins(source.derived(), topics.nodes.name()) : null;
    Replayer r = new Replayer(topics, options.settings(), joinPolicy(recorded), new Scheduler(), null);
    HistoryRecorder h = new HistoryRecorder(service);
    Replayer.Foreign foreign = replay(r, recorded, rec -> false, (rec, step) -> {
      if (step instanceof Replayer.Decided d) {
        h.after(d, r.state());
      }
    }, "history", true);
    List<String> notes = new ArrayList<>(joinNotes(recorded));
    if (foreign != null) {
      notes.add(stoppedNote(foreign));
    }
    notes.add("replayed " + r.sequence() + " decisions up to control-log offset " + (r.nextOffset() - 1));
    return h.history(notes);
  }

  /** What a step of the replay loop is told: the record and what replaying it gave. */
  private interface StepSink {
    void accept(LogRecord record, Replayer.Step step);
  }

  /** What a replay that stopped at another decision code's decision tells its reader. */
  private static String stoppedNote(Replayer.Foreign f) {
    return "the replay stopped before " + f.reason() + ": what is shown is as of the decision before it (use a build"
        + " of decision code " + f.decisionCode() + " for later times)";
  }

  /**
   * Replays from where {@code r} stands until {@code stopBefore} says so or the log's end, or until a
   * decision another decision code made, which it returns (else null).
   */
  private Replayer.Foreign replay(Replayer r, RecordedJoins recorded, Predicate<LogRecord> stopBefore, StepSink each,
                                  String what, boolean leaveSnapshots) {
    ControlLog log = source.control();
    long total = Math.max(0, log.endOffset() - r.nextOffset());
    long done = 0;
    try (ControlReadAhead ahead = new ControlReadAhead(log, r.nextOffset(), nodeKeys(r), READ_AHEAD_THREADS)) {
      while (true) {
        List<ReplayInput> batch = ahead.next();
        if (batch.isEmpty()) {
          return null;
        }
        for (ReplayInput in : batch) {
          LogRecord rec = in.record();
          if (stopBefore.test(rec)) {
            return null;
          }
          if (recorded != null) {
            recorded.at(r.sequence() + 1);
          }
          Replayer.Step step = r.apply(in);
          if (step instanceof Replayer.Foreign f) {
            return f;
          }
          each.accept(rec, step);
          progress.update(++done, total, what);
          if (leaveSnapshots && cache != null && step instanceof Replayer.Decided
              && r.sequence() % options.snapshotEvery() == 0) {
            keep(StateSnapshot.of(r, rec, fingerprint(), null));
          }
        }
      }
    }
  }

  /** The keys of the nodes in the state a replay starts from: whom their statuses are checked against ahead. */
  private static Map<String, String> nodeKeys(Replayer r) {
    Map<String, String> keys = new HashMap<>();
    for (Node n : r.state().nodes()) {
      if (n.publicKey() != null) {
        keys.put(n.id(), n.publicKey());
      }
    }
    return keys;
  }

  /** The newest snapshot that {@code wanted} accepts and that fits this log and these settings. */
  private Optional<StateSnapshot> newest(Predicate<SnapshotCache.Entry> wanted, boolean verified) {
    if (cache == null) {
      return Optional.empty();
    }
    List<SnapshotCache.Entry> entries = new ArrayList<>(cache.entries());
    java.util.Collections.reverse(entries);
    for (SnapshotCache.Entry e : entries) {
      if (!wanted.test(e)) {
        continue;
      }
      Optional<StateSnapshot> s = cache.read(e).filter(x -> fits(x, verified));
      if (s.isPresent()) {
        return verified ? s : s.map(StateSnapshot::unverified);
      }
    }
    return Optional.empty();
  }

  private boolean fits(StateSnapshot s, boolean verified) {
    ControlLog log = source.control();
    if (!fingerprint().equals(s.settings()) || s.nextOffset() < Math.max(1, log.startOffset())
        || s.nextOffset() > log.endOffset()) {
      return false;
    }
    Optional<LogRecord> last = log.at(s.nextOffset() - 1);
    if (last.isEmpty() || !Digests.of(last.get()).equals(s.lastRecordDigest())) {
      return false;
    }
    return !verified || (s.verified() != null && s.verified().topicIds().equals(source.topicIds()));
  }

  private static void requireStart(ControlLog log, StateSnapshot from) {
    if (from == null && log.startOffset() > 0) {
      throw new ReplayException("the control log starts at offset " + log.startOffset()
          + ": the decisions before it were deleted, and no snapshot taken before covers them");
    }
  }

  private static LogRecord lastRecord(ControlLog log, Replayer r) {
    return log.at(r.nextOffset() - 1).orElseThrow(() -> new ReplayException("the control log lost its record at offset "
        + (r.nextOffset() - 1) + " during the run"));
  }

  private JoinPolicy joinPolicy(RecordedJoins recorded) {
    return switch (options.joins()) {
      case SECRET -> JoinPolicy.tokens(options.secret());
      case OPEN -> JoinPolicy.OPEN;
      case RECORDED -> recorded;
    };
  }

  private String joinsText() {
    return switch (options.joins()) {
      case SECRET -> "verified with the cluster secret";
      case OPEN -> "open (the cluster admits every node)";
      case RECORDED -> "taken from the record, not verified (no --cluster-secret-file)";
    };
  }

  private List<String> joinNotes(RecordedJoins recorded) {
    if (recorded == null || recorded.taken() == 0) {
      return List.of();
    }
    List<String> notes = new ArrayList<>();
    notes.add("cannot verify joins without --cluster-secret-file: " + recorded.taken()
        + " join verdict(s) were taken from shoal.nodes");
    if (recorded.notFound() > 0) {
      notes.add(recorded.notFound() + " join(s) had no record in shoal.nodes (compacted away, or refused)"
          + " and were replayed as refused");
    }
    return notes;
  }

  /** The settings a snapshot was made under: the task history limit and how joins were judged. */
  String fingerprint() {
    String joins = switch (options.joins()) {
      case SECRET -> "secret:" + sha256(options.secret()).substring(0, 16);
      case OPEN -> "open";
      case RECORDED -> "recorded";
    };
    return "history=" + options.settings().taskHistoryLimit() + ";joins=" + joins;
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

}
