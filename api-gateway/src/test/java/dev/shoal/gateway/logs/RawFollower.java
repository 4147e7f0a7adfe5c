package dev.shoal.gateway.logs;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A follower on a socket of its own, so a test can drop the connection the way a client that is
 * killed does; it reads the chunked body a line at a time.
 */
final class RawFollower implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  final int status;

  RawFollower(int port, String path) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    in = new BufferedInputStream(socket.getInputStream());
    String statusLine = headerLine();
    status = Integer.parseInt(statusLine.substring(9, 12));
    while (!headerLine().isEmpty()) {
      // headers: the body is chunked
    }
  }

  private String headerLine() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  /** The next line of the body (chunk boundaries are not line boundaries). */
  String readLine() throws IOException {
    while (true) {
      byte[] have = pending.toByteArray();
      for (int i = 0; i < have.length; i++) {
        if (have[i] == '\n') {
          pending.reset();
          pending.write(have, i + 1, have.length - i - 1);
          return new String(have, 0, i, StandardCharsets.UTF_8);
        }
      }
      // A chunk's closing CRLF may come just before the next chunk's size (Jetty writes it so).
      String sizeLine = headerLine();
      if (sizeLine.isEmpty()) {
        sizeLine = headerLine();
      }
      int size = Integer.parseInt(sizeLine.trim(), 16);
      if (size == 0) {
        throw new IOException("the response ended");
      }
      pending.write(in.readNBytes(size));
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
