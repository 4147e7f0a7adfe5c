package dev.shoal.gateway;

import dev.shoal.gateway.docker.DockerEngineApi;
import dev.shoal.gateway.history.ControlLogHistory;
import dev.shoal.gateway.history.HistoryRoutes;
import dev.shoal.gateway.history.HistorySource;
import dev.shoal.gateway.ingress.IngressConfig;
import dev.shoal.gateway.ingress.IngressRoutes;
import dev.shoal.gateway.ingress.IngressServer;
import dev.shoal.gateway.ingress.IngressSource;
import dev.shoal.gateway.kafka.KafkaClusterBackend;
import dev.shoal.gateway.logs.KafkaLogReader;
import dev.shoal.gateway.logs.LogLimits;
import dev.shoal.gateway.logs.LogService;
import dev.shoal.gateway.metrics.GatewayMetrics;
import dev.shoal.metrics.ShoalMetrics;
import dev.shoal.gateway.rest.EventRoutes;
import dev.shoal.gateway.rest.MetaRoutes;
import dev.shoal.gateway.rest.NodeRoutes;
import dev.shoal.gateway.rest.ServiceRoutes;
import dev.shoal.gateway.rest.SwarmRoutes;
import dev.shoal.gateway.rest.TaskRoutes;
import dev.shoal.gateway.security.SecurityLayer;
import dev.shoal.schemas.Json;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's HTTP server: the REST route tables (plus any extra ones) over a
 * {@link ClusterBackend}, on Javalin, behind the {@link SecurityLayer} (browser checks,
 * authentication, the role each route needs; HTTPS when configured). Built with a config alone it
 * connects to Kafka itself, owns that backend and also serves the Docker Engine API
 * ({@link DockerEngineApi}) and, unless told not to, the ingress: the services' published ports
 * ({@link IngressServer}, {@code /v1/ingress}); built with a backend it only serves it, with the
 * extra tables it is given.
 */
public final class GatewayServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);

  private final GatewayConfig config;
  private final ClusterBackend backend;
  private final KafkaClusterBackend ownedBackend;
  private final List<String> routes = new CopyOnWriteArrayList<>();
  private final SecurityLayer security;
  private final Javalin app;
  private final GatewayMetrics metrics;
  private final ShoalMetrics ownedMetrics;
  private final IngressServer ingress;
  private LogService logs; // over its own backend only
  private boolean started;

  /**
   * A gateway over Kafka as {@code config} says; {@link #start()} also starts reading the cluster.
   *
   * @throws dev.shoal.gateway.security.SecurityConfigException when the API's security settings
   *     cannot be used (the Kafka clients made meanwhile are closed)
   */
  public GatewayServer(GatewayConfig config) {
    this(config, IngressConfig.defaults(), null);
  }

  /**
   * As {@link #GatewayServer(GatewayConfig)}, metering into {@code metrics} and serving them at
   * {@code /metrics} (null: a registry of its own). {@code shoal dev} passes the one of its process,
   * so this endpoint serves every component's metrics.
   */
  public GatewayServer(GatewayConfig config, ShoalMetrics metrics) {
    this(config, IngressConfig.defaults(), metrics);
  }

  /** A gateway over Kafka with the given ingress settings ({@link IngressConfig#disabled()}: no published ports). */
  public GatewayServer(GatewayConfig config, IngressConfig ingress) {
    this(config, ingress, null);
  }

  public GatewayServer(GatewayConfig config, IngressConfig ingress, ShoalMetrics metrics) {
    this(config, KafkaClusterBackend.connect(config, Clock.systemUTC()), Clock.systemUTC(), ingress, metrics);
  }

  /**
   * Over its own Kafka backend, the gateway also serves logs, the Docker Engine API (after the REST
   * tables) and the ingress.
   */
  private GatewayServer(GatewayConfig config, KafkaClusterBackend owned, Clock clock, IngressConfig ingress,
                        ShoalMetrics metrics) {
    this(config, owned, clock, ingress,
        new LogService(owned, KafkaLogReader.of(config, LogLimits.DEFAULTS), LogLimits.DEFAULTS), metrics);
  }

  /** Log routes before the engine's: {@code /v1/services/{name}/logs} would otherwise match its {@code /v{version}/…}. */
  private GatewayServer(GatewayConfig config, KafkaClusterBackend owned, Clock clock, IngressConfig ingress,
                        LogService logs, ShoalMetrics metrics) {
    this(config, owned, clock, List.of(logs.routes(), new DockerEngineApi(owned, config.topics().prefix(),
        config.clusterSecret(), clock, logs)), true, metrics,
        ingress.enabled() ? new IngressServer(ingress, IngressSource.of(owned.readModel())) : null);
    this.logs = logs;
  }

  /** A gateway over a given backend, which the caller keeps and closes. */
  public GatewayServer(GatewayConfig config, ClusterBackend backend) {
    this(config, backend, Clock.systemUTC(), List.of());
  }

  /** A gateway over a given backend with extra route tables (e.g. the Docker Engine API) after the REST ones. */
  public GatewayServer(GatewayConfig config, ClusterBackend backend, Clock clock, List<RouteTable> extraTables) {
    this(config, backend, clock, extraTables, false, null, null);
  }

  private GatewayServer(GatewayConfig config, ClusterBackend backend, Clock clock, List<RouteTable> extraTables,
                        boolean ownsBackend, ShoalMetrics shoalMetrics, IngressServer ingress) {
    this.config = config;
    this.ingress = ingress;
    this.backend = backend;
    this.ownedBackend = ownsBackend ? (KafkaClusterBackend) backend : null;
    this.ownedMetrics = shoalMetrics == null ? ShoalMetrics.create() : null;
    this.metrics = new GatewayMetrics(shoalMetrics == null ? ownedMetrics : shoalMetrics);
    metrics.bindReadModel(backend);
    if (ingress != null) {
      ingress.meterWith(metrics.ingress());
    }
    if (ownedBackend != null) {
      metrics.bindKafka(ownedBackend.producer(), ownedBackend.readModelConsumer());
    }
    try {
      this.security = SecurityLayer.create(config.security(), config.host(), config.port());
    } catch (RuntimeException e) {
      if (ownedBackend != null) {
        ownedBackend.close();
      }
      throw e;
    }
    List<RouteTable> tables = new ArrayList<>(List.of(new MetaRoutes(backend), new ServiceRoutes(backend),
        new TaskRoutes(backend), new NodeRoutes(backend), new EventRoutes(backend, clock), new SwarmRoutes(backend, config.clusterSecret()),
        new IngressRoutes(() -> ingress),
        // A service's history is read from the logs, so it needs Kafka, not only a backend.
        new HistoryRoutes(ownsBackend ? new ControlLogHistory(config.topics(), config.bootstrapServers(),
            config.kafkaProperties()) : HistorySource.NONE)));
    tables.add(metrics.routes());
    tables.addAll(extraTables);
    this.app = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.startup.showOldJavalinVersionWarning = false;
      cfg.jsonMapper(new JavalinJackson(Json.MAPPER.copy(), false));
      // Bodies are bounded at the door: nothing Shoal accepts is larger than a spec (413 otherwise).
      cfg.http.maxRequestSize = dev.shoal.schemas.Limits.MAX_SPEC_BYTES;
      // What Jetty refuses before any route (bad request line, escapes, Host, oversized URI) is JSON too.
      cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
      cfg.events.handlerAdded(h -> {
        if (h.getHttpMethod().isHttpMethod()) { // not the security layer's before handler
          routes.add(h.getHttpMethod().name() + " " + h.getPath());
        }
      });
      ErrorMapping.install(cfg.routes);
      security.install(cfg); // before any route: its checks run first
      metrics.install(cfg);
      tables.forEach(t -> t.addTo(cfg.routes));
    });
  }

  /**
   * Binds to the configured host and port (0 picks a free one). A gateway that owns its Kafka
   * backend first starts reading the cluster and waits, up to the apply timeout, until it has read
   * what the topics held, so its first answers (404, 409) are not made on an empty picture.
   */
  public synchronized GatewayServer start() {
    if (started) {
      return this;
    }
    if (ownedBackend != null) {
      ownedBackend.start();
      try {
        if (!ownedBackend.readModel().awaitCaughtUp(config.applyTimeout())) {
          LOG.warn("serving before the read model caught up with the cluster (waited {})", config.applyTimeout());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (ingress != null) {
      try {
        ingress.start();
      } catch (Exception e) {
        throw new IllegalStateException("the ingress could not start", e);
      }
    }
    app.start(config.host(), config.port());
    started = true;
    LOG.info("gateway listening on {}://{}:{}", security.scheme(), config.host(), app.port());
    return this;
  }

  /** {@code https://127.0.0.1:2376} or {@code http://…}: where clients reach the API, once started. */
  public String url() {
    String h = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    return security.scheme() + "://" + h + ":" + app.port();
  }

  /** The port bound, once started. */
  public int port() {
    return app.port();
  }

  public ClusterBackend backend() {
    return backend;
  }

  /** This gateway's metrics; ingress reports through {@link GatewayMetrics#ingress()}. */
  public GatewayMetrics metrics() {
    return metrics;
  }

  /** Every route served, as {@code "GET /v1/services"}, in registration order. */
  public List<String> routes() {
    return List.copyOf(routes);
  }

  /** The ingress, when this gateway publishes service ports. */
  public java.util.Optional<IngressServer> ingress() {
    return java.util.Optional.ofNullable(ingress);
  }

  @Override
  public synchronized void close() {
    if (logs != null) {
      logs.close(); // followers end, so stopping does not wait for them
    }
    if (ingress != null) {
      ingress.close();
    }
    app.stop();
    if (ownedBackend != null) {
      ownedBackend.close();
    }
    metrics.close();
    if (ownedMetrics != null) {
      ownedMetrics.close();
    }
  }
}
