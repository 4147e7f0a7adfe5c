package dev.shoal.gateway.ingress;

import dev.shoal.gateway.metrics.IngressMetrics;
import dev.shoal.gateway.metrics.IngressMetrics.Reason;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpUpgrader;
import org.eclipse.jetty.client.UpgradeProtocolHandler;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The HTTP side of the ingress: Jetty's reverse proxy, choosing a task per request from the
 * {@link BackendPool} of the port the request came in on. On top of {@link ProxyHandler.Reverse}:
 * <ul>
 *   <li>no task serving: 503 with a short body naming the service;
 *   <li>{@code X-Forwarded-For}, {@code -Proto}, {@code -Host}, {@code -Port} and {@code Forwarded}
 *       describe the client's request to this gateway. The gateway is the edge: values a client sent
 *       are replaced, so a client cannot pass for another address;
 *   <li>a request whose connection a task refused reached no task, so it is sent to another task,
 *       whatever its method, up to {@link BackendPool#CONNECT_ATTEMPTS} tasks in all (as nginx's
 *       {@code proxy_next_upstream error}): the gateway's view of a rolling update can lag behind the
 *       agents stopping old tasks, and several of them may be gone at once; a task that refused is
 *       passed over for a while;
 *   <li>an idempotent request that failed otherwise before any response came (the task closed the
 *       connection unanswered) and whose body was not read is sent once more, to another task;
 *   <li>an HTTP/1.1 upgrade (WebSocket) is passed to the task, and once it answers 101 both
 *       connections become a byte tunnel ({@link TunnelConnection}).
 * </ul>
 * Every request of a port's service is metered ({@link IngressMetrics}) once its answer was written:
 * its status and the time from its arrival, retries included; failures by reason, and retries.
 */
final class HttpIngressHandler extends ProxyHandler.Reverse {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpIngressHandler.class);
  private static final String LEASE = HttpIngressHandler.class.getName() + ".lease";
  /** The task ids a request was sent to (a set; the first is the lease's). */
  private static final String TRIED = HttpIngressHandler.class.getName() + ".tried";
  private static final String BODY_READ = HttpIngressHandler.class.getName() + ".bodyRead";
  private static final String ANSWERED = HttpIngressHandler.class.getName() + ".answered";
  private static final String UPGRADED = HttpIngressHandler.class.getName() + ".upgraded";
  private static final String TASK_TUNNEL = HttpIngressHandler.class.getName() + ".taskTunnel";
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

  private final Function<Connector, BackendPool> pools;
  private final ClientConnector client;
  private final IngressConfig config;
  private final IngressMetrics metrics;

  HttpIngressHandler(Function<Connector, BackendPool> pools, ClientConnector client, IngressConfig config,
                     IngressMetrics metrics) {
    super(request -> {
      throw new IllegalStateException("rewriteHttpURI is overridden");
    });
    this.pools = pools;
    this.client = client;
    this.config = config;
    this.metrics = metrics;
    setUseServerThreadPool(true);
  }

  @Override
  protected HttpClient newHttpClient() {
    return new HttpClient(new HttpClientTransportDynamic(client));
  }

  @Override
  protected void configureHttpClient(HttpClient http) {
    super.configureHttpClient(http);
    http.setConnectTimeout(config.connectTimeout().toMillis());
    http.setIdleTimeout(config.httpIdleTimeout().toMillis());
    // A slow task must not stall requests to the others: each task is its own destination.
    http.setMaxConnectionsPerDestination(256);
    http.setUserAgentField(null);
  }

  @Override
  protected void doStart() throws Exception {
    super.doStart();
    // ProxyHandler clears the client's protocol handlers; an upgrade needs one that hands over the connection.
    getHttpClient().getProtocolHandlers().put(new UpgradeAccepting());
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    long start = System.nanoTime();
    BackendPool pool = pools.apply(request.getConnectionMetaData().getConnector());
    if (pool == null) {
      // The port closed between accepting and now: no service to name, or to meter.
      unavailable(response, callback, "no service (published port " + Request.getLocalPort(request) + ")");
      return true;
    }
    String service = pool.route().serviceName();
    Optional<Lease> lease = pool.acquire(Set.of());
    if (lease.isEmpty()) {
      metrics.error(service, Reason.NO_TASK);
      unavailable(response, metered(service, start, response, callback),
          "no running task of service " + service + " (published port " + Request.getLocalPort(request) + ")");
      return true;
    }
    request.setAttribute(LEASE, lease.get());
    Set<String> tried = new java.util.HashSet<>(4);
    tried.add(lease.get().backend().taskId());
    request.setAttribute(TRIED, tried);
    return super.handle(request, response, Callback.from(() -> {
      releaseUnlessUpgraded(request);
      record(service, start, response, null);
      callback.succeeded();
    }, failure -> {
      // A 101 that could not reach the client leaves the task's side of the tunnel unstarted: close it.
      if (request.getAttribute(TASK_TUNNEL) instanceof TunnelConnection task) {
        task.getEndPoint().close(failure);
      }
      lease(request).release();
      record(service, start, response, failure);
      callback.failed(failure);
    }));
  }

  /** {@code callback}, recording the request for {@code service} once it completes. */
  private Callback metered(String service, long start, Response response, Callback callback) {
    return Callback.from(() -> {
      record(service, start, response, null);
      callback.succeeded();
    }, failure -> {
      record(service, start, response, failure);
      callback.failed(failure);
    });
  }

  private void record(String service, long start, Response response, Throwable failure) {
    // Failed uncommitted, Jetty answers with a 500; failed committed, the client got this status, cut short.
    int status = failure == null || response.isCommitted() ? response.getStatus()
        : HttpStatus.INTERNAL_SERVER_ERROR_500;
    metrics.request(service, status, System.nanoTime() - start);
  }

  private static void unavailable(Response response, Callback callback, String message) {
    response.setStatus(HttpStatus.SERVICE_UNAVAILABLE_503);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
    Content.Sink.write(response, true, message + "\n", callback);
  }

  private static Lease lease(Request request) {
    return (Lease) request.getAttribute(LEASE);
  }

  private static void releaseUnlessUpgraded(Request request) {
    if (request.getAttribute(UPGRADED) == null) {
      lease(request).release();
    }
  }

  @Override
  protected HttpURI rewriteHttpURI(Request request) {
    Backend b = lease(request).backend();
    return HttpURI.build(request.getHttpURI()).scheme("http").host(b.host()).port(b.port());
  }

  /**
   * The {@code X-Forwarded-*} family, as nginx and most services read it; no {@code Via} and no
   * {@code Forwarded} (RFC 7239): they describe the same hop, and formatting them costs measurably
   * per request ({@code docs/benchmarks.md}). A {@code Forwarded} header the client sent is dropped
   * like the other forwarded headers, since the gateway is the edge.
   */
  @Override
  protected void addProxyHeaders(Request request, org.eclipse.jetty.client.Request toTask) {
    String host = request.getHeaders().get(HttpHeader.HOST);
    String remote = Request.getRemoteAddr(request);
    String port = Integer.toString(Request.getLocalPort(request));
    toTask.headers(h -> {
      h.remove(HttpHeader.FORWARDED);
      h.put(HttpHeader.X_FORWARDED_FOR, remote);
      h.put(HttpHeader.X_FORWARDED_PROTO, request.isSecure() ? "https" : "http");
      h.put(HttpHeader.X_FORWARDED_PORT, port);
      if (host != null) {
        h.put(HttpHeader.X_FORWARDED_HOST, host);
      } else {
        h.remove(HttpHeader.X_FORWARDED_HOST);
      }
    });
  }

  @Override
  protected org.eclipse.jetty.client.Request.Content newProxyToServerRequestContent(Request request,
      Response response, org.eclipse.jetty.client.Request toTask) {
    return new ProxyRequestContent(request) {
      @Override
      public Content.Chunk read() {
        Content.Chunk chunk = super.read();
        if (chunk != null && chunk.hasRemaining()) {
          request.setAttribute(BODY_READ, Boolean.TRUE);
        }
        return chunk;
      }

      /**
       * A send that failed before reading any of the body (the task refused the connection) leaves
       * the client's body untouched for the next task; failing it here would fail every retry with
       * this attempt's error.
       */
      @Override
      public void fail(Throwable failure, boolean last) {
        if (request.getAttribute(BODY_READ) != null) {
          super.fail(failure, last);
        }
      }
    };
  }

  @Override
  protected void sendProxyToServerRequest(Request request, org.eclipse.jetty.client.Request toTask, Response response,
                                          Callback callback) {
    String protocol = upgradeProtocol(request);
    if (protocol != null) {
      toTask.attribute(HttpUpgrader.Factory.class.getName(),
          (HttpUpgrader.Factory) version -> new Upgrade(request, response, callback, protocol));
    }
    super.sendProxyToServerRequest(request, toTask, response, callback);
  }

  /** The protocol an HTTP/1.1 request asks to switch to, or null. */
  private static String upgradeProtocol(Request request) {
    HttpFields h = request.getHeaders();
    String upgrade = h.get(HttpHeader.UPGRADE);
    boolean http11 = HttpVersion.HTTP_1_1.is(request.getConnectionMetaData().getProtocol());
    return http11 && upgrade != null && h.contains(HttpHeader.CONNECTION, "upgrade") ? upgrade : null;
  }

  @Override
  protected org.eclipse.jetty.client.Response.CompleteListener newServerToProxyResponseListener(Request request,
      org.eclipse.jetty.client.Request toTask, Response response, Callback callback) {
    return new ProxyResponseListener(request, toTask, response, callback) {
      @Override
      public void onBegin(org.eclipse.jetty.client.Response fromTask) {
        request.setAttribute(ANSWERED, Boolean.TRUE);
        lease(request).reached();
        super.onBegin(fromTask);
      }
    };
  }

  @Override
  protected void onServerToProxyResponseFailure(Request request, org.eclipse.jetty.client.Request toTask,
      org.eclipse.jetty.client.Response fromTask, Response response, Callback callback, Throwable failure) {
    Lease failed = lease(request);
    BackendPool pool = pools.apply(request.getConnectionMetaData().getConnector());
    if (pool == null) {
      // The port closed meanwhile: no task to try again.
      super.onServerToProxyResponseFailure(request, toTask, fromTask, response, callback, failure);
      return;
    }
    boolean refused = isConnectFailure(failure);
    failed.failed(refused ? pool.backoffNanos() : 0);
    String service = pool.route().serviceName();
    metrics.error(service, refused ? Reason.CONNECT_FAILED
        : failure instanceof TimeoutException ? Reason.TIMEOUT : Reason.TASK_FAILED);
    Set<String> tried = tried(request);
    if (retryable(request, response, refused, tried.size())) {
      Optional<Lease> other = pool.acquire(tried);
      if (other.isPresent()) {
        metrics.retried(service);
        LOG.info("{} {} on port {}: task {} at {} failed ({}); once more on task {}", request.getMethod(),
            request.getHttpURI().getPathQuery(), Request.getLocalPort(request), failed.backend().taskName(),
            failed.backend().authority(), failure.toString(), other.get().backend().taskName());
        failed.release();
        tried.add(other.get().backend().taskId());
        request.setAttribute(LEASE, other.get());
        // Nothing reached the client yet: the whole exchange starts again towards another task.
        super.handle(request, response, callback);
        return;
      }
    }
    LOG.warn("{} {} on port {}: task {} at {} failed{}: {}", request.getMethod(), request.getHttpURI().getPathQuery(),
        Request.getLocalPort(request), failed.backend().taskName(), failed.backend().authority(),
        tried.size() > 1 ? " on try " + tried.size() : "", failure.toString());
    super.onServerToProxyResponseFailure(request, toTask, fromTask, response, callback, failure);
  }

  /**
   * Before any part of a response arrived and with the body unread: a refused connection reached no
   * task, so any method goes to another task, up to {@link BackendPool#CONNECT_ATTEMPTS} in all;
   * any other failure is tried once more, for an idempotent method only.
   */
  private static boolean retryable(Request request, Response response, boolean refused, int attempts) {
    if (request.getAttribute(ANSWERED) != null || request.getAttribute(BODY_READ) != null
        || request.getAttribute(UPGRADED) != null || response.isCommitted()) {
      return false;
    }
    return refused ? attempts < BackendPool.CONNECT_ATTEMPTS
        : attempts == 1 && IDEMPOTENT.contains(request.getMethod().toUpperCase(java.util.Locale.ROOT));
  }

  @SuppressWarnings("unchecked")
  private static Set<String> tried(Request request) {
    return (Set<String>) request.getAttribute(TRIED);
  }

  static boolean isConnectFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof NoRouteToHostException
          || (t instanceof SocketTimeoutException && String.valueOf(t.getMessage()).contains("Connect"))) {
        return true;
      }
    }
    return false;
  }

  /** Accepts a 101 for any protocol a proxied request asked for (Jetty's own handler knows only websocket and h2c). */
  private static final class UpgradeAccepting extends UpgradeProtocolHandler {
    @Override
    protected boolean acceptHeaders(org.eclipse.jetty.client.Request request, org.eclipse.jetty.client.Response r) {
      return request.getAttributes().containsKey(HttpUpgrader.Factory.class.getName());
    }
  }

  /**
   * The task switched protocols: its 101 goes to the client, and both connections become one
   * tunnel. The task's side is installed first but reads only once the client's side owns its
   * endpoint, after Jetty wrote the 101, so the task's first bytes cannot overtake the 101.
   */
  private final class Upgrade implements HttpUpgrader {
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final String protocol;

    Upgrade(Request request, Response response, Callback callback, String protocol) {
      this.request = request;
      this.response = response;
      this.callback = callback;
      this.protocol = protocol;
    }

    @Override
    public void prepare(org.eclipse.jetty.client.Request toTask) {
      // ProxyHandler drops hop-by-hop headers; an upgrade needs these two on this hop.
      toTask.headers(h -> {
        h.put(HttpHeader.UPGRADE, protocol);
        h.put(HttpHeader.CONNECTION, "Upgrade");
      });
    }

    @Override
    public void upgrade(org.eclipse.jetty.client.Response fromTask, EndPoint taskEndPoint, Callback upgraded) {
      Lease lease = lease(request);
      request.setAttribute(UPGRADED, Boolean.TRUE);
      long idle = config.idleTimeout().toMillis();
      int size = TcpIngressConnectionFactory.BUFFER_SIZE;
      EndPoint clientEndPoint = request.getConnectionMetaData().getConnection().getEndPoint();
      TunnelConnection task = new TunnelConnection(taskEndPoint, client.getExecutor(), client.getByteBufferPool(),
          size, null, null);
      TunnelConnection[] side = new TunnelConnection[1];
      side[0] = new TunnelConnection(clientEndPoint, client.getExecutor(), client.getByteBufferPool(), size, () -> {
        side[0].start();
        task.start();
      }, lease::release);
      // The HTTP connection this replaces stops being counted when it closes; the tunnel takes its place.
      request.getConnectionMetaData().getConnector().getEventListeners().stream()
          .filter(Connection.Listener.class::isInstance).forEach(side[0]::addEventListener);
      TunnelConnection.pair(side[0], task);
      request.setAttribute(TASK_TUNNEL, task);
      taskEndPoint.setIdleTimeout(idle);
      clientEndPoint.setIdleTimeout(idle);
      taskEndPoint.upgrade(task);
      upgraded.succeeded();

      response.setStatus(HttpStatus.SWITCHING_PROTOCOLS_101);
      fromTask.getHeaders().forEach(f -> response.getHeaders().add(f));
      request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, side[0]);
      callback.succeeded();
    }
  }
}
