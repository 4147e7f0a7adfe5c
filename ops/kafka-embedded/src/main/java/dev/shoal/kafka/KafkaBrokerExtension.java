package dev.shoal.kafka;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving tests a real Kafka broker: the one way tests in Shoal get Kafka.
 * <strong>No test should start Kafka its own way</strong> (no {@link EmbeddedKafka} of its own,
 * no containers): starting brokers per class is slow and competes for the machine.
 *
 * <p>The first test class that needs it starts one broker for the whole JVM ({@link EmbeddedKafka}
 * unless {@link SharedBroker#PROPERTY} names another kind, e.g. {@code container}; kept in
 * the root {@link ExtensionContext} store, shared by all test classes, closed when the test run
 * ends). Each test class gets its own {@link KafkaTestCluster#uniquePrefix()} ({@code "t1-"},
 * {@code "t2-"}, …) to name its topics, groups and application ids, so classes never see each
 * other's data.
 *
 * <pre>{@code
 * @ExtendWith(KafkaBrokerExtension.class)
 * class MyTest {
 *     @Test
 *     void works(KafkaTestCluster kafka) {
 *         String topic = kafka.name("orders");   // "t7-orders"
 *         ... kafka.bootstrapServers() ...
 *     }
 * }
 * }</pre>
 *
 * <p>{@link KafkaTestCluster} can be injected into test methods, lifecycle methods
 * ({@code @BeforeAll} too) and constructors.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);
    private static final AtomicInteger CLASS_COUNTER = new AtomicInteger();

    /** Starts the shared broker (if not yet running) before the first test of a class. */
    @Override
    public void beforeAll(ExtensionContext context) {
        cluster(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == KafkaTestCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return cluster(extensionContext);
    }

    private static KafkaTestCluster cluster(ExtensionContext context) {
        SharedBroker broker = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedBroker.class, k -> startBroker(), SharedBroker.class);
        // keyed by class: store lookups fall back to parent contexts, and a @Nested class needs its own
        ExtensionContext classContext = classContext(context);
        String prefix = classContext.getStore(NAMESPACE).getOrComputeIfAbsent(
                classContext.getUniqueId(), k -> "t" + CLASS_COUNTER.incrementAndGet() + "-", String.class);
        return new KafkaTestCluster(broker.bootstrapServers(), prefix);
    }

    /** The embedded broker, or the kind {@link SharedBroker#PROPERTY} names, from its provider. */
    static SharedBroker startBroker() {
        String kind = System.getProperty(SharedBroker.PROPERTY, SharedBroker.EMBEDDED).trim();
        if (kind.isEmpty() || kind.equals(SharedBroker.EMBEDDED)) {
            return EmbeddedKafka.builder().build().start();
        }
        java.util.List<String> known = new java.util.ArrayList<>(java.util.List.of(SharedBroker.EMBEDDED));
        for (SharedBroker.Provider p : java.util.ServiceLoader.load(SharedBroker.Provider.class)) {
            if (p.name().equals(kind)) {
                return p.start();
            }
            known.add(p.name());
        }
        throw new IllegalStateException(SharedBroker.PROPERTY + "=" + kind + ": no such kind of test broker here (known: "
                + String.join(", ", known) + ")");
    }

    /** The context of the test class (a nested class counts as its own class). */
    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
            current = current.getParent().get();
        }
        return current;
    }
}
