package dev.shoal.ops.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One hostile HTTP request. {@code target} is the request target as sent (path and query, already
 * percent-encoded, or raw when {@code raw}); {@code route} is the route it aims at, for the tally.
 * A raw request goes over a plain socket, byte for byte (its target and headers as ISO-8859-1, so
 * any byte can be sent), for what the JDK client refuses to send: malformed escapes, bytes that
 * are not UTF-8, odd methods and framing.
 */
public record HttpCase(String route, String method, String target, List<String[]> headers, byte[] body,
                       String fault, boolean raw) {

  public String describe() {
    StringBuilder b = new StringBuilder(method).append(' ').append(cut(target, 200)).append(" [").append(fault)
        .append(raw ? ", raw" : "").append(']');
    for (String[] h : headers) {
      b.append(' ').append(h[0]).append(": ").append(cut(h[1], 80));
    }
    if (body != null) {
      b.append(" body=").append(cut(new String(body, StandardCharsets.UTF_8), 300));
      if (body.length > 300) {
        b.append(" (").append(body.length).append(" bytes)");
      }
    }
    return b.toString();
  }

  public static String cut(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n) + "…";
  }
}
