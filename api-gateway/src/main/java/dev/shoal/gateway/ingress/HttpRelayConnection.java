package dev.shoal.gateway.ingress;

import dev.shoal.gateway.metrics.IngressMetrics;
import dev.shoal.gateway.metrics.IngressMetrics.Reason;
import java.io.EOFException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ClientConnectionFactory;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;
import org.eclipse.jetty.util.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's connection to an HTTP published port, relaying its HTTP/1.1 requests one at a time to
 * the port's tasks over pooled keep-alive connections ({@link TaskConnectionPool}), with one parse
 * of each message and its bytes copied through, not Jetty's server and client request objects: the
 * reason is CPU ({@code docs/design.md}, Ingress).
 *
 * <p>The request's head is parsed ({@link HttpParser}) and written anew for the task: hop-by-hop
 * headers dropped, {@code X-Forwarded-For/-Proto/-Host/-Port} set from this connection (values the
 * client sent, and its {@code Forwarded}, are dropped: the gateway is the edge). The body and the
 * whole response are passed through as they came, framing included (Content-Length, chunked, or the
 * end of the task's connection, after which the client's connection is closed too); the parsers
 * only find where each message ends. Each read on one side waits until the write of the previous
 * bytes to the other side completed, so a slow reader slows the writer and nothing is buffered
 * beyond one buffer per direction.
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
  /** Largest head of a task's response. */
  private static final int MAX_RESPONSE_HEAD = 64 * 1024;
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

  private final Connector connector;
  private final BackendPool pool;
  private final ClientConnector client;
  private final TaskConnectionPool taskConnections;
  private final HttpConnectionFactory fallback;
  private final IngressConfig config;
  private final IngressMetrics metrics;
  private final String remoteAddr;
  private final String localPort;
  private final HttpParser requestParser;
  /** Replaced after it saw an end of stream: a closed parser cannot be reset. */
  private HttpParser responseParser;
  private final ByteBuffer in;
  private final ByteBuffer out;
  private final HeadWriter head = new HeadWriter();

  // The request being read or relayed; touched by one thread at a time (client reads, then the exchange).
  private String method;
  private String uri;
  private HttpVersion version;
  private final List<HttpField> fields = new ArrayList<>();
  private String host;
  /** Header names the client's Connection header made hop-by-hop, besides close and keep-alive; usually null. */
  private String connectionTokens;
  private boolean needsJetty;
  private boolean headComplete;
  private volatile boolean requestComplete;
  private boolean badRequest;
  private int badRequestCode;
  private int requestStart;
  private boolean hasBody;
  private boolean closeRequested;
  private long startNanos;
  private Set<String> tried;
  private volatile Attempt exchange;

  HttpRelayConnection(EndPoint endPoint, Connector connector, BackendPool pool, ClientConnector client,
                      TaskConnectionPool taskConnections, HttpConnectionFactory fallback, IngressConfig config,
                      IngressMetrics metrics) {
    super(endPoint, connector.getExecutor());
    this.connector = connector;
    this.pool = pool;
    this.client = client;
    this.taskConnections = taskConnections;
    this.fallback = fallback;
    this.config = config;
    this.metrics = metrics;
    SocketAddress remote = endPoint.getRemoteSocketAddress();
    remoteAddr = remote instanceof InetSocketAddress r && r.getAddress() != null ? r.getAddress().getHostAddress()
        : String.valueOf(remote);
    SocketAddress local = endPoint.getLocalSocketAddress();
    localPort = local instanceof InetSocketAddress l ? Integer.toString(l.getPort()) : "";
    int maxHead = fallback.getHttpConfiguration().getRequestHeaderSize();
    HttpCompliance compliance = fallback.getHttpConfiguration().getHttpCompliance();
    requestParser = new HttpParser(new RequestHead(), maxHead, compliance);
    responseParser = newResponseParser();
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

  private HttpParser newResponseParser() {
    return new HttpParser(new ResponseHead(), MAX_RESPONSE_HEAD, HttpCompliance.RFC9110);
  }

  @Override
  public void onOpen() {
    super.onOpen();
    fillInterested();
  }

  /** The client sent bytes of a request head (a body is read by {@link BodyPump}). */
  @Override
  public void onFillable() {
    try {
      while (true) {
        if (in.hasRemaining()) {
          requestParser.parseNext(in);
          if (badRequest) {
            refuse(badRequestCode);
            return;
          }
          if (headComplete) {
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
    if (needsJetty || version != HttpVersion.HTTP_1_1 || uri.isEmpty() || uri.charAt(0) != '/') {
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
    head.request(method, uri, fields, connectionTokens, remoteAddr, localPort, host);
    tried = null;
    start(new Attempt(lease.get(), false, 1));
  }

  /** Sends the request to the attempt's task, on a pooled connection unless {@code fresh}. */
  private void start(Attempt a) {
    exchange = a;
    Backend b = a.lease.backend();
    String key = b.taskId() + '@' + b.authority();
    TaskConnection pooled = a.fresh ? null : taskConnections.take(key);
    if (pooled != null) {
      a.reused = true;
      begin(a, pooled);
      return;
    }
    Map<String, Object> context = new HashMap<>(4);
    context.put(Transport.CONTEXT_KEY, Transport.TCP_IP);
    context.put(ClientConnectionFactory.CONTEXT_KEY, (ClientConnectionFactory) (ep, ctx) -> {
      ep.setIdleTimeout(config.httpIdleTimeout().toMillis());
      return new TaskConnection(ep, client.getExecutor(), taskConnections, key);
    });
    context.put(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY, new Promise<Connection>() {
      @Override
      public void succeeded(Connection c) {
        a.lease.reached();
        begin(a, (TaskConnection) c);
      }

      @Override
      public void failed(Throwable cause) {
        connectFailed(a, cause);
      }
    });
    client.connect(b.address(), context);
  }

  private void begin(Attempt a, TaskConnection task) {
    a.task = task;
    if (exchange != a || !getEndPoint().isOpen()) {
      task.getEndPoint().close();
      return;
    }
    if (responseParser.isClosed() || responseParser.isAtEOF()) {
      responseParser = newResponseParser();
    }
    responseParser.reset();
    responseParser.setHeadResponse("HEAD".equals(method));
    BufferUtil.clear(out);
    task.getEndPoint().write(nonBlocking(() -> headSent(a), x -> failed(a, x)), head.buffer());
    a.response.iterate();
  }

  private void headSent(Attempt a) {
    if (hasBody && !requestComplete) {
      new BodyPump(a).iterate();
    } else {
      requestSent(a);
    }
  }

  private void connectFailed(Attempt a, Throwable cause) {
    String service = pool.route().serviceName();
    a.lease.failed(pool.backoffNanos());
    a.lease.release();
    a.finished = true;
    metrics.error(service, Reason.CONNECT_FAILED);
    if (exchange != a || !getEndPoint().isOpen()) {
      return;
    }
    Set<String> t = tried();
    t.add(a.lease.backend().taskId());
    if (t.size() < BackendPool.CONNECT_ATTEMPTS) {
      Optional<Lease> other = pool.acquire(t);
      if (other.isPresent()) {
        metrics.retried(service);
        LOG.info("{} {} on port {}: task {} at {} refused ({}); on to task {}", method, uri, localPort,
            a.lease.backend().taskName(), a.lease.backend().authority(), cause.toString(),
            other.get().backend().taskName());
        start(new Attempt(other.get(), false, a.number + 1));
        return;
      }
    }
    LOG.warn("{} {} on port {}: task {} at {} refused{}: {}", method, uri, localPort, a.lease.backend().taskName(),
        a.lease.backend().authority(), t.size() > 1 ? " on try " + t.size() : "", cause.toString());
    local(502, "", service);
  }

  private Set<String> tried() {
    if (tried == null) {
      tried = new HashSet<>(4);
    }
    return tried;
  }

  private void requestSent(Attempt a) {
    boolean done;
    synchronized (a) {
      a.requestSent = true;
      done = a.responseDone;
    }
    if (done) {
      finish(a);
    }
  }

  private void responseDone(Attempt a) {
    boolean done;
    synchronized (a) {
      a.responseDone = true;
      done = a.requestSent;
    }
    if (done) {
      finish(a);
    } else if (hasBody && !requestComplete) {
      // The task answered before the whole body arrived: the rest of the body cannot be told from a
      // next request, so both connections end with this answer.
      a.keepClient = false;
      finish(a);
    }
    // else the last write to the task is completing: requestSent finishes.
  }

  /** The task answered completely; the request is done, and the connection goes on or closes. */
  private void finish(Attempt a) {
    synchronized (a) {
      if (a.finished) {
        return;
      }
      a.finished = true;
    }
    a.lease.release();
    metrics.request(pool.route().serviceName(), a.status, System.nanoTime() - startNanos);
    boolean taskReusable = a.requestSent && !a.closeDelimited && !a.taskCloses && !out.hasRemaining();
    if (taskReusable) {
      taskConnections.offer(a.task);
    } else {
      a.task.getEndPoint().close();
    }
    exchange = null;
    if (!a.keepClient || !a.requestSent || closeRequested || a.closeDelimited || a.taskCloses) {
      getEndPoint().close();
      return;
    }
    nextRequest();
  }

  /** The attempt failed: retried when nothing reached the client and it is safe, else 502/504 or the connection cut. */
  private void failed(Attempt a, Throwable x) {
    synchronized (a) {
      if (a.finished) {
        return;
      }
      a.finished = true;
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
      LOG.debug("{} {} on port {}: the client went away: {}", method, uri, localPort, x.toString());
      return;
    }
    if (a.answered) {
      // Part of the answer went out: the client can only see it cut short.
      metrics.request(service, a.status, System.nanoTime() - startNanos);
      LOG.warn("{} {} on port {}: task {} at {} failed mid-answer: {}", method, uri, localPort,
          a.lease.backend().taskName(), a.lease.backend().authority(), x.toString());
      getEndPoint().close(x);
      return;
    }
    boolean retryable = !hasBody && !a.bodySent && IDEMPOTENT.contains(method.toUpperCase(Locale.ROOT))
        && !a.retried;
    if (retryable) {
      Optional<Lease> other;
      Set<String> t = tried();
      if (a.reused) {
        // Most likely a keep-alive connection the task had just closed: any task, on a new connection.
        other = pool.acquire(Set.of());
      } else {
        t.add(a.lease.backend().taskId());
        other = pool.acquire(t);
      }
      if (other.isPresent()) {
        metrics.retried(service);
        if (a.reused) {
          LOG.debug("{} {} on port {}: a kept-alive connection to task {} at {} failed ({}); again on a new one to"
              + " task {}", method, uri, localPort, a.lease.backend().taskName(), a.lease.backend().authority(),
              x.toString(), other.get().backend().taskName());
        } else {
          LOG.info("{} {} on port {}: task {} at {} failed ({}); once more on task {}", method, uri, localPort,
              a.lease.backend().taskName(), a.lease.backend().authority(), x.toString(),
              other.get().backend().taskName());
        }
        Attempt next = new Attempt(other.get(), true, a.number + 1);
        next.retried = true;
        start(next);
        return;
      }
    }
    LOG.warn("{} {} on port {}: task {} at {} failed: {}", method, uri, localPort, a.lease.backend().taskName(),
        a.lease.backend().authority(), x.toString());
    if (a.reused) {
      // Not counted above in case a retry would serve it; it did not.
      a.lease.failed(0);
      metrics.error(service, timeout ? Reason.TIMEOUT : Reason.TASK_FAILED);
    }
    local(timeout ? 504 : 502, "", service);
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
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    // A body not read cannot be told from a next request: close after the answer.
    boolean close = closeRequested || (hasBody && !requestComplete);
    String reason = switch (status) {
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "Error";
    };
    String headText = "HTTP/1.1 " + status + " " + reason + "\r\n"
        + (bytes.length > 0 ? "Content-Type: text/plain;charset=utf-8\r\n" : "")
        + "Content-Length: " + bytes.length + "\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n";
    ByteBuffer answer = ByteBuffer.allocate(headText.length() + bytes.length);
    answer.put(headText.getBytes(StandardCharsets.ISO_8859_1)).put(bytes).flip();
    getEndPoint().write(nonBlocking(() -> {
      if (service != null) {
        metrics.request(service, status, System.nanoTime() - startNanos);
      }
      if (close) {
        getEndPoint().close();
      } else {
        nextRequest();
      }
    }, x -> getEndPoint().close(x)), answer);
  }

  private void nextRequest() {
    requestParser.reset();
    method = null;
    uri = null;
    version = null;
    fields.clear();
    host = null;
    connectionTokens = null;
    needsJetty = false;
    headComplete = false;
    requestComplete = false;
    badRequest = false;
    hasBody = false;
    closeRequested = false;
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

  /**
   * Answers a request the parser refused (431 for a head over the limit, 400 for a malformed one)
   * and closes the connection, as Jetty's HTTP server does; such a request reaches no service.
   */
  private void refuse(int status) {
    int code = status >= 400 && status < 500 ? status : 400;
    String reason = code == 431 ? "Request Header Fields Too Large" : "Bad Request";
    ByteBuffer answer = ByteBuffer.wrap(("HTTP/1.1 " + code + " " + reason
        + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    getEndPoint().write(nonBlocking(() -> getEndPoint().close(), x -> getEndPoint().close(x)), answer);
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
    Attempt a = exchange;
    if (a != null) {
      failed(a, cause != null ? cause : new EOFException("client connection closed"));
    }
  }

  private static Callback nonBlocking(Runnable ok, java.util.function.Consumer<Throwable> ko) {
    return new Callback() {
      @Override
      public void succeeded() {
        ok.run();
      }

      @Override
      public void failed(Throwable x) {
        ko.accept(x);
      }

      @Override
      public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
      }
    };
  }

  /** One try of the current request on one task. */
  private final class Attempt {
    final Lease lease;
    final boolean fresh;
    final int number;
    final ResponsePump response = new ResponsePump(this);
    TaskConnection task;
    boolean reused;
    boolean retried;
    volatile boolean answered;
    volatile boolean bodySent;
    boolean requestSent;
    boolean responseDone;
    boolean finished;
    boolean keepClient = true;
    int status = 502;
    boolean taskCloses;
    boolean closeDelimited;
    boolean interim;
    volatile boolean headSeen;

    Attempt(Lease lease, boolean fresh, int number) {
      this.lease = lease;
      this.fresh = fresh;
      this.number = number;
    }
  }

  /** The request's body, client to task, as it came: read a buffer, write it, read on once written. */
  private final class BodyPump extends IteratingCallback {
    private final Attempt a;

    BodyPump(Attempt a) {
      this.a = a;
    }

    @Override
    protected Action process() throws Throwable {
      while (true) {
        if (a.finished || requestComplete) {
          return Action.SUCCEEDED;
        }
        if (in.hasRemaining()) {
          int from = in.position();
          requestParser.parseNext(in);
          if (badRequest) {
            throw new HttpException.RuntimeException(400, "bad request body");
          }
          if (in.position() > from) {
            a.bodySent = true;
            a.task.getEndPoint().write(this, slice(in, from, in.position()));
            return Action.SCHEDULED;
          }
          if (requestComplete) {
            return Action.SUCCEEDED;
          }
        }
        BufferUtil.clear(in);
        int n = getEndPoint().fill(in);
        if (n == 0) {
          fillInterested(this);
          return Action.SCHEDULED;
        }
        if (n < 0) {
          throw new EOFException("the client closed its connection mid-body");
        }
      }
    }

    @Override
    protected void onCompleteSuccess() {
      requestSent(a);
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
      HttpRelayConnection.this.failed(a, cause);
    }

    @Override
    public InvocationType getInvocationType() {
      return InvocationType.NON_BLOCKING;
    }
  }

  /** The task's answer, task to client, as it came, until the response parser sees its end. */
  private final class ResponsePump extends IteratingCallback {
    private final Attempt a;
    private boolean lastWritten;
    private boolean waited;

    ResponsePump(Attempt a) {
      this.a = a;
    }

    @Override
    protected Action process() throws Throwable {
      if (!waited) {
        // Just after the head was sent nothing can be there yet: wait for the answer rather than try a read.
        waited = true;
        a.task.awaitReadable(this);
        return Action.SCHEDULED;
      }
      while (true) {
        if (lastWritten) {
          return Action.SUCCEEDED;
        }
        if (a.finished) {
          return Action.SUCCEEDED;
        }
        if (out.hasRemaining()) {
          int from = out.position();
          boolean complete = responseParser.parseNext(out);
          if (badResponse != null) {
            HttpException x = badResponse;
            badResponse = null;
            throw new java.io.IOException("bad response from task: " + x);
          }
          if (complete && a.interim) {
            // 1xx before the answer: passed on, and the answer follows.
            a.interim = false;
            complete = false;
            responseParser.reset();
            responseParser.setHeadResponse("HEAD".equals(method));
          }
          if (out.position() > from) {
            a.answered = true;
            lastWritten = complete;
            getEndPoint().write(this, slice(out, from, out.position()));
            return Action.SCHEDULED;
          }
          if (complete) {
            return Action.SUCCEEDED;
          }
        }
        BufferUtil.clear(out);
        int n = a.task.getEndPoint().fill(out);
        if (n == 0) {
          a.task.awaitReadable(this);
          return Action.SCHEDULED;
        }
        if (n < 0) {
          responseParser.atEOF();
          // An answer without length ends with the connection; no answer at all is a failure.
          if (a.headSeen && (responseParser.parseNext(out) || responseParser.isComplete())) {
            a.closeDelimited = true;
            return Action.SUCCEEDED;
          }
          throw new EOFException("the task closed its connection " + (a.answered ? "mid-answer" : "before answering"));
        }
      }
    }

    @Override
    protected void onCompleteSuccess() {
      responseDone(a);
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
      HttpRelayConnection.this.failed(a, cause);
    }

    @Override
    public InvocationType getInvocationType() {
      return InvocationType.NON_BLOCKING;
    }
  }

  private static ByteBuffer slice(ByteBuffer b, int from, int to) {
    ByteBuffer s = b.duplicate();
    s.limit(to);
    s.position(from);
    return s;
  }

  private volatile HttpException badResponse;

  private final class RequestHead implements HttpParser.RequestHandler {
    @Override
    public void startRequest(String m, String u, HttpVersion v) {
      method = m;
      uri = u;
      version = v;
    }

    @Override
    public void parsedHeader(HttpField field) {
      HttpHeader h = field.getHeader();
      if (h == null) {
        fields.add(field);
        return;
      }
      switch (h) {
        case HOST -> {
          host = field.getValue();
          fields.add(field);
        }
        case CONNECTION -> {
          for (String token : field.getValue().split(",")) {
            String t = token.trim();
            if (t.equalsIgnoreCase("close")) {
              closeRequested = true;
            } else if (t.equalsIgnoreCase("upgrade")) {
              // the Upgrade header decides (below)
            } else if (!t.equalsIgnoreCase("keep-alive") && !t.isEmpty()) {
              connectionTokens = connectionTokens == null ? t : connectionTokens + "," + t;
            }
          }
        }
        case UPGRADE -> {
          // An h2c upgrade (Java's HttpClient asks on every new connection) may be ignored, as nginx
          // and Jetty's HTTP/1.1 server do; any other goes to Jetty, which tunnels it (WebSocket).
          if (!"h2c".equalsIgnoreCase(field.getValue().trim())) {
            needsJetty = true;
          }
        }
        case EXPECT -> needsJetty = true;
        case TRANSFER_ENCODING -> {
          if (!"chunked".equalsIgnoreCase(field.getValue().trim())) {
            needsJetty = true;
          }
          fields.add(field);
        }
        case KEEP_ALIVE, PROXY_CONNECTION, TE, FORWARDED, X_FORWARDED_FOR, X_FORWARDED_PROTO, X_FORWARDED_HOST,
             X_FORWARDED_PORT, X_FORWARDED_SERVER -> {
          // hop-by-hop, or set by the gateway
        }
        default -> fields.add(field);
      }
    }

    @Override
    public boolean headerComplete() {
      headComplete = true;
      return true;
    }

    @Override
    public boolean content(ByteBuffer content) {
      return false;
    }

    @Override
    public boolean contentComplete() {
      return false;
    }

    @Override
    public boolean messageComplete() {
      requestComplete = true;
      return true;
    }

    @Override
    public void earlyEOF() {
      badRequest = true;
    }

    @Override
    public void badMessage(HttpException failure) {
      badRequest = true;
      badRequestCode = failure.getCode();
    }
  }

  private final class ResponseHead implements HttpParser.ResponseHandler {
    @Override
    public void startResponse(HttpVersion v, int status, String reason) {
      Attempt a = exchange;
      if (a != null) {
        a.headSeen = true;
        a.status = status;
        a.interim = status >= 100 && status < 200;
        if (status == 101) {
          badResponse = new HttpException.RuntimeException(502, "101 without an upgrade asked");
        }
        if (v != HttpVersion.HTTP_1_1) {
          a.taskCloses = true;
        }
      }
    }

    @Override
    public void parsedHeader(HttpField field) {
      if (field.getHeader() == HttpHeader.CONNECTION && field.contains("close")) {
        Attempt a = exchange;
        if (a != null) {
          a.taskCloses = true;
        }
      }
    }

    @Override
    public boolean headerComplete() {
      return false;
    }

    @Override
    public boolean content(ByteBuffer content) {
      return false;
    }

    @Override
    public boolean contentComplete() {
      return false;
    }

    @Override
    public boolean messageComplete() {
      return true;
    }

    @Override
    public void earlyEOF() {
      // reported by the pump as a failure
    }

    @Override
    public void badMessage(HttpException failure) {
      badResponse = failure;
    }
  }

  /** The request head for the task, in a buffer of this connection reused request after request. */
  private static final class HeadWriter {
    private byte[] bytes = new byte[1024];
    private int length;
    /** What goes to the socket: a heap buffer would be copied into a JDK temporary direct one anyway. */
    private ByteBuffer direct = ByteBuffer.allocateDirect(1024);

    void request(String method, String uri, List<HttpField> fields, String connectionTokens, String remote,
                 String port, String host) {
      length = 0;
      ascii(method).ascii(" ").ascii(uri).ascii(" HTTP/1.1\r\n");
      for (HttpField f : fields) {
        if (connectionTokens != null && namedIn(connectionTokens, f.getName())) {
          continue; // hop-by-hop, by the client's own Connection header
        }
        ascii(f.getName()).ascii(": ").ascii(f.getValue()).ascii("\r\n");
      }
      ascii("X-Forwarded-For: ").ascii(remote).ascii("\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Port: ")
          .ascii(port).ascii("\r\n");
      if (host != null) {
        ascii("X-Forwarded-Host: ").ascii(host).ascii("\r\n");
      }
      ascii("\r\n");
    }

    private static boolean namedIn(String tokens, String name) {
      for (String t : tokens.split(",")) {
        if (t.trim().equalsIgnoreCase(name)) {
          return true;
        }
      }
      return false;
    }

    ByteBuffer buffer() {
      if (direct.capacity() < length) {
        direct = ByteBuffer.allocateDirect(Math.max(direct.capacity() * 2, length));
      }
      direct.clear();
      direct.put(bytes, 0, length).flip();
      // A view of its own per attempt: a retry's write never moves an earlier attempt's position.
      return direct.duplicate();
    }

    private HeadWriter ascii(String s) {
      int n = s.length();
      for (int i = 0; i < n; i++) {
        if (s.charAt(i) > 0xFF) {
          return raw(s.getBytes(StandardCharsets.UTF_8));
        }
      }
      ensure(n);
      for (int i = 0; i < n; i++) {
        bytes[length++] = (byte) s.charAt(i);
      }
      return this;
    }

    private HeadWriter raw(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, bytes, length, b.length);
      length += b.length;
      return this;
    }

    private void ensure(int more) {
      if (length + more > bytes.length) {
        bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
      }
    }
  }
}
