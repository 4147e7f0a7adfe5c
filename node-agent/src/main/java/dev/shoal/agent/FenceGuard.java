package dev.shoal.agent;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the fencing check ({@link Fencing#decide}) a few times a second and switches the supervisor
 * in and out of fenced mode, asking for a convergence pass on every switch. Runs on one thread.
 */
final class FenceGuard implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(FenceGuard.class);

  private final String nodeId;
  private final Duration timeout;
  private final KafkaContact contact;
  private final TaskSupervisor supervisor;
  private final Runnable requestPass;
  private volatile boolean fenced; // read by metrics from another thread
  private final java.util.concurrent.atomic.AtomicLong fencings = new java.util.concurrent.atomic.AtomicLong();

  FenceGuard(String nodeId, Duration timeout, KafkaContact contact, TaskSupervisor supervisor, Runnable requestPass) {
    this.nodeId = nodeId;
    this.timeout = timeout;
    this.contact = contact;
    this.supervisor = supervisor;
    this.requestPass = requestPass;
  }

  /** How often to check: often enough that the check adds little to the timeout. */
  static Duration period(Duration timeout) {
    long ms = Math.max(20, Math.min(100, timeout.toMillis() / 20));
    return Duration.ofMillis(ms);
  }

  @Override
  public void run() {
    // A scheduled task that throws is never run again: nothing may escape.
    try {
      Duration silence = contact.silence();
      switch (Fencing.decide(timeout, silence, fenced)) {
        case FENCE -> {
          fenced = true;
          fencings.incrementAndGet();
          String reason = Fencing.reason(silence, timeout);
          LOG.warn("node {} {}: stopping its tasks, which the orchestrator replaces elsewhere once it declares the node down",
              nodeId, reason);
          supervisor.fence(reason);
          requestPass.run();
        }
        case LIFT -> {
          fenced = false;
          LOG.info("node {} is in contact with Kafka again: converging to its assignment", nodeId);
          supervisor.lift();
          requestPass.run();
        }
        default -> { }
      }
    } catch (RuntimeException e) {
      LOG.error("fencing check of node {} failed", nodeId, e);
    }
  }

  boolean fenced() {
    return fenced;
  }

  /** Times this node fenced itself since the agent started (metrics). */
  long fencings() {
    return fencings.get();
  }
}
