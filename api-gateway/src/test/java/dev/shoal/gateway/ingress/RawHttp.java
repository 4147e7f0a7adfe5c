package dev.shoal.gateway.ingress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * HTTP/1.1 on plain sockets, byte for byte, for the framing tests: a client that reads responses
 * on one connection it controls, and a task whose answers are scripted per request.
 */
final class RawHttp {
  private RawHttp() {}

  /** A response as read off the wire; header names lower case. */
  record Response(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** One client connection. */
  static final class Client implements AutoCloseable {
    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Client(int port) throws IOException {
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setSoTimeout(10_000);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    }

    void send(String text) throws IOException {
      send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    void send(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
    }

    /** The next response; {@code head}: an answer to HEAD, whose head announces a body that does not follow. */
    Response read(boolean head) throws IOException {
      String statusLine = line();
      if (statusLine == null) {
        throw new java.io.EOFException("connection closed before a response");
      }
      int status = Integer.parseInt(statusLine.split(" ")[1]);
      Map<String, String> headers = new TreeMap<>();
      for (String l = line(); l != null && !l.isEmpty(); l = line()) {
        int colon = l.indexOf(':');
        headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
      }
      if (head || status == 204 || status == 304 || status / 100 == 1) {
        return new Response(status, headers, new byte[0]);
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
             size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
          body.write(in.readNBytes(size));
          line();
        }
        for (String l = line(); l != null && !l.isEmpty(); l = line()) {
          // trailers
        }
      } else if (headers.containsKey("content-length")) {
        body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
      } else {
        body.write(in.readAllBytes());
      }
      return new Response(status, headers, body.toByteArray());
    }

    /** Whether the other side closed the connection (end of stream within the read timeout). */
    boolean closedByPeer() throws IOException {
      try {
        return in.read() == -1;
      } catch (java.net.SocketException e) {
        return true;
      }
    }

    private String line() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) != -1) {
        if (c == '\n') {
          String s = b.toString(StandardCharsets.ISO_8859_1);
          return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
        b.write(c);
      }
      return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /**
   * A task on 127.0.0.1 that reads request heads (bodiless requests only) and answers each with the
   * bytes {@code script} gives for (the head, the number of the request on its connection, from 1);
   * null closes the connection unanswered, and so does an answer saying {@code Connection: close}
   * once written. It counts the connections that sent a request (not the gateway's probes) and keeps
   * the heads.
   */
  static final class ScriptedTask implements AutoCloseable {
    final AtomicInteger connections = new AtomicInteger();
    final List<String> heads = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    /** Connections this task has closed after answering at least one request on each. */
    final AtomicInteger closed = new AtomicInteger();
    private final BiFunction<String, Integer, String> script;
    private final boolean closeAfterEachAnswer;

    ScriptedTask(BiFunction<String, Integer, String> script) throws IOException {
      this(script, false);
    }

    /**
     * With {@code closeAfterEachAnswer}, each connection is closed right after an answer that did not
     * say so: a task whose keep-alive timeout fired, or that stopped, between two requests.
     */
    ScriptedTask(BiFunction<String, Integer, String> script, boolean closeAfterEachAnswer) throws IOException {
      this.script = script;
      this.closeAfterEachAnswer = closeAfterEachAnswer;
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      threads.execute(this::accept);
    }

    int port() {
      return server.getLocalPort();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          threads.execute(() -> serve(s));
        } catch (IOException | java.util.concurrent.RejectedExecutionException e) {
          return;
        }
      }
    }

    private void serve(Socket s) {
      boolean answered = false;
      try (s) {
        InputStream in = s.getInputStream();
        for (int n = 1; ; n++) {
          String head = head(in);
          if (head == null) {
            return;
          }
          heads.add(head);
          if (n == 1) {
            connections.incrementAndGet();
          }
          String answer = script.apply(head, n);
          if (answer == null) {
            return;
          }
          s.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
          s.getOutputStream().flush();
          answered = true;
          if (closeAfterEachAnswer || answer.contains("\r\nConnection: close\r\n")) {
            return;
          }
        }
      } catch (IOException e) {
        // the gateway went away
      } finally {
        if (answered) {
          closed.incrementAndGet();
        }
      }
    }

    private static String head(InputStream in) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int c;
      int matched = 0; // of \r\n\r\n
      while ((c = in.read()) != -1) {
        b.write(c);
        matched = c == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : c == '\r' ? 1 : 0;
        if (matched == 4) {
          return b.toString(StandardCharsets.ISO_8859_1);
        }
      }
      return null;
    }

    @Override
    public void close() throws IOException {
      server.close();
      threads.shutdownNow();
    }
  }
}
