package dev.shoal.gateway.ingress;

import dev.shoal.gateway.metrics.IngressMetrics;
import dev.shoal.gateway.metrics.IngressMetrics.Reason;
import java.io.EOFException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's connection to an HTTP published port, relaying its HTTP/1.1 requests one at a time to
 * the port's tasks over pooled keep-alive connections ({@link TaskDialer}, on this connection's own
 * selector: {@link RelayConnector}), with one parse of each message and its bytes copied through,
 * not Jetty's server and client request objects: the reason is CPU ({@code docs/design.md}, Ingress).
 *
 * <p>This class reads each request's head ({@link RelayedRequest}), picks a task and a connection
 * to it, and decides what happens when a try fails and after the answer; the head for the task is
 * written by {@link RequestHeadWriter}, the body copied by {@link RequestBodyPump}, and the answer by
 * {@link ResponsePump}, which learns where it ends from {@link ResponseFraming}. Each read on one side
 * waits until the write of the previous bytes to the other side completed, so a slow reader slows
 * the writer and nothing is buffered beyond one buffer per direction.
 *
 * <p>Balancing, retries and counters are those of {@link HttpIngressHandler}: a task that refuses
 * the connection is passed over and the request offered to another, up to
 * {@link BackendPool#CONNECT_ATTEMPTS} tasks; an idempotent request without a body that failed
 * before any byte of an answer is sent once more (on a new connection when a pooled one turned out
 * closed by its task, else to another task); no task: 503 naming the service.
 *
 * <p>What it does not carry itself — HTTP/1.0, an upgrade (WebSocket), {@code Expect}, a request
 * target other than a path, a transfer coding other than chunked, a malformed or too large head —
 * goes to Jetty's HTTP server and {@link HttpIngressHandler}: the connection is handed over, with
 * the bytes read so far, at the start of that request, and stays there.
 */
final class HttpRelayConnection extends AbstractConnection.NonBlocking implements Connection.UpgradeFrom {
  private static final Logger LOG = LoggerFactory.getLogger(HttpRelayConnection.class);
  static final int BUFFER_SIZE = 16 * 1024;

  private final Connector connector;
  private final BackendPool pool;
  private final TaskDialer tasks;
  private final HttpConnectionFactory fallback;
  private final IngressMetrics metrics;
  private final String localPort;
  private final RelayedRequest request = new RelayedRequest();
  private final HttpParser requestParser;
  private final ResponseFraming framing = new ResponseFraming();
  private final RequestHeadWriter head;
  private final ByteBuffer in;
  private final ByteBuffer out;

  // The request being relayed; touched by one thread at a time (client reads, then the exchange).
  private int requestStart;
  private boolean hasBody;
  private long startNanos;
  private Set<String> tried;
  private volatile RelayAttempt exchange;

  HttpRelayConnection(EndPoint endPoint, Connector connector, BackendPool pool, TaskDialer tasks,
                      HttpConnectionFactory fallback, IngressMetrics metrics) {
    super(endPoint, connector.getExecutor());
    this.connector = connector;
    this.pool = pool;
    this.tasks = tasks;
    this.fallback = fallback;
    this.metrics = metrics;
    SocketAddress remote = endPoint.getRemoteSocketAddress();
    String remoteAddr = remote instanceof InetSocketAddress r && r.getAddress() != null
        ? r.getAddress().getHostAddress() : String.valueOf(remote);
    SocketAddress local = endPoint.getLocalSocketAddress();
    localPort = local instanceof InetSocketAddress l ? Integer.toString(l.getPort()) : "";
    head = new RequestHeadWriter(remoteAddr, localPort);
    int maxHead = fallback.getHttpConfiguration().getRequestHeaderSize();
    HttpCompliance compliance = fallback.getHttpConfiguration().getHttpCompliance();
    requestParser = new HttpParser(request, maxHead, compliance);
    // Plain buffers of this connection's own: a task's late bytes can never land in a buffer reused elsewhere.
    in = BufferUtil.allocateDirect(inputBufferSize(fallback));
    out = BufferUtil.allocateDirect(BUFFER_SIZE);
  }

  /**
   * The size of the buffer a client's bytes are read into: room for the largest head and more.
   * Jetty's connection must take as much when it is handed a connection, or it would silently drop
   * what does not fit ({@link HttpRelayConnectionFactory} sizes it so).
   */
  static int inputBufferSize(HttpConnectionFactory fallback) {
    return Math.max(BUFFER_SIZE, fallback.getHttpConfiguration().getRequestHeaderSize() + 1024);
  }

  @Override
  public void onOpen() {
    super.onOpen();
    fillInterested();
  }

  /** The client sent bytes of a request head (a body is read by {@link RequestBodyPump}). */
  @Override
  public void onFillable() {
    try {
      while (true) {
        if (in.hasRemaining()) {
          requestParser.parseNext(in);
          if (request.bad()) {
            refuse(request.badCode());
            return;
          }
          if (request.headComplete()) {
            onHead();
            return;
          }
        }
        if (in.limit() == in.capacity()) {
          // Not reached while the buffer is larger than the parser's limit, which answers 431 first.
          refuse(431);
          return;
        }
        int n = getEndPoint().fill(in);
        if (n == 0) {
          fillInterested();
          return;
        }
        if (n < 0) {
          // Between requests, or within a head that will never end: nothing to answer.
          getEndPoint().close();
          return;
        }
      }
    } catch (Throwable x) {
      LOG.debug("reading a request head failed", x);
      getEndPoint().close(x);
    }
  }

  private void onHead() {
    if (!request.relayable()) {
      handOverToJetty();
      return;
    }
    startNanos = System.nanoTime();
    hasBody = requestParser.isChunking() || requestParser.getContentLength() > 0;
    if (pool == null) {
      // The port closed between accepting and now: no service to name, or to meter.
      local(503, "no service (published port " + localPort + ")\n", null);
      return;
    }
    String service = pool.route().serviceName();
    Optional<Lease> lease = pool.acquire(Set.of());
    if (lease.isEmpty()) {
      metrics.error(service, Reason.NO_TASK);
      local(503, "no running task of service " + service + " (published port " + localPort + ")\n", service);
      return;
    }
    tried = null;
    start(new RelayAttempt(lease.get(), false, 1));
  }

  /** Sends the request to the attempt's task, on a pooled connection unless {@code fresh}. */
  private void start(RelayAttempt a) {
    exchange = a;
    Backend b = a.backend();
    // A request that cannot be sent twice is not risked on a connection the task closed a moment ago
    // (it stopped, or its idle timeout fired) before the selector has told the pool.
    boolean resendable = !hasBody && request.idempotent();
    TaskConnection pooled = a.fresh ? null : tasks.idle().take(b, !resendable);
    if (pooled != null) {
      a.reused = true;
      begin(a, pooled);
      return;
    }
    tasks.dial(b, new Promise<>() {
      @Override
      public void succeeded(TaskConnection c) {
        a.lease.reached();
        begin(a, c);
      }

      @Override
      public void failed(Throwable cause) {
        connectFailed(a, cause);
      }
    });
  }

  private void begin(RelayAttempt a, TaskConnection task) {
    a.task = task;
    if (exchange != a || !getEndPoint().isOpen()) {
      task.getEndPoint().close();
      return;
    }
    framing.begin(a, request.isHead());
    BufferUtil.clear(out);
    a.response = new ResponsePump(this, a, framing, request.isHead(), out);
    task.getEndPoint().write(Buffers.nonBlocking(() -> headSent(a), x -> failed(a, x)), head.write(request));
    a.response.iterate();
  }

  private void headSent(RelayAttempt a) {
    if (hasBody && !request.complete()) {
      new RequestBodyPump(this, a, request, requestParser, in).iterate();
    } else {
      requestSent(a);
    }
  }

  private void connectFailed(RelayAttempt a, Throwable cause) {
    String service = pool.route().serviceName();
    a.lease.failed(pool.backoffNanos());
    a.lease.release();
    a.end();
    metrics.error(service, Reason.CONNECT_FAILED);
    if (exchange != a || !getEndPoint().isOpen()) {
      return;
    }
    Set<String> t = tried();
    t.add(a.backend().taskId());
    if (t.size() < BackendPool.CONNECT_ATTEMPTS) {
      Optional<Lease> other = pool.acquire(t);
      if (other.isPresent()) {
        metrics.retried(service);
        LOG.info("{} {} on port {}: task {} at {} refused ({}); on to task {}", request.method(), request.uri(),
            localPort, a.backend().taskName(), a.backend().authority(), cause.toString(),
            other.get().backend().taskName());
        start(new RelayAttempt(other.get(), false, a.number + 1));
        return;
      }
    }
    LOG.warn("{} {} on port {}: task {} at {} refused{}: {}", request.method(), request.uri(), localPort,
        a.backend().taskName(), a.backend().authority(), t.size() > 1 ? " on try " + t.size() : "",
        cause.toString());
    local(502, "", service);
  }

  private Set<String> tried() {
    if (tried == null) {
      tried = new HashSet<>(4);
    }
    return tried;
  }

  /** The whole request went to the task (called by the head's write or {@link RequestBodyPump}). */
  void requestSent(RelayAttempt a) {
    if (a.requestWritten()) {
      finish(a);
    }
  }

  /** The whole answer went to the client (called by {@link ResponsePump}). */
  void responseDone(RelayAttempt a) {
    if (a.answerRelayed()) {
      finish(a);
    } else if (hasBody && !request.complete()) {
      // The task answered before the whole body arrived: the rest of the body cannot be told from a
      // next request, so both connections end with this answer.
      a.keepClient = false;
      finish(a);
    }
    // else the last write to the task is completing: requestSent finishes.
  }

  /** The task answered completely; the request is done, and the connection goes on or closes. */
  private void finish(RelayAttempt a) {
    if (!a.end()) {
      return;
    }
    a.lease.release();
    metrics.request(pool.route().serviceName(), a.status, System.nanoTime() - startNanos);
    boolean taskReusable = a.requestSent && !a.closeDelimited && !a.taskCloses && !out.hasRemaining();
    if (taskReusable) {
      tasks.idle().offer(a.task);
    } else {
      a.task.getEndPoint().close();
    }
    exchange = null;
    if (!a.keepClient || !a.requestSent || request.closeRequested() || a.closeDelimited || a.taskCloses) {
      getEndPoint().close();
      return;
    }
    nextRequest();
  }

  /**
   * The attempt failed (called by the pumps, a write, or the client's close): retried when nothing
   * reached the client and it is safe, else 502/504 or the connection cut.
   */
  void failed(RelayAttempt a, Throwable x) {
    if (!a.end()) {
      return;
    }
    String service = pool.route().serviceName();
    if (a.task != null) {
      a.task.getEndPoint().close(x);
    }
    boolean timeout = isTimeout(x);
    if (!a.reused || a.answered) {
      a.lease.failed(0);
      metrics.error(service, timeout ? Reason.TIMEOUT : Reason.TASK_FAILED);
    }
    a.lease.release();
    if (exchange != a || !getEndPoint().isOpen()) {
      LOG.debug("{} {} on port {}: the client went away: {}", request.method(), request.uri(), localPort,
          x.toString());
      return;
    }
    if (a.answered) {
      // Part of the answer went out: the client can only see it cut short.
      metrics.request(service, a.status, System.nanoTime() - startNanos);
      LOG.warn("{} {} on port {}: task {} at {} failed mid-answer: {}", request.method(), request.uri(), localPort,
          a.backend().taskName(), a.backend().authority(), x.toString());
      getEndPoint().close(x);
      return;
    }
    if (!hasBody && !a.bodySent && !a.retried && request.idempotent() && retry(a, x, service)) {
      return;
    }
    LOG.warn("{} {} on port {}: task {} at {} failed: {}", request.method(), request.uri(), localPort,
        a.backend().taskName(), a.backend().authority(), x.toString());
    if (a.reused) {
      // Not counted above in case a retry would serve it; it did not.
      a.lease.failed(0);
      metrics.error(service, timeout ? Reason.TIMEOUT : Reason.TASK_FAILED);
    }
    local(timeout ? 504 : 502, "", service);
  }

  /** Sends a failed idempotent request once more, if a task can take it; false if none can. */
  private boolean retry(RelayAttempt a, Throwable x, String service) {
    Optional<Lease> other;
    if (a.reused) {
      // Most likely a keep-alive connection the task had just closed: any task, on a new connection.
      other = pool.acquire(Set.of());
    } else {
      Set<String> t = tried();
      t.add(a.backend().taskId());
      other = pool.acquire(t);
    }
    if (other.isEmpty()) {
      return false;
    }
    metrics.retried(service);
    if (a.reused) {
      LOG.debug("{} {} on port {}: a kept-alive connection to task {} at {} failed ({}); again on a new one to"
          + " task {}", request.method(), request.uri(), localPort, a.backend().taskName(), a.backend().authority(),
          x.toString(), other.get().backend().taskName());
    } else {
      LOG.info("{} {} on port {}: task {} at {} failed ({}); once more on task {}", request.method(), request.uri(),
          localPort, a.backend().taskName(), a.backend().authority(), x.toString(), other.get().backend().taskName());
    }
    RelayAttempt next = new RelayAttempt(other.get(), true, a.number + 1);
    next.retried = true;
    start(next);
    return true;
  }

  private static boolean isTimeout(Throwable x) {
    for (Throwable t = x; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** Answers the request here (503 without task, 502/504 after a failure), then goes on or closes. */
  private void local(int status, String body, String service) {
    exchange = null;
    // A body not read cannot be told from a next request: close after the answer.
    boolean close = request.closeRequested() || (hasBody && !request.complete());
    getEndPoint().write(Buffers.nonBlocking(() -> {
      if (service != null) {
        metrics.request(service, status, System.nanoTime() - startNanos);
      }
      if (close) {
        getEndPoint().close();
      } else {
        nextRequest();
      }
    }, x -> getEndPoint().close(x)), GatewayAnswer.of(status, body, close));
  }

  private void nextRequest() {
    requestParser.reset();
    request.reset();
    hasBody = false;
    if (in.hasRemaining()) {
      in.compact().flip();
      requestStart = 0;
      // Pipelined: the next request is here already; go on from a fresh stack.
      getExecutor().execute(this::onFillable);
    } else {
      BufferUtil.clear(in);
      requestStart = 0;
      fillInterested();
    }
  }

  /** Answers a request the parser refused and closes the connection; such a request reaches no service. */
  private void refuse(int status) {
    getEndPoint().write(Buffers.nonBlocking(() -> getEndPoint().close(), x -> getEndPoint().close(x)),
        GatewayAnswer.refusal(status));
  }

  /** Gives this connection, from the start of the current request, to Jetty's HTTP server. */
  private void handOverToJetty() {
    in.position(requestStart);
    Connection http = fallback.newConnection(connector, getEndPoint());
    getEndPoint().upgrade(http);
  }

  @Override
  public ByteBuffer onUpgradeFrom() {
    if (!in.hasRemaining()) {
      return null;
    }
    ByteBuffer copy = BufferUtil.allocate(in.remaining());
    BufferUtil.append(copy, in);
    return copy;
  }

  @Override
  public void onClose(Throwable cause) {
    super.onClose(cause);
    RelayAttempt a = exchange;
    if (a != null) {
      failed(a, cause != null ? cause : new EOFException("client connection closed"));
    }
  }
}
