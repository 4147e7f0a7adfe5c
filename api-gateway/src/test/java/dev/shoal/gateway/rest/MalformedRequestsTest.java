package dev.shoal.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.Json;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Requests malformed below the level of a route (found by {@code FuzzIT}): each is the client's
 * fault, so each gets a 4xx with the API's {@code {"message": ...}} body, never a 500 and never
 * Jetty's HTML error page. Sent over a socket byte for byte, as the JDK client would refuse to.
 */
class MalformedRequestsTest extends RoutesTestBase {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "charset the JVM does not know  | application/json; charset=bogus | 415",
      "empty charset name             | application/json; charset=      | 415"})
  void aBodyInAnUnknownCharsetIs415(String what, String contentType, int status) throws Exception {
    String body = "{\"replicas\":1}";
    Answer a = send("POST /v1/services/web/scale HTTP/1.1\r\nContent-Type: " + contentType + "\r\nContent-Length: "
        + body.length() + "\r\n", body);
    assertThat(a.status()).as(a.toString()).isEqualTo(status);
    assertThat(a.message()).contains("charset");
  }

  @Test
  void aPathSegmentThatCannotBePercentDecodedIs400() throws Exception {
    Answer a = send("GET /v1/services/%u0041 HTTP/1.1\r\n", null);
    assertThat(a.status()).as(a.toString()).isEqualTo(400);
    assertThat(a.message()).contains("percent-encoding");
  }

  @Test
  void aMalformedChunkedBodyIs400() throws Exception {
    Answer a = send("POST /v1/services HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
        "zz\r\n{}\r\n0\r\n\r\n");
    assertThat(a.status()).as(a.toString()).isEqualTo(400);
    assertThat(a.message()).isNotBlank();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "malformed escape            | GET /v1/services/%zz HTTP/1.1                      | 400",
      "escape of invalid UTF-8     | GET /v1/services/%ED%A0%80 HTTP/1.1                 | 400",
      "raw bytes that are not UTF-8 | GET /v1/services/\u00c0\u00af HTTP/1.1             | 400",
      "target not a path           | GET v1/nodes HTTP/1.1                               | 400",
      "unknown HTTP version        | GET /v1/services HTTP/9.9                           | 505",
      "escape of invalid UTF-8 (PUT)    | PUT /v1/services/%ED%A0%80 HTTP/1.1            | 400",
      "escape of invalid UTF-8 (DELETE) | DELETE /v1/services/%C0%AF HTTP/1.1            | 400",
      "escape of invalid UTF-8 (PATCH)  | PATCH /v1/nodes/%ff%fe HTTP/1.1                | 400"})
  void whatJettyRefusesIsJsonToo(String what, String requestLine, int status) throws Exception {
    Answer a = send(requestLine + "\r\n", null);
    assertThat(a.status()).as(a.toString()).isEqualTo(status);
    assertThat(a.contentType()).startsWith("application/json");
    assertThat(a.message()).isNotBlank();
  }

  @Test
  void aUriOverTheServersLimitIsJson() throws Exception {
    Answer a = send("GET /v1/services?x=" + "a".repeat(40_000) + " HTTP/1.1\r\n", null);
    assertThat(a.status()).as(a.toString()).isEqualTo(414);
    assertThat(a.message()).isNotBlank();
  }

  @Test
  void headersOverTheServersLimitAreJson() throws Exception {
    Answer a = send("GET /v1/services HTTP/1.1\r\nX-Long: " + "a".repeat(40_000) + "\r\n", null);
    assertThat(a.status()).as(a.toString()).isEqualTo(431);
    assertThat(a.message()).isNotBlank();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "GET with a bad Host         | GET /v1/services HTTP/1.1\\r\\nHost: \u00e9",
      "DELETE with a bad Host      | DELETE /v1/services/web HTTP/1.1\\r\\nHost: 127.0.0.1:99999",
      "PUT with a bad length       | PUT /v1/services/web HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nContent-Length: abc",
      "PATCH with two lengths      | PATCH /v1/nodes/n HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nContent-Length: 1, 2"})
  void badFramingIsJsonWhateverTheMethod(String what, String head) throws Exception {
    Answer a = send(head.replace("\\r\\n", "\r\n") + "\r\n", null, false);
    assertThat(a.status()).as(a.toString()).isEqualTo(400);
    assertThat(a.message()).isNotBlank();
  }

  private Answer send(String head, String body) throws Exception {
    return send(head, body, true);
  }

  /** {@code head}: request line and headers, each ending in CRLF; Host and Connection are added. */
  private Answer send(String head, String body, boolean host) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      String all = head + (host ? "Host: 127.0.0.1\r\n" : "") + "Connection: close\r\n\r\n" + (body == null ? "" : body);
      s.getOutputStream().write(all.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return Answer.parse(out.toString(StandardCharsets.ISO_8859_1));
    }
  }

  private record Answer(int status, String contentType, String body) {
    static Answer parse(String raw) {
      int end = raw.indexOf("\r\n\r\n");
      String[] lines = raw.substring(0, Math.max(0, end)).split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      String type = null;
      boolean chunked = false;
      for (String l : lines) {
        String lower = l.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("content-type:")) {
          type = l.substring(13).trim();
        }
        chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
      }
      String body = raw.substring(end + 4);
      if (chunked) {
        StringBuilder b = new StringBuilder();
        int pos = 0;
        while (true) {
          int eol = body.indexOf("\r\n", pos);
          int n = Integer.parseInt(body.substring(pos, eol).trim(), 16);
          if (n == 0) {
            break;
          }
          b.append(body, eol + 2, eol + 2 + n);
          pos = eol + 2 + n + 2;
        }
        body = b.toString();
      }
      return new Answer(status, type, body);
    }

    String message() {
      try {
        return Json.MAPPER.readTree(body).path("message").asText();
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + this, e);
      }
    }
  }
}
