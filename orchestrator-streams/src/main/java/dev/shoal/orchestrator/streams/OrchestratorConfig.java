package dev.shoal.orchestrator.streams;

import dev.shoal.orchestrator.core.OrchestratorSettings;
import dev.shoal.schemas.Topics;
import java.nio.file.Path;
import java.util.Map;

/**
 * How to run the orchestrator: where Kafka is, the topic prefix, the Streams application id and
 * state directory, standby replicas for failover, and the timing of liveness and timers.
 */
public record OrchestratorConfig(
    String bootstrapServers,
    Topics topics,
    String applicationId,
    Path stateDir,
    int standbyReplicas,
    OrchestratorSettings settings,
    OrchestratorTopology.Timing timing,
    Map<String, Object> extraStreamsConfig,
    byte[] clusterSecret) {

  /** Without a cluster secret: no join tokens, every node is admitted (development and tests). */
  public OrchestratorConfig(String bootstrapServers, Topics topics, String applicationId, Path stateDir,
                            int standbyReplicas, OrchestratorSettings settings, OrchestratorTopology.Timing timing,
                            Map<String, Object> extraStreamsConfig) {
    this(bootstrapServers, topics, applicationId, stateDir, standbyReplicas, settings, timing, extraStreamsConfig, null);
  }

  /** Join tokens checked against this secret's tokens when set. */
  public dev.shoal.orchestrator.core.JoinPolicy joinPolicy() {
    return clusterSecret == null ? dev.shoal.orchestrator.core.JoinPolicy.OPEN
        : dev.shoal.orchestrator.core.JoinPolicy.tokens(clusterSecret);
  }

  /**
   * The replication asked for explicitly, as Kafka Streams' {@code replication.factor} among the extra
   * settings; null (the default) means min(3, brokers), counted at start ({@link TopicProvisioner}).
   */
  public Short replicationFactor() {
    Object v = extraStreamsConfig.get(org.apache.kafka.streams.StreamsConfig.REPLICATION_FACTOR_CONFIG);
    if (v == null || Integer.parseInt(v.toString()) < 1) {
      return null; // Streams' -1: the broker's default, which we replace by the rule above
    }
    return Short.valueOf(v.toString());
  }

  public OrchestratorConfig withClusterSecret(byte[] secret) {
    return new OrchestratorConfig(bootstrapServers, topics, applicationId, stateDir, standbyReplicas, settings, timing,
        extraStreamsConfig, secret);
  }

  public static OrchestratorConfig defaults(String bootstrapServers, Path stateDir) {
    Topics topics = Topics.defaults();
    return new OrchestratorConfig(bootstrapServers, topics, "shoal-orchestrator", stateDir, 1,
        OrchestratorSettings.DEFAULTS, OrchestratorTopology.Timing.DEFAULTS, Map.of());
  }

  public OrchestratorConfig withTopics(Topics t) {
    return new OrchestratorConfig(bootstrapServers, t, t.prefix() + "shoal-orchestrator", stateDir, standbyReplicas,
        settings, timing, extraStreamsConfig, clusterSecret);
  }

  public OrchestratorConfig withTiming(OrchestratorTopology.Timing t) {
    return new OrchestratorConfig(bootstrapServers, topics, applicationId, stateDir, standbyReplicas, settings, t,
        extraStreamsConfig, clusterSecret);
  }
}
