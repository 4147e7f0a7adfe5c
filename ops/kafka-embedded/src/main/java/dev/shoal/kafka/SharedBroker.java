package dev.shoal.kafka;

/**
 * The broker {@link KafkaBrokerExtension} shares among the test classes of a JVM: the embedded
 * one by default, or another kind a {@link Provider} on the test class path makes, chosen with the
 * system property {@value #PROPERTY} (e.g. {@code mvn verify -Dshoal.test.broker=container}).
 */
public interface SharedBroker extends AutoCloseable {
  /** The system property that names the kind of broker; unset or {@value #EMBEDDED}: {@link EmbeddedKafka}. */
  String PROPERTY = "shoal.test.broker";
  String EMBEDDED = "embedded";

  /** Where clients connect, {@code host:port}. */
  String bootstrapServers();

  @Override
  void close();

  /** Makes shared brokers of one kind; found with {@link java.util.ServiceLoader}. */
  interface Provider {
    /** The kind, as {@value #PROPERTY} names it. */
    String name();

    /** A started broker. */
    SharedBroker start();
  }
}
