package dev.shoal.ops.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.schemas.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A small client of Shoal's REST API for tests and benchmarks: JSON in, JSON out, and a few
 * questions asked often (running tasks of a service, a node by hostname). A connection failure is a
 * response with status -1, so polling code can treat "not up yet" like any other answer.
 */
public final class ApiClient {
  /** An HTTP answer; {@link #json()} parses the body. */
  public record Response(int status, String body) {
    public JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException("not JSON (" + status + "): " + body, e);
      }
    }

    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private final String base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** @param base e.g. {@code http://127.0.0.1:2375} */
  public ApiClient(String base) {
    this.base = base;
  }

  public String base() {
    return base;
  }

  public Response call(String method, String path, String body) {
    return call(method, path, body, java.util.Map.of());
  }

  /** A call with extra request headers, e.g. {@code Idempotency-Key}. */
  public Response call(String method, String path, String body, java.util.Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    HttpRequest request = b.build();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body());
    } catch (IOException e) {
      return new Response(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Response get(String path) {
    return call("GET", path, null);
  }

  /** GET that must succeed; its JSON body. */
  public JsonNode json(String path) {
    Response r = get(path);
    if (!r.ok()) {
      throw new IllegalStateException("GET " + path + ": " + r.status() + " " + r.body());
    }
    return r.json();
  }

  /** The tasks of {@code service} desired RUNNING (every state), or empty if the API does not answer. */
  public List<JsonNode> desiredRunning(String service) {
    Response r = get("/v1/tasks?service=" + service + "&desired-state=running");
    List<JsonNode> out = new ArrayList<>();
    if (r.ok()) {
      r.json().forEach(out::add);
    }
    return out;
  }

  /** The tasks of {@code service} desired and observed RUNNING. */
  public List<JsonNode> running(String service) {
    return desiredRunning(service).stream().filter(ApiClient::isRunning).toList();
  }

  public static boolean isRunning(JsonNode task) {
    return "running".equals(task.path("status").path("state").asText());
  }

  /** Every node the API lists, or empty if it does not answer. */
  public List<JsonNode> nodes() {
    Response r = get("/v1/nodes");
    List<JsonNode> out = new ArrayList<>();
    if (r.ok()) {
      r.json().forEach(out::add);
    }
    return out;
  }

  /** The node an agent registered under {@code hostname}, or null. */
  public JsonNode node(String hostname) {
    return nodes().stream().filter(n -> hostname.equals(n.path("description").path("hostname").asText()))
        .findFirst().orElse(null);
  }

  /** Whether the node with {@code hostname} has status {@code status} ({@code ready}, {@code down}). */
  public boolean nodeIs(String hostname, String status) {
    JsonNode n = node(hostname);
    return n != null && status.equals(n.path("status").asText());
  }
}
