package dev.shoal.kafka;

/**
 * What a test gets from {@link KafkaBrokerExtension}: where the shared broker is, and a prefix
 * that no other test class in this JVM gets.
 *
 * <p>The broker is shared, so every test class must name its topics, consumer groups and Streams
 * {@code application.id}s with {@link #uniquePrefix()} (or {@link #name(String)}); then each test
 * class sees a fresh namespace without restarting Kafka.
 *
 * @param bootstrapServers the broker address, e.g. {@code "127.0.0.1:40123"}
 * @param uniquePrefix     a prefix unique to the test class, e.g. {@code "t3-"}
 */
public record KafkaTestCluster(String bootstrapServers, String uniquePrefix) {

    /** {@code uniquePrefix() + name}: a topic, group or application id private to this test class. */
    public String name(String name) {
        return uniquePrefix + name;
    }
}
