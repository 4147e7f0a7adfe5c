package dev.shoal.kafka;

/**
 * How clients reach an {@link EmbeddedKafka}: in plain text and unauthenticated (the default, for
 * tests and {@code shoal dev}), with SCRAM-SHA-512 user names and passwords over TLS, or with TLS
 * client certificates (mTLS). Both authenticated ways go with Kafka's {@code StandardAuthorizer}:
 * nothing is allowed that no ACL allows.
 */
public enum KafkaSecurity {
  PLAINTEXT("PLAINTEXT"),
  SASL_SSL("SASL_SSL"),
  MTLS("SSL");

  private final String protocol;

  KafkaSecurity(String protocol) {
    this.protocol = protocol;
  }

  /** Kafka's {@code security.protocol} for it. */
  public String protocol() {
    return protocol;
  }

  /** From a flag value: {@code none}, {@code sasl-ssl} or {@code mtls}, in any case. */
  public static KafkaSecurity fromFlag(String value) {
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "none", "plaintext" -> PLAINTEXT;
      case "sasl-ssl", "sasl_ssl", "scram" -> SASL_SSL;
      case "mtls", "ssl" -> MTLS;
      default -> throw new IllegalArgumentException("unknown Kafka security '" + value
          + "' (expected none, sasl-ssl or mtls)");
    };
  }
}
