package dev.shoal.orchestrator.audit;

import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.NodeSignatures;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.TaskStatusBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Reads the control log ahead of a replay, on threads of its own: a reader takes the records from
 * the log, and a pool reads each one's message and checks each task status's signature (Ed25519,
 * the costliest part of a decision), so the replay's one thread only decides. Inputs come out in
 * log order, a few hundred at a time.
 *
 * <p>Which key a status must be signed with is the decision's to say (its node's key on record, at
 * that point of the history). Ahead of the decisions, the key checked is the one the node last
 * presented in a node-up before that record (or its key in the state the replay starts from): a
 * node keeps its key, so the guess is almost always the decision's, and when it is not the decision
 * checks the signature itself ({@link SignatureVerdicts}).
 */
final class ControlReadAhead implements AutoCloseable {
  /** Inputs handed over at a time: small enough that the replay starts soon, large enough to keep the pool busy. */
  static final int CHUNK = 256;
  /** Chunks read ahead of the replay at most (bounds memory). */
  private static final int CHUNKS_AHEAD = 16;

  private final ControlLog log;
  private final Map<String, String> nodeKeys;
  private final ForkJoinPool pool;
  private final BlockingQueue<Object> chunks = new ArrayBlockingQueue<>(CHUNKS_AHEAD);
  private final Thread reader;
  private volatile boolean closed;
  private boolean ended;

  /**
   * Starts reading {@code log} at {@code offset}; {@code nodeKeys} are the nodes' keys in the state
   * the replay starts from (node id to key); {@code threads} check signatures.
   */
  ControlReadAhead(ControlLog log, long offset, Map<String, String> nodeKeys, int threads) {
    this.log = log;
    this.nodeKeys = new HashMap<>(nodeKeys);
    this.pool = new ForkJoinPool(Math.max(1, threads));
    log.seek(offset);
    this.reader = new Thread(this::read, "shoal-audit-read-ahead");
    reader.setDaemon(true);
    reader.start();
  }

  /** The next inputs in log order; empty at the log's end. */
  List<ReplayInput> next() {
    if (ended) {
      return List.of();
    }
    Object got;
    try {
      got = chunks.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReplayException("interrupted");
    }
    if (got instanceof RuntimeException e) {
      ended = true;
      throw e;
    }
    if (got instanceof Error e) {
      ended = true;
      throw e;
    }
    @SuppressWarnings("unchecked")
    List<ReplayInput> inputs = (List<ReplayInput>) got;
    if (inputs.isEmpty()) {
      ended = true;
    }
    return inputs;
  }

  private void read() {
    try {
      while (!closed) {
        List<LogRecord> batch = log.next();
        if (batch.isEmpty()) {
          hand(List.of());
          return;
        }
        for (int from = 0; from < batch.size() && !closed; from += CHUNK) {
          hand(prepare(batch.subList(from, Math.min(batch.size(), from + CHUNK))));
        }
      }
    } catch (RuntimeException | Error e) {
      hand(e);
    }
  }

  /** Reads the messages, guesses each status's key in log order, and checks the signatures. */
  private List<ReplayInput> prepare(List<LogRecord> records) {
    ReplayInput[] read = new ReplayInput[records.size()];
    inPool(() -> IntStream.range(0, read.length).parallel().forEach(i -> read[i] = ReplayInput.read(records.get(i))));
    String[] keys = new String[read.length];
    for (int i = 0; i < read.length; i++) {
      ControlMessage m = read[i].message();
      if (m instanceof ControlMessage.NodeUp up && up.publicKey() != null) {
        nodeKeys.put(up.nodeId(), up.publicKey());
      } else if (m instanceof ControlMessage.TaskStatusReported t && t.status() != null) {
        keys[i] = nodeKeys.get(t.status().nodeId());
      } else if (m instanceof ControlMessage.TaskStatusesReported t && t.batch() != null) {
        keys[i] = nodeKeys.get(t.batch().nodeId());
      }
    }
    inPool(() -> IntStream.range(0, read.length).parallel().forEach(i -> {
      if (keys[i] != null) {
        if (read[i].message() instanceof ControlMessage.TaskStatusReported t) {
          TaskStatus s = t.status();
          read[i] = read[i].with(new ReplayInput.CheckedSignature(s, keys[i], NodeSignatures.verifies(s, keys[i])));
        } else {
          TaskStatusBatch b = ((ControlMessage.TaskStatusesReported) read[i].message()).batch();
          read[i] = read[i].with(new ReplayInput.CheckedSignature(b, keys[i], NodeSignatures.verifies(b, keys[i])));
        }
      }
    }));
    List<ReplayInput> out = new ArrayList<>(read.length);
    for (ReplayInput r : read) {
      out.add(r);
    }
    return out;
  }

  private void inPool(Runnable work) {
    try {
      pool.submit(work).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReplayException("interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Queues {@code item} for the replay, unless the replay stopped reading. */
  private void hand(Object item) {
    try {
      while (!closed) {
        if (chunks.offer(item, 50, TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops reading (a replay may stop before the log's end) and waits for the reader to leave the log alone. */
  @Override
  public void close() {
    closed = true;
    chunks.clear();
    try {
      reader.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      pool.shutdownNow();
    }
  }
}
