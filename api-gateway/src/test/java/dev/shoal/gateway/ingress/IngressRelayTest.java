package dev.shoal.gateway.ingress;

import static dev.shoal.gateway.ingress.IngressFixtures.closedPort;
import static dev.shoal.gateway.ingress.IngressFixtures.httpService;
import static dev.shoal.gateway.ingress.IngressFixtures.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.shoal.gateway.ingress.RawHttp.Client;
import dev.shoal.gateway.ingress.RawHttp.Response;
import dev.shoal.gateway.ingress.RawHttp.ScriptedTask;
import dev.shoal.schemas.Service;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP framing through the ingress's relay ({@link HttpRelayConnection}), byte for byte: bodies of
 * every framing and size, bodiless answers, keep-alive on both sides, pipelining, a task closing a
 * kept-alive connection, HTTP/1.0 and oversized heads (handed to Jetty), back-pressure.
 */
class IngressRelayTest {
  private final IngressFixtures.Source source = new IngressFixtures.Source();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private IngressServer ingress;
  private int port;

  @BeforeEach
  void start() throws Exception {
    ingress = new IngressServer(IngressConfig.defaults(), source).start();
  }

  @AfterEach
  void stop() throws Exception {
    ingress.close();
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  /** Publishes a port (chosen now, after the tasks bound theirs, so none of them holds it) for these tasks. */
  private void publish(int... taskPorts) throws Exception {
    port = closedPort();
    Service web = httpService("web", port);
    source.put(web);
    for (int i = 0; i < taskPorts.length; i++) {
      source.put(running(web, i + 1, taskPorts[i]));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.boundPort(port) == port
        && ingress.view().get(0).tasks().size() == taskPorts.length
        && ingress.view().get(0).tasks().stream().allMatch(t -> t.state().equals("serving")));
  }

  private ScriptedTask scripted(java.util.function.BiFunction<String, Integer, String> script) throws Exception {
    ScriptedTask t = new ScriptedTask(script);
    closing.add(t);
    return t;
  }

  private static String path(String head) {
    return head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
  }

  private static String ok(String body) {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
  }

  /** A JDK server echoing request bodies with a chunked answer, saying how the request was framed. */
  private HttpServer echoTask() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/echo", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String te = exchange.getRequestHeaders().getFirst("Transfer-Encoding");
      exchange.getResponseHeaders().add("Seen-Framing", te != null ? te : "length");
      exchange.sendResponseHeaders(200, 0); // 0: chunked
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    closing.add(() -> server.stop(0));
    return server;
  }

  @Test
  void chunkedAndSizedBodiesOfAnySizePassWholeBothWays() throws Exception {
    publish(echoTask().getAddress().getPort());
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    byte[] big = new byte[5 * 1024 * 1024 + 7];
    new Random(11).nextBytes(big);
    URI echo = URI.create("http://127.0.0.1:" + port + "/echo");

    HttpResponse<byte[]> sized = client.send(HttpRequest.newBuilder(echo)
        .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(sized.statusCode()).isEqualTo(200);
    assertThat(sized.headers().firstValue("Seen-Framing")).hasValue("length");
    assertThat(sized.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
    assertThat(MessageDigest.isEqual(sized.body(), big)).as("5 MiB sized body, chunked answer").isTrue();

    // A body of unknown length goes chunked.
    HttpResponse<byte[]> chunked = client.send(HttpRequest.newBuilder(echo)
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(chunked.headers().firstValue("Seen-Framing")).hasValue("chunked");
    assertThat(MessageDigest.isEqual(chunked.body(), big)).as("5 MiB chunked body").isTrue();

    try (Client raw = new Client(port)) {
      raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "5\r\nhello\r\n1;ext=1\r\n \r\n5\r\nworld\r\n0\r\n\r\n");
      assertThat(raw.read(false).text()).isEqualTo("hello world");
      raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
      Response empty = raw.read(false);
      assertThat(empty.status()).isEqualTo(200);
      assertThat(empty.body()).isEmpty();
    }
  }

  @Test
  void headAndBodilessAnswersKeepBothConnectionsInStep() throws Exception {
    ScriptedTask task = scripted((head, n) -> switch (path(head)) {
      case "/head" -> "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"; // the length of the GET, no body
      case "/204" -> "HTTP/1.1 204 No Content\r\n\r\n";
      case "/304" -> "HTTP/1.1 304 Not Modified\r\nETag: \"a\"\r\n\r\n";
      case "/continue" -> "HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n" + ok("after hints");
      default -> ok("hello");
    });
    publish(task.port());
    try (Client raw = new Client(port)) {
      raw.send("HEAD /head HTTP/1.1\r\nHost: x\r\n\r\n");
      Response head = raw.read(true);
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.headers()).containsEntry("content-length", "5");
      raw.send("GET /204 HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(raw.read(false).status()).isEqualTo(204);
      raw.send("GET /304 HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(raw.read(false).status()).isEqualTo(304);
      raw.send("GET /continue HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(raw.read(false).status()).isEqualTo(103);
      assertThat(raw.read(false).text()).isEqualTo("after hints");
      for (int i = 0; i < 20; i++) {
        raw.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, X-Secret\r\nX-Secret: s\r\n\r\n");
        assertThat(raw.read(false).text()).isEqualTo("hello");
      }
    }
    // One client connection, one request at a time: one connection to the task, kept alive throughout.
    assertThat(task.connections.get()).isEqualTo(1);
    assertThat(task.heads).hasSize(24).allSatisfy(h -> {
      assertThat(h).doesNotContainIgnoringCase("X-Secret").doesNotContainIgnoringCase("Connection:");
      assertThat(h).contains("X-Forwarded-For: 127.0.0.1\r\n");
    });
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    ScriptedTask task = scripted((head, n) -> ok("answer to " + path(head)));
    publish(task.port());
    try (Client raw = new Client(port)) {
      StringBuilder three = new StringBuilder();
      for (String p : List.of("/a", "/b", "/c")) {
        three.append("GET ").append(p).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
      }
      raw.send(three.toString());
      assertThat(raw.read(false).text()).isEqualTo("answer to /a");
      assertThat(raw.read(false).text()).isEqualTo("answer to /b");
      assertThat(raw.read(false).text()).isEqualTo("answer to /c");
    }
  }

  @Test
  void aTaskClosingAKeptAliveConnectionUnansweredIsNotSeenByIdempotentRequests() throws Exception {
    // Each connection answers one request and closes on the next, unanswered: a kept-alive
    // connection the task drops just as the gateway reuses it.
    ScriptedTask task = scripted((head, n) -> n == 1 ? ok("fresh") : null);
    publish(task.port());
    try (Client raw = new Client(port)) {
      for (int i = 0; i < 10; i++) {
        raw.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
        Response r = raw.read(false);
        assertThat(r.status()).as("GET %d", i).isEqualTo(200);
        assertThat(r.text()).isEqualTo("fresh");
      }
      // Not idempotent: the gateway cannot know whether the task acted on it, so it answers 502.
      raw.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
      assertThat(raw.read(false).status()).isEqualTo(502);
    }
    assertThat(ingress.view().get(0).tasks().get(0).failures()).isEqualTo(1);
  }

  @Test
  void aRequestThatCannotBeSentTwiceIsNotSentOnAConnectionTheTaskHasClosed() throws Exception {
    ScriptedTask task = new ScriptedTask((head, n) -> ok("once"), true);
    closing.add(task);
    publish(task.port());
    try (Client raw = new Client(port)) {
      for (int i = 1; i <= 100; i++) {
        raw.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
        Response r = raw.read(false);
        assertThat(r.status()).as("POST %d", i).isEqualTo(200);
        assertThat(r.text()).isEqualTo("once");
        // The task's close has reached the gateway's socket; whether its selector saw it yet is the
        // race this test is about.
        int answered = i;
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).until(() -> task.closed.get() == answered);
      }
    }
    assertThat(task.connections.get()).isEqualTo(100);
    assertThat(ingress.view().get(0).tasks().get(0).failures()).isZero();
  }

  @Test
  void aTaskAnsweringConnectionCloseOrUntilItClosesEndsTheClientsConnectionToo() throws Exception {
    ScriptedTask task = scripted((head, n) -> path(head).equals("/close")
        ? "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye"
        : "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end");
    publish(task.port());
    try (Client raw = new Client(port)) {
      raw.send("GET /close HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(raw.read(false).text()).isEqualTo("bye");
      assertThat(raw.closedByPeer()).isTrue();
    }
    try (Client raw = new Client(port)) {
      // No length: the answer ends when the task closes, and the client's connection with it.
      raw.send("GET /eof HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(raw.read(false).text()).isEqualTo("until the end");
    }
    try (Client raw = new Client(port)) {
      raw.send("GET /close HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(raw.read(false).text()).isEqualTo("bye");
      assertThat(raw.closedByPeer()).isTrue();
    }
  }

  @Test
  void anHttp10ClientIsServedAndItsConnectionClosed() throws Exception {
    ScriptedTask task = scripted((head, n) -> ok("hello"));
    publish(task.port());
    try (Client raw = new Client(port)) {
      raw.send("GET /old HTTP/1.0\r\nHost: x\r\n\r\n");
      Response r = raw.read(false);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("hello");
      assertThat(raw.closedByPeer()).isTrue();
    }
  }

  /** HTTP/1.0 goes to Jetty with what the relay read ahead: a head and a body larger than Jetty's own buffer. */
  @Test
  void anHttp10PostWhoseBodyCameWithItsHeadIsHandedOverWhole() throws Exception {
    publish(echoTask().getAddress().getPort());
    byte[] body = new byte[12_000];
    Arrays.fill(body, (byte) 'b');
    try (Client raw = new Client(port)) {
      byte[] head = ("POST /echo HTTP/1.0\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
      byte[] all = Arrays.copyOf(head, head.length + body.length);
      System.arraycopy(body, 0, all, head.length, body.length);
      raw.send(all);
      Response r = raw.read(false);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(body);
    }
  }

  @Test
  void aRequestHeadOverTheLimitIs431AndOneJustUnderPasses() throws Exception {
    ScriptedTask task = scripted((head, n) -> ok("hello"));
    publish(task.port());
    int limit = new org.eclipse.jetty.server.HttpConfiguration().getRequestHeaderSize();
    for (int size : new int[] {limit - 200, limit + 1, 3 * limit}) {
      try (Client raw = new Client(port)) {
        String start = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: ";
        char[] filler = new char[size - start.length() - 4];
        Arrays.fill(filler, 'a');
        raw.send(start + new String(filler) + "\r\n\r\n");
        assertThat(raw.read(false).status()).as("head of %d bytes", size).isEqualTo(size <= limit ? 200 : 431);
      }
    }
  }

  @Test
  void aClientThatDoesNotReadSlowsTheTaskDown() throws Exception {
    long total = 96L * 1024 * 1024;
    AtomicLong written = new AtomicLong();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/big", exchange -> {
      exchange.sendResponseHeaders(200, total);
      byte[] block = new byte[64 * 1024];
      try (OutputStream out = exchange.getResponseBody()) {
        for (long sent = 0; sent < total; sent += block.length) {
          out.write(block);
          written.addAndGet(block.length);
        }
      }
    });
    server.start();
    closing.add(() -> server.stop(0));
    publish(server.getAddress().getPort());
    try (Client raw = new Client(port)) {
      raw.socket.setReceiveBufferSize(64 * 1024);
      raw.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
      long[] last = {-1};
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
        long now = written.get();
        boolean still = now == last[0];
        last[0] = now;
        return still && now > 0;
      });
      // Socket buffers on both hops and one relay buffer, not the answer.
      assertThat(written.get()).isLessThan(total / 3);
      InputStream in = raw.socket.getInputStream();
      long read = 0;
      byte[] buf = new byte[256 * 1024];
      for (int n = in.read(buf); n > 0 && read < total + 1024; n = in.read(buf)) {
        read += n;
        if (read >= total) {
          break;
        }
      }
      assertThat(read).isGreaterThanOrEqualTo(total);
    }
  }
}
