package dev.shoal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.schemas.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny JSON-over-HTTP client for tests, on java.net.http. */
public final class Http {
  private final HttpClient client;
  private final String base;

  /** A status, a body and the headers a test looks at. */
  public record Response(int status, String body, HttpResponse<String> raw) {
    public JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    public String message() {
      return json().path("message").asText();
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public Http(int port) {
    this("http://127.0.0.1:" + port, null);
  }

  /** A client for {@code base} ({@code https://127.0.0.1:2376}) with this TLS context (null: the JDK's). */
  public Http(String base, javax.net.ssl.SSLContext tls) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    this.client = (tls == null ? b : b.sslContext(tls)).build();
    this.base = base;
  }

  public Response get(String path) {
    return send("GET", path, null);
  }

  public Response post(String path, String body) {
    return send("POST", path, body);
  }

  public Response put(String path, String body) {
    return send("PUT", path, body);
  }

  public Response patch(String path, String body) {
    return send("PATCH", path, body);
  }

  public Response delete(String path) {
    return send("DELETE", path, null);
  }

  public Response send(String method, String path, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.setHeader(headers[i], headers[i + 1]); // a test's header replaces the default Content-Type
    }
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body(), r);
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
