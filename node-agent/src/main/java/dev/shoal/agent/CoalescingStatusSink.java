package dev.shoal.agent;

import dev.shoal.schemas.TaskStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Sends the newest status of each task, one batch at a time ({@link StatusBatchSink}: one signed
 * record per batch, split only over the batch limits): while a batch is on its way to Kafka,
 * statuses wait here, and a newer status of a task replaces the one waiting (Swarm's agent reports
 * the same way, its status reporter keeps the latest status per task). A task that goes from
 * accepted to running within one round trip is then one record for the orchestrator to decide
 * instead of four, each decision a transaction of its own; a state that lasts longer than a round
 * trip (an image being pulled while PREPARING) is still reported, and what waited goes out as one
 * batch: one signature for the agent to make and the orchestrator to check, one decision. Order between tasks is kept,
 * and what waits is bounded by the node's tasks, however long Kafka is away.
 *
 * <p>With a gathering delay, a status that finds nothing on its way waits that long for others
 * before it goes out: the tasks one convergence pass starts end within milliseconds of each other,
 * and without it the first went out alone and the rest as a second batch (two signatures, two
 * decisions for one pass).
 */
final class CoalescingStatusSink implements StatusSink {
  private final StatusBatchSink next;
  private final Gathering gathering;
  private final Map<String, Waiting> waiting = new LinkedHashMap<>();
  /** A batch is on its way, or statuses are being gathered for the next one. */
  private boolean inFlight;

  /** Runs the send of what was gathered once the gathering delay has passed (the agent's converge thread, or a test's hand). */
  @FunctionalInterface
  interface Gathering {
    /** Throws {@link java.util.concurrent.RejectedExecutionException} when it cannot (closing): the batch goes out at once. */
    void after(Runnable send);
  }

  /** Each status goes out at once when nothing is on its way. */
  CoalescingStatusSink(StatusBatchSink next) {
    this(next, null);
  }

  /** A status that finds nothing on its way waits for {@code gathering} to send it, with what came meanwhile. */
  CoalescingStatusSink(StatusBatchSink next, Gathering gathering) {
    this.next = next;
    this.gathering = gathering;
  }

  /**
   * Completes when the status is stored, or at once if a newer status of the same task replaced it
   * before it went out (nothing to store then); exceptionally when it could not be stored.
   */
  @Override
  public CompletableFuture<?> send(TaskStatus status) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    boolean now;
    Waiting replaced = null;
    synchronized (this) {
      now = !inFlight;
      if (now) {
        inFlight = true;
      }
      if (!now || gathering != null) {
        replaced = waiting.remove(status.taskId());
        waiting.put(status.taskId(), new Waiting(status, done));
      }
    }
    if (replaced != null) {
      replaced.done.complete(null);
    }
    if (now && gathering == null) {
      dispatch(List.of(new Waiting(status, done)));
    } else if (now) {
      try {
        gathering.after(this::sendGathered);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        sendGathered();
      }
    }
    return done;
  }

  private void sendGathered() {
    List<Waiting> batch;
    synchronized (this) {
      batch = new ArrayList<>(waiting.values());
      waiting.clear();
      if (batch.isEmpty()) { // cannot happen (the status that started the gathering waits), but never send nothing
        inFlight = false;
        return;
      }
    }
    dispatch(batch);
  }

  /** How many statuses wait for the batch on its way. */
  synchronized int waiting() {
    return waiting.size();
  }

  private void dispatch(List<Waiting> batch) {
    List<TaskStatus> statuses = new ArrayList<>(batch.size());
    for (Waiting w : batch) {
      statuses.add(w.status);
    }
    CompletableFuture<?> sent;
    try {
      sent = next.send(statuses);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((ok, err) -> {
      for (Waiting w : batch) {
        if (err == null) {
          w.done.complete(null);
        } else {
          w.done.completeExceptionally(err);
        }
      }
      landed();
    });
  }

  private void landed() {
    List<Waiting> batch;
    synchronized (this) {
      inFlight = false;
      if (waiting.isEmpty()) {
        return;
      }
      batch = new ArrayList<>(waiting.values());
      waiting.clear();
      inFlight = true;
    }
    dispatch(batch);
  }

  private record Waiting(TaskStatus status, CompletableFuture<Void> done) {
  }
}
