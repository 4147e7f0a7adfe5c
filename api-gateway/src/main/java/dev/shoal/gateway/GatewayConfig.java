package dev.shoal.gateway;

import dev.shoal.gateway.security.ApiSecurity;
import dev.shoal.schemas.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of one gateway: where Kafka is, which topic catalogue to use, where to listen, how long
 * a write waits to see its effect before answering 202, extra Kafka client properties (for
 * security settings and the like) applied to both the producer and the read-model consumer, and how
 * the API authenticates its callers ({@link ApiSecurity}; none on loopback by default).
 */
public record GatewayConfig(
    String bootstrapServers,
    Topics topics,
    String host,
    int port,
    Duration applyTimeout,
    Map<String, String> kafkaProperties,
    byte[] clusterSecret,
    ApiSecurity security) {

  /** Without a cluster secret: the join-token routes answer that tokens are not enabled. */
  public GatewayConfig(String bootstrapServers, Topics topics, String host, int port, Duration applyTimeout,
                       Map<String, String> kafkaProperties) {
    this(bootstrapServers, topics, host, port, applyTimeout, kafkaProperties, null, null);
  }

  public GatewayConfig withClusterSecret(byte[] secret) {
    return new GatewayConfig(bootstrapServers, topics, host, port, applyTimeout, kafkaProperties, secret, security);
  }

  public GatewayConfig withSecurity(ApiSecurity s) {
    return new GatewayConfig(bootstrapServers, topics, host, port, applyTimeout, kafkaProperties, clusterSecret, s);
  }

  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Docker's plain-HTTP port, so Docker clients find the gateway where they look for an engine. */
  public static final int DEFAULT_PORT = 2375;
  public static final Duration DEFAULT_APPLY_TIMEOUT = Duration.ofSeconds(10);

  public GatewayConfig {
    topics = topics == null ? Topics.defaults() : topics;
    host = host == null || host.isBlank() ? DEFAULT_HOST : host;
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    applyTimeout = applyTimeout == null ? DEFAULT_APPLY_TIMEOUT : applyTimeout;
    if (applyTimeout.isNegative() || applyTimeout.isZero()) {
      throw new IllegalArgumentException("applyTimeout must be positive, was " + applyTimeout);
    }
    kafkaProperties = kafkaProperties == null ? Map.of() : Map.copyOf(kafkaProperties);
    security = security == null ? ApiSecurity.none() : security;
  }

  /** Default topics, 127.0.0.1:2375, a 10 s apply timeout and no extra properties. */
  public static GatewayConfig defaults(String bootstrapServers) {
    return new GatewayConfig(Objects.requireNonNull(bootstrapServers, "bootstrapServers"), null, null,
        DEFAULT_PORT, null, null);
  }

  public GatewayConfig withTopics(Topics t) {
    return new GatewayConfig(bootstrapServers, t, host, port, applyTimeout, kafkaProperties, clusterSecret, security);
  }

  public GatewayConfig withListener(String h, int p) {
    return new GatewayConfig(bootstrapServers, topics, h, p, applyTimeout, kafkaProperties, clusterSecret, security);
  }

  public GatewayConfig withApplyTimeout(Duration d) {
    return new GatewayConfig(bootstrapServers, topics, host, port, d, kafkaProperties, clusterSecret, security);
  }

  public GatewayConfig withKafkaProperties(Map<String, String> props) {
    return new GatewayConfig(bootstrapServers, topics, host, port, applyTimeout, props, clusterSecret, security);
  }
}
