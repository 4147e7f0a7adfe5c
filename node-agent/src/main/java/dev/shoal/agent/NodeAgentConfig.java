package dev.shoal.agent;

import dev.shoal.schemas.Durations;
import dev.shoal.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Settings of a {@link NodeAgent}. Build one with {@link #builder(String, Path)}; null optional
 * fields take the defaults below.
 *
 * @param bootstrapServers Kafka's bootstrap servers (required)
 * @param topics the topic catalogue, e.g. with a prefix (default: {@link Topics#defaults()})
 * @param nodeId the node's id; null reads it from {@code <dataDir>/node-id}, creating a random
 *     25-character one there the first time
 * @param hostname reported in the node description (default: the local host name)
 * @param dataDir where the agent keeps its node id and the runtimes their state, logs and working
 *     directories (required)
 * @param heartbeatInterval time between heartbeats (default 1 s)
 * @param resyncInterval time between convergence passes when nothing happens; events trigger passes
 *     at once, this catches anything missed and re-sends statuses Kafka did not store (default 5 s)
 * @param closeTimeout how long {@link NodeAgent#close()} waits for Kafka (final statuses, client
 *     shutdown), on top of the tasks' own stop grace periods (default 5 s)
 * @param engineLabels labels of the node's engine, reported in the node description (default none)
 * @param cpus CPUs the node offers (default: {@code Runtime.availableProcessors()})
 * @param memoryBytes memory the node offers (default: the machine's, from the OS)
 * @param kafkaProperties extra Kafka client properties for the producer and the consumer (security,
 *     timeouts); they override the agent's own settings
 * @param fencingTimeout how long the agent may go without Kafka acknowledging a heartbeat before it
 *     stops its own tasks ({@link Fencing}); zero turns fencing off (default 6 s, twice the
 *     orchestrator's default node-down timeout; see "Fencing" in docs/design.md)
 * @param joinToken the cluster's join token ({@code SWMTKN-1-…}); never sent: the agent proves it
 *     holds it ({@link dev.shoal.schemas.JoinTokens#proof}). Null joins a cluster without tokens.
 * @param drainDelay how long a task that publishes a port through the ingress keeps running after it
 *     was told to stop, before its stop signal, so the gateways stop sending it requests first
 *     ({@link Draining}); zero turns it off (default 1 s)
 * @param taskParallelism how many task starts and removes the agent runs at once (1 to
 *     {@value OpsPool#MAX_PARALLELISM}, default {@value OpsPool#DEFAULT_PARALLELISM}); stops, which mostly
 *     wait out grace periods, run on threads of their own ({@link OpsPool})
 */
public record NodeAgentConfig(
    String bootstrapServers,
    Topics topics,
    String nodeId,
    String hostname,
    Path dataDir,
    Duration heartbeatInterval,
    Duration resyncInterval,
    Duration closeTimeout,
    Map<String, String> engineLabels,
    Double cpus,
    Long memoryBytes,
    Map<String, Object> kafkaProperties,
    Duration fencingTimeout,
    String joinToken,
    Duration drainDelay,
    Integer taskParallelism) {

  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_RESYNC_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_FENCING_TIMEOUT = Duration.ofSeconds(6);
  public static final Duration DEFAULT_DRAIN_DELAY = Duration.ofSeconds(1);
  /** A drain longer than this would hold every stop (and so every stop-first update group) for minutes. */
  public static final Duration MAX_DRAIN_DELAY = Duration.ofMinutes(1);
  public static final int DEFAULT_TASK_PARALLELISM = OpsPool.DEFAULT_PARALLELISM;
  public static final int MAX_TASK_PARALLELISM = OpsPool.MAX_PARALLELISM;

  public NodeAgentConfig {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(dataDir, "dataDir");
    topics = topics != null ? topics : Topics.defaults();
    heartbeatInterval = positive(heartbeatInterval, DEFAULT_HEARTBEAT_INTERVAL, "heartbeatInterval");
    resyncInterval = positive(resyncInterval, DEFAULT_RESYNC_INTERVAL, "resyncInterval");
    closeTimeout = closeTimeout != null ? closeTimeout : DEFAULT_CLOSE_TIMEOUT;
    engineLabels = engineLabels != null ? Map.copyOf(new TreeMap<>(engineLabels)) : Map.of();
    kafkaProperties = kafkaProperties != null ? Map.copyOf(kafkaProperties) : Map.of();
    fencingTimeout = fencingTimeout != null ? fencingTimeout : DEFAULT_FENCING_TIMEOUT;
    if (fencingTimeout.isNegative()) {
      throw new IllegalArgumentException("the fencing timeout must be 0 (off) or positive, got " + fencingTimeout);
    }
    // With fewer than two heartbeats per timeout, one late acknowledgement would fence a healthy node.
    if (!fencingTimeout.isZero() && fencingTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException("the fencing timeout (" + Durations.format(fencingTimeout) + ") must be at"
          + " least twice the heartbeat interval (" + Durations.format(heartbeatInterval) + "), or 0 to turn fencing off");
    }
    drainDelay = drainDelay != null ? drainDelay : DEFAULT_DRAIN_DELAY;
    if (drainDelay.isNegative() || drainDelay.compareTo(MAX_DRAIN_DELAY) > 0) {
      throw new IllegalArgumentException("the drain delay must be 0 (off) to " + Durations.format(MAX_DRAIN_DELAY)
          + ", got " + Durations.format(drainDelay));
    }
    taskParallelism = OpsPool.checkParallelism(taskParallelism != null ? taskParallelism : DEFAULT_TASK_PARALLELISM);
    if (joinToken != null && !dev.shoal.schemas.JoinTokens.wellFormed(joinToken)) {
      throw new IllegalArgumentException("the join token is malformed: expected SWMTKN-1-<50 characters>-<25 characters>");
    }
  }

  private static Duration positive(Duration d, Duration fallback, String name) {
    if (d == null) {
      return fallback;
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + Durations.format(d));
    }
    return d;
  }

  public static Builder builder(String bootstrapServers, Path dataDir) {
    return new Builder(bootstrapServers, dataDir);
  }

  /** Builds a {@link NodeAgentConfig}; every setter is optional. */
  public static final class Builder {
    private final String bootstrapServers;
    private final Path dataDir;
    private Topics topics;
    private String nodeId;
    private String hostname;
    private Duration heartbeatInterval;
    private Duration resyncInterval;
    private Duration closeTimeout;
    private Map<String, String> engineLabels;
    private Double cpus;
    private Long memoryBytes;
    private Map<String, Object> kafkaProperties;
    private Duration fencingTimeout;
    private String joinToken;
    private Duration drainDelay;
    private Integer taskParallelism;

    private Builder(String bootstrapServers, Path dataDir) {
      this.bootstrapServers = bootstrapServers;
      this.dataDir = dataDir;
    }

    public Builder topics(Topics v) {
      topics = v;
      return this;
    }

    public Builder nodeId(String v) {
      nodeId = v;
      return this;
    }

    public Builder hostname(String v) {
      hostname = v;
      return this;
    }

    public Builder heartbeatInterval(Duration v) {
      heartbeatInterval = v;
      return this;
    }

    public Builder resyncInterval(Duration v) {
      resyncInterval = v;
      return this;
    }

    public Builder closeTimeout(Duration v) {
      closeTimeout = v;
      return this;
    }

    public Builder engineLabels(Map<String, String> v) {
      engineLabels = v;
      return this;
    }

    public Builder cpus(Double v) {
      cpus = v;
      return this;
    }

    public Builder memoryBytes(Long v) {
      memoryBytes = v;
      return this;
    }

    public Builder kafkaProperties(Map<String, Object> v) {
      kafkaProperties = v;
      return this;
    }

    public Builder fencingTimeout(Duration v) {
      fencingTimeout = v;
      return this;
    }

    public Builder joinToken(String v) {
      joinToken = v;
      return this;
    }

    public Builder drainDelay(Duration v) {
      drainDelay = v;
      return this;
    }

    public Builder taskParallelism(Integer v) {
      taskParallelism = v;
      return this;
    }

    public NodeAgentConfig build() {
      return new NodeAgentConfig(bootstrapServers, topics, nodeId, hostname, dataDir, heartbeatInterval,
          resyncInterval, closeTimeout, engineLabels, cpus, memoryBytes, kafkaProperties, fencingTimeout,
          joinToken, drainDelay, taskParallelism);
    }
  }
}
