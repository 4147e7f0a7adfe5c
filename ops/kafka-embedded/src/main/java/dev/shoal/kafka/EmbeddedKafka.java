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
 * A real Apache Kafka broker running in this JVM, for {@code shoal dev}, {@code shoal kafka} and for tests:
 * by default a single-node cluster, or one member of a multi-node cluster ({@link Builder#cluster}).
 *
 * <p>The node runs KRaft in combined mode (broker and controller in one process) and listens on
 * 127.0.0.1 only: {@code PLAINTEXT} on the configured port (0 picks a free one) and
 * {@code CONTROLLER} on a free port chosen at every start (single node) or at its entry of the
 * quorum (multi-node). A single node is sized for one broker (replication factor 1 for internal
 * topics, one partition by default, no topic auto-creation); in a cluster Kafka's own topics get
 * {@link KraftQuorum#replicationFactor()} replicas and {@link KraftQuorum#minInsyncReplicas()}. The
 * metadata log is formatted with the latest production metadata version and feature
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
 *
 * <p><b>Authenticated</b> ({@link Builder#security}): clients log in with SCRAM-SHA-512 over TLS
 * ({@link KafkaSecurity#SASL_SSL}) or with a client certificate ({@link KafkaSecurity#MTLS}) on the
 * port, and {@link Builder#mtlsListener} adds a second, mTLS, listener beside SCRAM. Kafka's
 * {@code StandardAuthorizer} allows nothing that no ACL allows; {@code User:broker} (the broker's own
 * certificate, on an internal listener and the controller's, both mTLS) and {@code User:admin} are super
 * users. Certificates ({@link KafkaPki}) live in {@code <dataDir>/tls}; each user of
 * {@link Builder#users} (and {@code admin}) gets a SCRAM credential and a certificate, and Kafka client
 * settings in {@code <dataDir>/clients/<user>.properties} (and {@code <user>-mtls.properties}) — mode 600,
 * reused across restarts. ACLs are the caller's business (Shoal's: {@code shoal acls}).
 */
public final class EmbeddedKafka implements SharedBroker {

    private static final int SINGLE_NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** The broker's own principal when authenticated: its certificate's common name. */
    public static final String BROKER_USER = "broker";
    /** The super user every authenticated broker has, for provisioning users and ACLs. */
    public static final String ADMIN_USER = "admin";
    private static final long START_TIMEOUT_MS = 60_000;

    static {
        quietLogging();
    }

    private final Path dataDir;
    private final boolean tempDataDir;
    private final int requestedPort;
    private final KafkaSecurity security;
    private final boolean mtlsListener;
    private final String listenAddress;
    private final List<String> users;
    private final int nodeId;
    /** The quorum this node belongs to; null for the single-node default (its controller port is picked at start). */
    private final KraftQuorum quorum;
    private final String clusterId;
    private int port;
    private int mtlsPort;
    private int internalPort;
    private BrokerAccounts accounts;
    private KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafka(Builder builder) {
        this.requestedPort = builder.port;
        this.security = builder.security;
        this.mtlsListener = builder.mtlsListener && builder.security == KafkaSecurity.SASL_SSL;
        this.listenAddress = builder.listenAddress;
        java.util.LinkedHashSet<String> u = new java.util.LinkedHashSet<>();
        u.add(ADMIN_USER);
        u.addAll(builder.users);
        this.users = List.copyOf(u);
        this.quorum = builder.quorum;
        this.nodeId = builder.quorum == null ? SINGLE_NODE_ID : builder.nodeId;
        this.clusterId = builder.clusterId;
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
     * @throws IllegalArgumentException if the data dir holds another node or cluster
     * @throws IllegalStateException if the broker was already started or closed, or did not come up
     */
    public synchronized EmbeddedKafka start() {
        if (server != null || closed) {
            throw new IllegalStateException("an EmbeddedKafka can be started once");
        }
        port = requestedPort == 0 ? freePort() : requestedPort;
        KraftQuorum voters = quorum != null ? quorum : KraftQuorum.single(SINGLE_NODE_ID, freePort());
        int controllerPort = voters.endpoint(nodeId).port();
        Path logDir = dataDir.resolve("kafka-logs");
        checkFormattedFor(logDir);
        try {
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(logDir);
            }
            Map<String, Object> config = new java.util.HashMap<>(brokerConfig(logDir, voters));
            if (security != KafkaSecurity.PLAINTEXT) {
                accounts = new BrokerAccounts(dataDir.resolve("clients"), KafkaPki.openOrCreate(dataDir.resolve("tls")));
                internalPort = freePort();
                mtlsPort = mtlsListener ? freePort() : 0;
                config.putAll(securityConfig(controllerPort));
            }
            server = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
            server.startup();
            awaitReady();
            if (accounts != null) {
                provisionUsers();
            }
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

    /** How clients log in on {@link #bootstrapServers()}. */
    public KafkaSecurity security() {
        return security;
    }

    /**
     * Kafka client settings (no bootstrap servers) for {@code user} on {@link #bootstrapServers()}: empty
     * for a plaintext broker, else its SCRAM login or client certificate, with the CA to trust.
     */
    public Map<String, Object> clientConfig(String user) {
        requireUser(user);
        return switch (security) {
            case PLAINTEXT -> Map.of();
            case SASL_SSL -> accounts.scram(user);
            case MTLS -> accounts.mtls(user);
        };
    }

    /** The file holding {@link #clientConfig} (mode 600), for {@code --kafka-config}; null for a plaintext broker. */
    public Path clientConfigFile(String user) {
        requireUser(user);
        return security == KafkaSecurity.PLAINTEXT ? null : dataDir.resolve("clients").resolve(user + ".properties");
    }

    /** The mTLS listener beside SCRAM, {@code "127.0.0.1:<port>"}, or null when there is none. */
    public String mtlsBootstrapServers() {
        return mtlsPort == 0 ? null : "127.0.0.1:" + mtlsPort;
    }

    /** Client settings for {@code user} on {@link #mtlsBootstrapServers()}: its certificate. */
    public Map<String, Object> mtlsClientConfig(String user) {
        requireUser(user);
        if (mtlsPort == 0) {
            throw new IllegalStateException("this broker has no mTLS listener beside SCRAM");
        }
        return accounts.mtls(user);
    }

    /** The file holding {@link #mtlsClientConfig} (mode 600), for {@code --kafka-config}. */
    public Path mtlsClientConfigFile(String user) {
        mtlsClientConfig(user);
        return dataDir.resolve("clients").resolve(user + "-mtls.properties");
    }

    private void requireUser(String user) {
        if (security != KafkaSecurity.PLAINTEXT && !users.contains(user)) {
            throw new IllegalArgumentException("no such user on this broker: " + user + " (users: " + users + ")");
        }
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

    /** The node id of this broker in its KRaft quorum (1 for the single-node default). */
    public int nodeId() {
        return nodeId;
    }

    /**
     * A data dir formatted for another cluster or node would be refused by Kafka deep in its start-up; say which
     * and what to do instead.
     */
    private void checkFormattedFor(Path logDir) {
        if (quorum == null || !Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        Properties meta = new Properties();
        try (InputStream in = Files.newInputStream(logDir.resolve("meta.properties"))) {
            meta.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String formattedId = meta.getProperty("cluster.id");
        String formattedNode = meta.getProperty("node.id");
        if (!clusterId.equals(formattedId) || !String.valueOf(nodeId).equals(formattedNode)) {
            throw new IllegalArgumentException(dataDir + " holds node " + formattedNode + " of cluster " + formattedId
                    + ", not node " + nodeId + " of cluster " + clusterId + ": use that node id and cluster id, or"
                    + " another --data-dir");
        }
    }

    private void format(Path logDir) throws Exception {
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(nodeId)
                .setClusterId(clusterId != null ? clusterId : Uuid.randomUuid().toString())
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

    /**
     * One node of {@code voters}, every node a combined broker and controller. Kafka's own topics get the
     * quorum's replication (1 for a single node, which exactly-once needs there; 3 with min ISR 2 from three
     * brokers on).
     */
    private Map<String, Object> brokerConfig(Path logDir, KraftQuorum voters) {
        String rf = String.valueOf(voters.replicationFactor());
        String minIsr = String.valueOf(voters.minInsyncReplicas());
        Map<String, Object> c = new java.util.HashMap<>(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", String.valueOf(nodeId)),
                Map.entry("controller.quorum.voters", voters.toString()),
                Map.entry("listeners", "PLAINTEXT://" + listenAddress + ":" + port + "," + CONTROLLER_LISTENER + "://"
                        + voters.endpoint(nodeId)),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT"),
                Map.entry("controller.listener.names", CONTROLLER_LISTENER),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("log.dirs", logDir.toString()),
                Map.entry("num.partitions", "1"),
                Map.entry("default.replication.factor", rf),
                Map.entry("min.insync.replicas", minIsr),
                Map.entry("auto.create.topics.enable", "false"),
                Map.entry("offsets.topic.replication.factor", rf),
                Map.entry("offsets.topic.num.partitions", "1"),
                Map.entry("transaction.state.log.replication.factor", rf),
                Map.entry("transaction.state.log.min.isr", minIsr),
                Map.entry("transaction.state.log.num.partitions", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", rf),
                Map.entry("share.coordinator.state.topic.min.isr", minIsr),
                Map.entry("share.coordinator.state.topic.num.partitions", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // small footprint: the cleaner's dedupe buffer defaults to 128 MiB of heap
                Map.entry("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024)),
                Map.entry("num.network.threads", "2"),
                Map.entry("num.io.threads", "2"),
                Map.entry("background.threads", "2")));
        if (voters.size() > 1) {
            // A SIGKILLed broker is noticed only when its heartbeats to the controller stop: until then it stays
            // leader of its partitions and in their ISRs, and acks=all writes to them wait. Kafka's 9 s would
            // outlast Shoal's node-down timeout (3 s) and fence every agent; 3 s (heartbeats every 0.5 s)
            // moves leadership within about as long.
            c.put("broker.heartbeat.interval.ms", "500");
            c.put("broker.session.timeout.ms", "3000");
        }
        return c;
    }

    /**
     * Listeners and TLS for an authenticated broker. CLIENT is SCRAM over TLS or mTLS on the port;
     * MTLS an optional mTLS one beside SCRAM; INTERNAL (inter-broker, and this class's own provisioning)
     * and CONTROLLER are mTLS with the broker's certificate, so no listener takes an anonymous client.
     */
    private Map<String, Object> securityConfig(int controllerPort) {
        Map<String, Object> c = new java.util.HashMap<>();
        String listeners = "CLIENT://127.0.0.1:" + port + (mtlsPort > 0 ? ",MTLS://127.0.0.1:" + mtlsPort : "")
                + ",INTERNAL://127.0.0.1:" + internalPort;
        c.put("listeners", listeners + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        c.put("advertised.listeners", listeners);
        c.put("listener.security.protocol.map", "CLIENT:" + security.protocol() + ",MTLS:SSL,INTERNAL:SSL,"
                + CONTROLLER_LISTENER + ":SSL");
        c.put("inter.broker.listener.name", "INTERNAL");
        Map<String, Object> own = accounts.broker();
        own.forEach((k, v) -> {
            if (k.startsWith("ssl.")) {
                c.put(k, v);
            }
        });
        c.put("ssl.client.auth", "required");
        // CN=orchestrator is User:orchestrator, the same name as its SCRAM user: one set of ACLs for both.
        c.put("ssl.principal.mapping.rules", "RULE:^CN=([^,]+)$/$1/,DEFAULT");
        if (security == KafkaSecurity.SASL_SSL) {
            c.put("listener.name.client.ssl.client.auth", "none");
            c.put("listener.name.client.sasl.enabled.mechanisms", "SCRAM-SHA-512");
            c.put("listener.name.client.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
        c.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        c.put("super.users", "User:" + BROKER_USER + ";User:" + ADMIN_USER);
        c.put("allow.everyone.if.no.acl.found", "false");
        return c;
    }

    /** Every user's SCRAM credential and client settings files, through the internal listener as the broker. */
    private void provisionUsers() throws Exception {
        try (Admin admin = Admin.create(internalAdminConfig())) {
            if (security == KafkaSecurity.SASL_SSL) {
                accounts.provisionScram(admin, users);
            }
        }
        for (String user : users) {
            accounts.write(user, clientConfig(user));
            if (mtlsPort > 0) {
                accounts.write(user + "-mtls", accounts.mtls(user));
            }
        }
    }

    private Map<String, Object> internalAdminConfig() {
        Map<String, Object> m = new java.util.HashMap<>();
        if (accounts == null) {
            m.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        } else {
            m.putAll(accounts.broker());
            m.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + internalPort);
        }
        m.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) START_TIMEOUT_MS);
        return m;
    }

    private void awaitReady() throws Exception {
        try (Admin admin = Admin.create(internalAdminConfig())) {
            long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
            while (true) {
                try {
                    // only unfenced brokers are listed: this one among them means "ready"
                    if (admin.describeCluster(new DescribeClusterOptions()).nodes().get().stream()
                            .anyMatch(n -> n.id() == nodeId)) {
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
        private KafkaSecurity security = KafkaSecurity.PLAINTEXT;
        private boolean mtlsListener;
        private String listenAddress = "127.0.0.1";
        private List<String> users = List.of();
        private KraftQuorum quorum;
        private int nodeId;
        private String clusterId;

        private Builder() {
        }

        /**
         * Makes this broker node {@code nodeId} of the multi-node cluster {@code clusterId} whose controllers are
         * {@code quorum} (every member is a combined broker and controller; this one's controller listens at its
         * own entry). All members must be given the same quorum and cluster id. Plaintext only: an authenticated
         * broker keeps its certificates to itself, so members would not trust each other.
         *
         * @throws IllegalArgumentException if {@code nodeId} is not a voter or the cluster id is not a Kafka
         *     {@code Uuid} (22 characters of URL-safe base64, as {@code kafka-storage random-uuid} prints)
         */
        public Builder cluster(int nodeId, KraftQuorum quorum, String clusterId) {
            quorum.endpoint(nodeId);
            try {
                Uuid.fromString(clusterId);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cluster id \"" + clusterId + "\" is not a Kafka cluster id (22"
                        + " characters of URL-safe base64, e.g. " + Uuid.randomUuid() + ")");
            }
            this.nodeId = nodeId;
            this.quorum = quorum;
            this.clusterId = clusterId;
            return this;
        }

        /** How clients log in on the port (default: plaintext, no authentication). */
        public Builder security(KafkaSecurity security) {
            this.security = java.util.Objects.requireNonNull(security);
            return this;
        }

        /** With {@link KafkaSecurity#SASL_SSL}: also an mTLS listener on a free port ({@link EmbeddedKafka#mtlsBootstrapServers()}). */
        public Builder mtlsListener(boolean on) {
            this.mtlsListener = on;
            return this;
        }

        /** Users to provision beside {@code admin} when authenticated: a SCRAM credential, a certificate, settings files. */
        public Builder users(java.util.Collection<String> names) {
            this.users = List.copyOf(names);
            return this;
        }

        /** The PLAINTEXT port on 127.0.0.1; 0 (the default) picks a free port at start. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The address the client listeners bind (default 127.0.0.1). Clients are always told
         * {@code 127.0.0.1:<port>}: another address is for a broker in a container whose port is
         * published on the host's loopback ({@code 0.0.0.0} inside it).
         */
        public Builder listenAddress(String address) {
            this.listenAddress = java.util.Objects.requireNonNull(address, "address");
            return this;
        }

        /** Where to keep the data; reused if already formatted. Default: a temporary directory. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** Creates the (not yet started) broker. */
        public EmbeddedKafka build() {
            if (quorum != null && security != KafkaSecurity.PLAINTEXT) {
                throw new IllegalArgumentException("a multi-node cluster runs without authentication for now"
                        + " (each broker's certificates are its own)");
            }
            return new EmbeddedKafka(this);
        }
    }
}
