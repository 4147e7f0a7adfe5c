package dev.shoal.gateway.ingress;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.eclipse.jetty.http.HttpField;

/**
 * Writes a relayed request's head for the task: the request line and the headers the client sent
 * that are not hop-by-hop ({@link RelayedRequest} dropped the usual ones; here those the client's
 * {@code Connection} names), then the {@code X-Forwarded-*} the gateway sets from the client's
 * connection. One per client connection, its buffers reused request after request.
 */
final class RequestHeadWriter {
  private final byte[] forwardedPort;
  private final byte[] forwardedFor;
  private byte[] bytes = new byte[1024];
  private int length;
  /** What goes to the socket: a heap buffer would be copied into a JDK temporary direct one anyway. */
  private ByteBuffer direct = ByteBuffer.allocateDirect(1024);

  /** For a client at {@code remote} on published port {@code port}: what every head of the connection ends with. */
  RequestHeadWriter(String remote, String port) {
    forwardedFor = ("X-Forwarded-For: " + remote + "\r\nX-Forwarded-Proto: http\r\n")
        .getBytes(StandardCharsets.UTF_8);
    forwardedPort = ("X-Forwarded-Port: " + port + "\r\n").getBytes(StandardCharsets.UTF_8);
  }

  /** The head for {@code request}, in a view of its own (a retry's write never moves an earlier attempt's position). */
  ByteBuffer write(RelayedRequest request) {
    length = 0;
    ascii(request.method()).ascii(" ").ascii(request.uri()).ascii(" HTTP/1.1\r\n");
    String tokens = request.connectionTokens();
    for (HttpField f : request.fields()) {
      if (tokens != null && namedIn(tokens, f.getName())) {
        continue; // hop-by-hop, by the client's own Connection header
      }
      ascii(f.getName()).ascii(": ").ascii(f.getValue()).ascii("\r\n");
    }
    raw(forwardedFor).raw(forwardedPort);
    if (request.host() != null) {
      ascii("X-Forwarded-Host: ").ascii(request.host()).ascii("\r\n");
    }
    ascii("\r\n");
    if (direct.capacity() < length) {
      direct = ByteBuffer.allocateDirect(Math.max(direct.capacity() * 2, length));
    }
    direct.clear();
    direct.put(bytes, 0, length).flip();
    return direct.duplicate();
  }

  private static boolean namedIn(String tokens, String name) {
    for (String t : tokens.split(",")) {
      if (t.trim().equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  private RequestHeadWriter ascii(String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) > 0xFF) {
        return raw(s.getBytes(StandardCharsets.UTF_8));
      }
    }
    ensure(n);
    // Latin-1 characters are bytes: what the parser read from the wire (it decodes heads as ISO-8859-1).
    s.getBytes(0, n, bytes, length);
    length += n;
    return this;
  }

  private RequestHeadWriter raw(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, bytes, length, b.length);
    length += b.length;
    return this;
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }
}
