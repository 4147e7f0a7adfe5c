package dev.shoal.gateway.ingress;

import dev.shoal.gateway.metrics.IngressMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway's ingress: every port a service publishes in ingress mode, opened on this gateway and
 * balanced over the service's running tasks. One Jetty server of its own (not the API's, so API
 * filters never see service traffic and a busy service cannot starve the API), with one
 * {@link ServerConnector} per published port, added and removed while it runs: HTTP ports through
 * {@link HttpRelayConnectionFactory} (and {@link HttpIngressHandler} for what the relay hands to
 * Jetty's HTTP server) on a {@link RelayConnector}, whose selectors carry the relay's task connections
 * too, the others through {@link TcpIngressConnectionFactory}. Other connections to tasks (raw TCP,
 * {@code ProxyHandler}) go through one shared {@link ClientConnector}.
 *
 * <p>The ports and their tasks follow the read model: each change asks for a refresh, and a refresh
 * recomputes the whole {@link IngressPlan} (changes arriving meanwhile are folded into the next
 * one), opens and closes listeners and replaces each port's tasks. A refresh also runs every
 * {@link IngressConfig#refreshInterval()}, which retries ports that could not be bound (another
 * process held them) and catches anything missed.
 *
 * <p>Traffic is metered per service ({@link IngressMetrics}): a service is published to the metrics
 * while it holds a port here and forgotten when its last port closes.
 */
public final class IngressServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IngressServer.class);
  /** How often tasks not yet seen accepting connections are probed ({@link Prober}). */
  private static final long PROBE_EVERY_MILLIS = 100;
  /** Threads besides those of each port (acceptor and selectors): requests, the client side, timers. */
  private static final int BASE_THREADS = 64;
  /** The most selectors an HTTP port gets by default, however many cores. */
  private static final int MAX_DEFAULT_SELECTORS = 4;
  /**
   * Selectors of an HTTP port served by the relay, each with its thread, carrying both a request's
   * client and task connections ({@link RelayConnector}): one per core, as nginx runs one worker per
   * core (with one, the relay used one core while nginx used two: 0.74-0.78 x nginx's requests/s
   * against 0.90-0.96 with two, measured back to back, docs/benchmarks.md), at most {@value #MAX_DEFAULT_SELECTORS}, since
   * each port holds its selectors' threads for its life; {@code -Dshoal.ingress.selectors=N}.
   */
  static final int RELAY_SELECTORS = Math.max(1, Integer.getInteger("shoal.ingress.selectors",
      Math.min(Runtime.getRuntime().availableProcessors(), MAX_DEFAULT_SELECTORS)));

  private final IngressConfig config;
  private final IngressSource source;
  private final QueuedThreadPool threads = new QueuedThreadPool(BASE_THREADS, 4, 60_000);
  private final Server server;
  private final ClientConnector client = new ClientConnector();
  private final HttpConfiguration httpConfig = new HttpConfiguration();
  /** Set before start ({@link #meterWith}); by default a registry nobody scrapes. */
  private IngressMetrics metrics = new IngressMetrics(new SimpleMeterRegistry());
  private final Prober prober = new Prober(client);
  private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "shoal-ingress-refresh");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean refreshQueued = new AtomicBoolean();
  /** Guarded by this (the refresh thread and views). */
  private final SortedMap<Integer, Listener> listeners = new TreeMap<>();
  private final Map<Connector, BackendPool> pools = new ConcurrentHashMap<>();
  /** The services with a port here, as told to the metrics; guarded by this. */
  private final Set<String> metered = new HashSet<>();
  private volatile Map<Integer, List<String>> conflicts = Map.of();
  private AutoCloseable subscription;
  private volatile boolean closed;

  public IngressServer(IngressConfig config, IngressSource source) {
    this.config = Objects.requireNonNull(config, "config");
    this.source = Objects.requireNonNull(source, "source");
    threads.setName("shoal-ingress");
    threads.setDaemon(true);
    server = new Server(threads);
    server.setStopTimeout(0);
    client.setConnectTimeout(config.connectTimeout());
    client.setExecutor(threads);
    client.setScheduler(server.getScheduler());
    client.setByteBufferPool(server.getByteBufferPool());
    client.setSelectors(1);
    httpConfig.setSendServerVersion(false);
    httpConfig.setSendXPoweredBy(false);
    // The task's Date header is passed on; the gateway adds none of its own.
    httpConfig.setSendDateHeader(false);
  }

  /** Meters traffic into {@code m} (the gateway's); call before {@link #start}. */
  public synchronized IngressServer meterWith(IngressMetrics m) {
    if (server.isStarted()) {
      throw new IllegalStateException("meterWith must come before start");
    }
    metrics = Objects.requireNonNull(m, "metrics");
    return this;
  }

  /** Starts the (still portless) server and opens the published ports the source shows now. */
  public synchronized IngressServer start() throws Exception {
    server.setHandler(new HttpIngressHandler(pools::get, client, config, metrics));
    server.start();
    subscription = source.subscribe(this::requestRefresh);
    long every = config.refreshInterval().toMillis();
    refresher.scheduleWithFixedDelay(this::refreshQuietly, every, every, TimeUnit.MILLISECONDS);
    refresher.scheduleWithFixedDelay(this::probe, PROBE_EVERY_MILLIS, PROBE_EVERY_MILLIS, TimeUnit.MILLISECONDS);
    refresh();
    LOG.info("ingress publishes service ports on {}", config.host());
    return this;
  }

  /** Asks for a refresh soon; many calls before it runs make one refresh. */
  void requestRefresh() {
    if (!closed && refreshQueued.compareAndSet(false, true)) {
      try {
        refresher.execute(this::refreshQuietly);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        refreshQueued.set(false); // closing
      }
    }
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      LOG.warn("ingress refresh failed; retrying at the next change or in {}", config.refreshInterval(), e);
    }
  }

  /** Recomputes the plan and brings the listeners and pools to it. */
  synchronized void refresh() {
    refreshQueued.set(false);
    if (closed) {
      return;
    }
    IngressPlan plan = IngressPlanner.plan(source.services(), source::tasksOfService, source::node);
    conflicts = plan.conflicts();
    for (Integer port : List.copyOf(listeners.keySet())) {
      PortRoute wanted = plan.routes().get(port);
      Listener l = listeners.get(port);
      if (wanted == null || !l.pool.route().sameListener(wanted)) {
        listeners.remove(port);
        close(l);
      }
    }
    Set<String> published = new HashSet<>();
    plan.routes().values().forEach(r -> published.add(r.serviceName()));
    // Published before its ports open, so their first connections are counted.
    published.stream().filter(metered::add).forEach(metrics::publish);
    for (PortRoute route : plan.routes().values()) {
      Listener l = listeners.get(route.port());
      if (l == null) {
        l = new Listener(new BackendPool(route, config.failureBackoff().toNanos()));
        listeners.put(route.port(), l);
      } else {
        l.pool.update(route);
      }
      if (l.connector == null) {
        open(l);
      }
      prober.probe(l.pool);
    }
    forgetAllBut(published);
  }

  /** Forgets the series of services without a port here any more (requests still draining go unmetered). */
  private void forgetAllBut(Set<String> published) {
    for (String s : List.copyOf(metered)) {
      if (!published.contains(s)) {
        metered.remove(s);
        metrics.forget(s);
      }
    }
  }

  private void open(Listener l) {
    long now = System.nanoTime();
    if (l.lastAttemptNanos != 0 && now - l.lastAttemptNanos < config.refreshInterval().toNanos() / 2) {
      return;
    }
    l.lastAttemptNanos = now;
    PortRoute r = l.pool.route();
    ConnectionFactory factory = !r.http()
        ? new TcpIngressConnectionFactory(pools::get, client, config.idleTimeout().toMillis(), metrics)
        : HttpRelayConnectionFactory.ENABLED
        ? new HttpRelayConnectionFactory(pools::get, client, new HttpConnectionFactory(httpConfig), config, metrics)
        : new HttpConnectionFactory(httpConfig);
    boolean relay = factory instanceof HttpRelayConnectionFactory;
    ServerConnector c = relay ? new RelayConnector(server, RELAY_SELECTORS, factory, config)
        : new ServerConnector(server, 1, 1, factory);
    c.addEventListener(new ConnectionCounter(metrics.connections(r.serviceName())));
    c.setHost(config.host());
    c.setPort(r.port());
    c.setIdleTimeout((r.http() ? config.httpIdleTimeout() : config.idleTimeout()).toMillis());
    c.setName("ingress-" + r.port());
    pools.put(c, l.pool);
    // Each port holds an acceptor and its selector threads for its life.
    threads.setMaxThreads(BASE_THREADS + (1 + RELAY_SELECTORS) * (listeners.size() + 1));
    try {
      server.addConnector(c);
      if (!c.isStarted()) {
        c.start();
      }
      l.connector = c;
      if (l.error != null) {
        LOG.info("published port {} of service {} is open after all", r.port(), r.serviceName());
      }
      l.error = null;
      LOG.info("published port {}:{} ({}) of service {} open", config.host(), r.port(), r.http() ? "http" : "tcp",
          r.serviceName());
    } catch (Exception e) {
      pools.remove(c);
      server.removeConnector(c);
      stopQuietly(c);
      String why = reason(e);
      if (!why.equals(l.error)) {
        LOG.warn("cannot open published port {}:{} of service {} (retrying every {}): {}", config.host(), r.port(),
            r.serviceName(), config.refreshInterval(), why);
      }
      l.error = why;
    }
  }

  /** Probes the tasks of every port that have not been seen accepting connections yet. */
  private void probe() {
    try {
      List<BackendPool> open;
      synchronized (this) {
        open = listeners.values().stream().map(l -> l.pool).toList();
      }
      open.forEach(prober::probe);
    } catch (RuntimeException e) {
      LOG.warn("probing tasks failed", e);
    }
  }

  /**
   * Stops accepting at once (the port closes), lets connections already open finish for up to
   * {@link IngressConfig#closeGrace()} without new tasks to go to, then stops the connector.
   */
  private void close(Listener l) {
    ServerConnector c = l.connector;
    l.pool.update(l.pool.route().withoutBackends());
    if (c == null) {
      return;
    }
    LOG.info("published port {} of service {} closed", l.pool.route().port(), l.pool.route().serviceName());
    c.shutdown().orTimeout(config.closeGrace().toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
      stopQuietly(c);
      server.removeConnector(c);
      pools.remove(c);
    });
  }

  /** The exception's messages down to its root cause ("Failed to bind to /127.0.0.1:80: Permission denied"). */
  static String reason(Throwable e) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (out.indexOf(m) < 0) {
        out.append(out.length() == 0 ? "" : ": ").append(m);
      }
    }
    return out.toString();
  }

  private static void stopQuietly(ServerConnector c) {
    try {
      c.stop();
    } catch (Exception e) {
      LOG.debug("stopping {} failed", c, e);
    }
  }

  /** What each published port does now, by port: for {@code GET /v1/ingress}. */
  public synchronized List<PortView> view() {
    List<PortView> out = new ArrayList<>();
    Map<Integer, List<String>> refused = conflicts;
    for (Listener l : listeners.values()) {
      PortRoute r = l.pool.route();
      out.add(new PortView(r.port(), config.host(), r.serviceName(), r.serviceId(), r.http() ? "http" : "tcp",
          r.balance().label(), l.connector != null, l.error, refused.getOrDefault(r.port(), List.of()),
          l.pool.views()));
    }
    return out;
  }

  /** The address a published port is bound to, once open (for tests and logs); -1 when it is not. */
  public synchronized int boundPort(int published) {
    Listener l = listeners.get(published);
    return l == null || l.connector == null ? -1 : l.connector.getLocalPort();
  }

  public IngressConfig config() {
    return config;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (subscription != null) {
      try {
        subscription.close();
      } catch (Exception e) {
        LOG.debug("unsubscribing failed", e);
      }
    }
    refresher.shutdownNow();
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("stopping the ingress failed", e);
    }
    listeners.clear();
    pools.clear();
    forgetAllBut(Set.of());
  }

  /** A published port this gateway serves: its pool, and its connector once bound. */
  private static final class Listener {
    final BackendPool pool;
    volatile ServerConnector connector;
    volatile String error;
    long lastAttemptNanos;

    Listener(BackendPool pool) {
      this.pool = pool;
    }
  }
}
