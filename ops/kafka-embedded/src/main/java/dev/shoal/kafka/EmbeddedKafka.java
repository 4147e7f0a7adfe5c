package dev.shoal.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Apache Kafka broker running in this JVM, for {@code shoal dev} and for tests.
 *
 * <p>The node runs KRaft in combined mode (broker and controller in one process) and listens on
 * 127.0.0.1 only: {@code PLAINTEXT} on the configured port (0 picks a free one) and
 * {@code CONTROLLER} on a free port chosen at every start. Everything is sized for one broker
 * (replication factor 1 for internal topics, one partition by default, no topic auto-creation),
 * and the metadata log is formatted with the latest production metadata version and feature
 * levels, so transactions and Kafka Streams {@code exactly_once_v2} work.
 *
 * <p>Data lives in {@code <dataDir>/kafka-logs}. A data dir that is already formatted
 * ({@code meta.properties} present) is reused as it is, so a restart keeps topics and records.
 * Without {@link Builder#dataDir(Path)} a temporary directory is used and deleted by
 * {@link #close()}.
 *
 * <p>Loading this class sets slf4j-simple's levels for {@code org.apache.kafka}, {@code kafka}
 * and {@code state.change.logger} to WARN unless a system property or
 * {@code simplelogger.properties} already sets them.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(9092).dataDir(dir).build().start()) {
 *     String bootstrap = kafka.bootstrapServers(); // "127.0.0.1:9092"
 * }
 * }</pre>
 *
 * <p>Tests should not use this class directly; they use {@link KafkaBrokerExtension}, which shares
 * one broker per JVM.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final long START_TIMEOUT_MS = 60_000;

    static {
        quietLogging();
    }

    private final Path dataDir;
    private final boolean tempDataDir;
    private final int requestedPort;
    private int port;
    private KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafka(Builder builder) {
        this.requestedPort = builder.port;
        if (builder.dataDir != null) {
            this.dataDir = builder.dataDir.toAbsolutePath();
            this.tempDataDir = false;
        } else {
            try {
                this.dataDir = Files.createTempDirectory("shoal-kafka-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.tempDataDir = true;
        }
    }

    /** Returns a builder; by default the broker picks a free port and uses a temporary data dir. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the storage if needed, starts the broker and blocks until it accepts client
     * connections (an Admin client sees it in {@code describeCluster}).
     *
     * @return this broker
     * @throws IllegalStateException if the broker was already started or closed, or did not come up
     */
    public synchronized EmbeddedKafka start() {
        if (server != null || closed) {
            throw new IllegalStateException("an EmbeddedKafka can be started once");
        }
        port = requestedPort == 0 ? freePort() : requestedPort;
        int controllerPort = freePort();
        Path logDir = dataDir.resolve("kafka-logs");
        try {
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(logDir);
            }
            server = new KafkaRaftServer(new KafkaConfig(brokerConfig(logDir, controllerPort), false), Time.SYSTEM);
            server.startup();
            awaitReady();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            IllegalStateException failure =
                    new IllegalStateException("embedded Kafka did not start on port " + port + " in " + dataDir, e);
            try {
                close();
            } catch (RuntimeException closeFailure) {
                failure.addSuppressed(closeFailure);
            }
            throw failure;
        }
        return this;
    }

    /** The address clients connect to, {@code "127.0.0.1:<port>"}. Valid after {@link #start()}. */
    public String bootstrapServers() {
        if (port == 0) {
            throw new IllegalStateException("not started");
        }
        return "127.0.0.1:" + port;
    }

    /** The data directory (the Kafka log dir is its {@code kafka-logs} subdirectory). */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Shuts the broker down cleanly and waits for it; deletes the data dir if it was a temporary
     * one. Calling it again does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
        }
        if (tempDataDir) {
            deleteRecursively(dataDir);
        }
    }

    private void format(Path logDir) throws Exception {
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setReleaseVersion(MetadataVersion.latestProduction());
        // The defaults of the latest metadata version enable these already; being explicit keeps
        // transactions (EOS v2), the new group coordinator and the Streams protocol on.
        for (Feature feature : List.of(Feature.TRANSACTION_VERSION, Feature.GROUP_VERSION, Feature.STREAMS_VERSION)) {
            formatter.setFeatureLevel(feature.featureName(), feature.latestProduction());
        }
        formatter.run();
    }

    private Map<String, Object> brokerConfig(Path logDir, int controllerPort) {
        return Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", String.valueOf(NODE_ID)),
                Map.entry("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + port + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT"),
                Map.entry("controller.listener.names", CONTROLLER_LISTENER),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("log.dirs", logDir.toString()),
                Map.entry("num.partitions", "1"),
                Map.entry("default.replication.factor", "1"),
                Map.entry("min.insync.replicas", "1"),
                Map.entry("auto.create.topics.enable", "false"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "1"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.num.partitions", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // small footprint: the cleaner's dedupe buffer defaults to 128 MiB of heap
                Map.entry("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024)),
                Map.entry("num.network.threads", "2"),
                Map.entry("num.io.threads", "2"),
                Map.entry("background.threads", "2"));
    }

    private void awaitReady() throws Exception {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) START_TIMEOUT_MS))) {
            long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
            while (true) {
                try {
                    // only unfenced brokers are listed, so a non-empty answer means "ready"
                    if (!admin.describeCluster(new DescribeClusterOptions()).nodes().get().isEmpty()) {
                        return;
                    }
                } catch (ExecutionException e) {
                    if (System.currentTimeMillis() > deadline) {
                        throw e;
                    }
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("broker not ready after " + START_TIMEOUT_MS + " ms");
                }
                Thread.sleep(50);
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Defaults Kafka's loggers to WARN for slf4j-simple unless configured otherwise. */
    private static void quietLogging() {
        Properties file = new Properties();
        try (InputStream in = EmbeddedKafka.class.getClassLoader().getResourceAsStream("simplelogger.properties")) {
            if (in != null) {
                file.load(in);
            }
        } catch (IOException ignored) {
            // no file: only the defaults below apply
        }
        for (String logger : List.of("org.apache.kafka", "kafka", "state.change.logger")) {
            String key = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(key) == null && !file.containsKey(key)) {
                System.setProperty(key, "warn");
            }
        }
    }

    /** Configures an {@link EmbeddedKafka}. */
    public static final class Builder {
        private int port;
        private Path dataDir;

        private Builder() {
        }

        /** The PLAINTEXT port on 127.0.0.1; 0 (the default) picks a free port at start. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port);
            }
            this.port = port;
            return this;
        }

        /** Where to keep the data; reused if already formatted. Default: a temporary directory. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** Creates the (not yet started) broker. */
        public EmbeddedKafka build() {
            return new EmbeddedKafka(this);
        }
    }
}
