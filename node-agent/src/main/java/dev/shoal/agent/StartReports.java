package dev.shoal.agent;

import dev.shoal.schemas.TaskStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

/**
 * What a start reports before it ends. A start that ends within {@code quiet} (a process spawned, a
 * container whose image is already there) reports only how it ended: running, or why it was
 * rejected. The steps it passed through (accepted, preparing, starting) would each be a record the
 * orchestrator decides on its own, a transaction each, on the cores the next write needs, for
 * states that lasted milliseconds. A start that takes longer (an image pull) reports the step it is
 * in once {@code quiet} has passed, and every step after at once, so a slow step is still seen.
 */
final class StartReports {
  private final StatusPublisher publisher;
  private final Duration quiet;
  private final Timer timer;
  private final Map<String, Progress> starting = new HashMap<>();

  /** Runs an action once, after a delay (the agent's converge thread, or a test's hand). */
  interface Timer {
    void schedule(Runnable action, Duration after);
  }

  private StartReports(StatusPublisher publisher, Duration quiet, Timer timer) {
    this.publisher = publisher;
    this.quiet = quiet;
    this.timer = timer;
  }

  /** Every step reported as it happens. */
  static StartReports immediate(StatusPublisher publisher) {
    return new StartReports(publisher, Duration.ZERO, null);
  }

  /** Steps of a start reported only once it has lasted {@code quiet}; {@code timer} tells when. */
  static StartReports afterQuiet(StatusPublisher publisher, Duration quiet, Timer timer) {
    return new StartReports(publisher, quiet, timer);
  }

  /** A start of the task begins; call {@link #end} when it has ended, however it ended. */
  void begin(String taskId) {
    if (timer == null) {
      return;
    }
    synchronized (this) {
      starting.put(taskId, new Progress());
    }
    try {
      timer.schedule(() -> overdue(taskId), quiet);
    } catch (RejectedExecutionException e) {
      overdue(taskId); // the agent is closing: report as before
    }
  }

  /** A step the start reached: reported now if the start is overdue, else kept as the latest. */
  void step(TaskStatus status) {
    synchronized (this) {
      Progress p = starting.get(status.taskId());
      if (p != null && !p.overdue) {
        p.latest = status;
        return;
      }
    }
    publisher.publish(status);
  }

  /** The start ended; a step kept and not reported is dropped, as what ended it is reported next. */
  synchronized void end(String taskId) {
    starting.remove(taskId);
  }

  private void overdue(String taskId) {
    TaskStatus latest;
    synchronized (this) {
      Progress p = starting.get(taskId);
      if (p == null) {
        return;
      }
      p.overdue = true;
      latest = p.latest;
      p.latest = null;
      // Published under the lock: a step reported after this one must not overtake it.
      if (latest != null) {
        publisher.publish(latest);
      }
    }
  }

  private static final class Progress {
    private TaskStatus latest;
    private boolean overdue;
  }
}
