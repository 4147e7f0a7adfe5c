package dev.shoal.gateway.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;

/**
 * One HTTP/1.1 request written by hand, for what the JDK's client will not send: a {@code Host}
 * header of our choosing, as a browser tricked by DNS rebinding would send it.
 */
final class RawHttp {
  private RawHttp() {}

  /** Status line and body of the answer. */
  record Answer(int status, String text) {}

  /** Sends {@code method path} with these header lines (each {@code "Name: value"}); {@code tls} null for plain HTTP. */
  static Answer send(SSLContext tls, int port, String method, String path, String... headerLines) throws IOException {
    try (Socket s = tls == null ? new Socket("127.0.0.1", port) : tls.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
      for (String h : headerLines) {
        req.append(h).append("\r\n");
      }
      req.append("Connection: close\r\n\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      return new Answer(Integer.parseInt(text.substring(9, 12)), text);
    }
  }
}
