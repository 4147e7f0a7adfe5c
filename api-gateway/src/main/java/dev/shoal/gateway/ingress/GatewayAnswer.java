package dev.shoal.gateway.ingress;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Answers the gateway gives itself on a relayed connection, where no task answered: 503 when no
 * task serves, 502/504 when the tasks failed, 400/431 for a request the parser refused.
 */
final class GatewayAnswer {
  private GatewayAnswer() {
  }

  /** {@code status} with a plain-text {@code body} (may be empty), and {@code Connection: close} when {@code close}. */
  static ByteBuffer of(int status, String body, boolean close) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
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
    return answer;
  }

  /**
   * The answer to a request the parser refused with {@code status} (431 for a head over the limit,
   * 400 for a malformed one, as Jetty's HTTP server answers); the connection closes after it.
   */
  static ByteBuffer refusal(int status) {
    int code = status >= 400 && status < 500 ? status : 400;
    String reason = code == 431 ? "Request Header Fields Too Large" : "Bad Request";
    return ByteBuffer.wrap(("HTTP/1.1 " + code + " " + reason + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
  }
}
