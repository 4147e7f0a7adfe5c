package dev.shoal.schemas;

import java.time.Duration;

/**
 * Every limit a door of the cluster enforces, in one place (DESIGN principle 5: every door has
 * stated limits). Field-level limits of a service spec (string lengths, list and map sizes) are in
 * {@code service-spec.schema.json}, which {@code SchemaLimitsTest} keeps in step with the values
 * here; {@code docs/limits.md} lists them all with their reasons.
 */
public final class Limits {
  private Limits() {}

  // ---- record and body sizes ----

  /** A spec: an HTTP body or a {@code shoal.specs} record value. */
  public static final int MAX_SPEC_BYTES = 64 * 1024;
  /** A command envelope on {@code shoal.commands}, or a non-spec HTTP body. */
  public static final int MAX_COMMAND_BYTES = 16 * 1024;
  /** A single task status on {@code shoal.task-status}. */
  public static final int MAX_STATUS_BYTES = 16 * 1024;
  /**
   * A batch of task statuses on {@code shoal.task-status} ({@link TaskStatusBatch}): a quarter of the
   * broker's 1 MiB record limit on the topic, so its control-log entry (the batch as decided, still
   * signed, for audit to check again) stays far below the 1 MiB the orchestrator may publish.
   */
  public static final int MAX_STATUS_BATCH_BYTES = 256 * 1024;
  /** A heartbeat on {@code shoal.heartbeats} (it lists the node's running task ids). */
  public static final int MAX_HEARTBEAT_BYTES = 256 * 1024;
  /** A message on {@code shoal.control}. */
  public static final int MAX_CONTROL_BYTES = 256 * 1024;
  /** A record key on any input topic. */
  public static final int MAX_KEY_BYTES = 256;
  /** A header value the intake reads (principal, request id, expected version). */
  public static final int MAX_HEADER_BYTES = 256;
  /**
   * Any record the orchestrator publishes: below the broker's default {@code max.message.bytes}
   * (1 MiB), which the catalogue also sets on every derived topic, with room for the batch header.
   */
  public static final int MAX_OUTPUT_RECORD_BYTES = 1_000_000;

  // ---- values ----

  /** Docker's limit for a service name (a DNS label). */
  public static final int MAX_NAME_LENGTH = 63;
  /**
   * Replicas of one service, at create and at scale. One control message creates at most this
   * many tasks, so the work and the transaction of one message stay bounded.
   */
  public static final int MAX_REPLICAS = 10_000;
  /**
   * Statuses in one {@link TaskStatusBatch}: one decision applies them all, so this bounds the work
   * and the transaction of one decision (a status changes at most its task and its slot).
   */
  public static final int MAX_STATUS_BATCH = 1_000;
  /** Running task ids one heartbeat may list. */
  public static final int MAX_HEARTBEAT_TASKS = 5_000;
  /** A task status message or error; longer ones are cut (the agent cuts at 1024). */
  public static final int MAX_STATUS_TEXT = 2_048;
  /** Labels on a node (user labels; engine labels likewise). */
  public static final int MAX_NODE_LABELS = 64;
  public static final int MAX_NODE_LABEL_KEY = 128;
  public static final int MAX_NODE_LABEL_VALUE = 256;
  /** Memory of a reservation or a limit. */
  public static final long MAX_MEMORY_BYTES = 1L << 50;
  /** Docker's smallest memory limit. */
  public static final long MIN_MEMORY_LIMIT_BYTES = 6L << 20;

  // ---- durations ----

  /** Longest stop grace period: a task that ignores its stop signal is killed within this. */
  public static final Duration MAX_STOP_GRACE = Duration.ofHours(1);
  /** Longest restart delay. */
  public static final Duration MAX_RESTART_DELAY = Duration.ofHours(1);
  /** Longest restart window. */
  public static final Duration MAX_RESTART_WINDOW = Duration.ofHours(24);
  /** Longest delay between update groups. */
  public static final Duration MAX_UPDATE_DELAY = Duration.ofHours(1);
  /** Longest monitor window of an update. */
  public static final Duration MAX_UPDATE_MONITOR = Duration.ofHours(1);
  /** Longest health-check interval, timeout or start period. */
  public static final Duration MAX_HEALTH_DURATION = Duration.ofHours(1);
  /**
   * How long an update waits for a new task to be placed before it counts as failed (then the
   * update pauses or rolls back by its failure action), so an update always ends.
   */
  public static final Duration UPDATE_PLACEMENT_TIMEOUT = Duration.ofSeconds(60);

  // ---- requests ----

  /** How long the orchestrator remembers a request id, so a retried write is not applied twice. */
  public static final Duration REQUEST_MEMORY = Duration.ofHours(24);
  /** At most this many request ids are remembered; the oldest are forgotten first. */
  public static final int MAX_REMEMBERED_REQUESTS = 100_000;
}
