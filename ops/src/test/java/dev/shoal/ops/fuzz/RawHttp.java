package dev.shoal.ops.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Sends one request over a plain socket exactly as given (request line and headers as ISO-8859-1,
 * so any byte goes out) and reads the answer until the server closes the connection.
 */
final class RawHttp {
  private static final int MAX_RESPONSE = 1 << 20;

  private RawHttp() {}

  static Answer send(int port, HttpCase c, int timeoutMillis) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
      s.setSoTimeout(timeoutMillis);
      StringBuilder head = new StringBuilder();
      head.append(c.method()).append(' ').append(c.target()).append(" HTTP/1.1\r\n");
      boolean host = false;
      boolean length = false;
      for (String[] h : c.headers()) {
        host |= h[0].equalsIgnoreCase("Host");
        length |= h[0].equalsIgnoreCase("Content-Length") || h[0].equalsIgnoreCase("Transfer-Encoding");
        head.append(h[0]).append(": ").append(h[1]).append("\r\n");
      }
      if (!host) {
        head.append("Host: 127.0.0.1:").append(port).append("\r\n");
      }
      if (c.body() != null && !length) {
        head.append("Content-Length: ").append(c.body().length).append("\r\n");
      }
      head.append("Connection: close\r\n\r\n");
      OutputStream out = s.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (c.body() != null) {
        out.write(c.body());
      }
      out.flush();
      return parse(read(s.getInputStream()));
    }
  }

  private static byte[] read(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    int n;
    try {
      while ((n = in.read(chunk)) > 0 && buf.size() < MAX_RESPONSE) {
        buf.write(chunk, 0, n);
      }
    } catch (java.net.SocketException e) {
      // A reset after the answer was written still leaves the answer readable.
      if (buf.size() == 0) {
        throw e;
      }
    }
    return buf.toByteArray();
  }

  static Answer parse(byte[] bytes) {
    String all = new String(bytes, StandardCharsets.ISO_8859_1);
    int end = all.indexOf("\r\n\r\n");
    if (!all.startsWith("HTTP/") || end < 0) {
      return new Answer(-1, null, all);
    }
    String[] lines = all.substring(0, end).split("\r\n");
    String[] statusLine = lines[0].split(" ", 3);
    int status;
    try {
      status = Integer.parseInt(statusLine[1]);
    } catch (RuntimeException e) {
      return new Answer(-1, null, all);
    }
    String contentType = null;
    boolean chunked = false;
    for (int i = 1; i < lines.length; i++) {
      String l = lines[i].toLowerCase(Locale.ROOT);
      if (l.startsWith("content-type:")) {
        contentType = lines[i].substring(13).trim();
      } else if (l.startsWith("transfer-encoding:") && l.contains("chunked")) {
        chunked = true;
      }
    }
    byte[] body = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
    if (chunked) {
      body = dechunk(body);
    }
    return new Answer(status, contentType, new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] dechunk(byte[] in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int pos = 0;
    while (pos < in.length) {
      int eol = indexOf(in, pos);
      if (eol < 0) {
        break;
      }
      String size = new String(in, pos, eol - pos, StandardCharsets.ISO_8859_1).split(";")[0].trim();
      int n;
      try {
        n = Integer.parseInt(size, 16);
      } catch (NumberFormatException e) {
        break;
      }
      if (n == 0 || eol + 2 + n > in.length) {
        break;
      }
      out.write(in, eol + 2, n);
      pos = eol + 2 + n + 2;
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] in, int from) {
    for (int i = from; i + 1 < in.length; i++) {
      if (in[i] == '\r' && in[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** What came back: status (-1 when nothing readable), content type and body. */
  record Answer(int status, String contentType, String body) {}
}
