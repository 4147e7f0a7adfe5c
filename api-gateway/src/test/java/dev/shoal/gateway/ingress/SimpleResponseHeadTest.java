package dev.shoal.gateway.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link SimpleResponseHead}: the common head read, everything else left to Jetty's parser untouched. */
class SimpleResponseHeadTest {
  private final RelayAttempt attempt = new RelayAttempt(null, false, 1);

  private static ByteBuffer bytes(String s) {
    ByteBuffer direct = ByteBuffer.allocateDirect(s.length() + 8);
    direct.put(2, s.getBytes(StandardCharsets.ISO_8859_1));
    return direct.position(2).limit(2 + s.length());
  }

  @Test
  void readsStatusLengthAndStopsAtTheBody() {
    String head = "HTTP/1.1 200 OK\r\nServer: nginx\r\ncontent-LENGTH:  24 \r\nConnection: keep-alive\r\n\r\n";
    ByteBuffer b = bytes(head + "x".repeat(24));
    assertThat(SimpleResponseHead.read(b, attempt)).isEqualTo(24);
    assertThat(b.position()).isEqualTo(2 + head.length());
    assertThat(attempt.status).isEqualTo(200);
    assertThat(attempt.headSeen).isTrue();
    assertThat(attempt.taskCloses).isFalse();
  }

  @Test
  void notesAConnectionClose() {
    ByteBuffer b = bytes("HTTP/1.1 404 Not Found\r\nConnection: Keep-Alive, CLOSE\r\nContent-Length: 0\r\n\r\n");
    assertThat(SimpleResponseHead.read(b, attempt)).isZero();
    assertThat(attempt.status).isEqualTo(404);
    assertThat(attempt.taskCloses).isTrue();
  }

  @Test
  void aStatusLineWithoutReasonIsRead() {
    assertThat(SimpleResponseHead.read(bytes("HTTP/1.1 500\r\nContent-Length: 3\r\n\r\nerr"), attempt)).isEqualTo(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: -2\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456789\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",
      "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n",
      "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n",
      "HTTP/1.1 100 Continue\r\n\r\n",
      "HTTP/1.1 101 Switching Protocols\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 204 No Content\r\nContent-Length: 2\r\n\r\n",
      "HTTP/1.1 304 Not Modified\r\nContent-Length: 2\r\n\r\n",
      "HTTP/1.1 2x0 OK\r\nContent-Length: 2\r\n\r\n",
      "HTTP/1.1 200 OK\nContent-Length: 2\n\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n X: folded\r\n\r\n",
      "HTTP/1.1 200 OK\r\nBad Name: 1\r\nContent-Length: 2\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX: a\u0001b\r\nContent-Length: 2\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n",
      "HTTP/1.1 200 OK\r\nContent-Len",
      "HTTP/1.1 20"})
  void anythingElseIsLeftToTheParserUntouched(String head) {
    ByteBuffer b = bytes(head);
    assertThat(SimpleResponseHead.read(b, attempt)).isEqualTo(-1);
    assertThat(b.position()).isEqualTo(2);
    assertThat(attempt.headSeen).isFalse();
  }

  @Test
  void aHeadOfTheLimitIsReadAndOneByteOverIsLeftToTheParser() {
    String start = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX: ";
    String fits = start + "a".repeat(8 * 1024 - start.length() - 4) + "\r\n\r\n";
    assertThat(fits).hasSize(8 * 1024);
    assertThat(SimpleResponseHead.read(bytes(fits), attempt)).isEqualTo(2);
    String over = start + "a".repeat(8 * 1024 - start.length() - 3) + "\r\n\r\n";
    assertThat(SimpleResponseHead.read(bytes(over), attempt)).isEqualTo(-1);
  }
}
