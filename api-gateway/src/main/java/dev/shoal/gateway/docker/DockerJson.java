package dev.shoal.gateway.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.gateway.ApiException;
import io.javalin.http.Context;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reading and writing the engine's JSON. Objects are built as trees in the engine's field order,
 * because {@code docker service inspect} and {@code docker node inspect} print the server's bytes
 * (re-indented): field names and order are what users see. Bodies are compact JSON plus a newline,
 * with {@code Content-Type: application/json} exactly — the CLI extracts an error's
 * {@code message} only for that exact type.
 */
final class DockerJson {
  static final String CONTENT_TYPE = "application/json";
  /** Lenient on input (clients send fields Shoal does not know; the spec reader decides about them). */
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** Go's zero time, which the engine writes for a time it does not have. */
  static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private DockerJson() {}

  static ObjectNode object() {
    return NODES.objectNode();
  }

  static ArrayNode array() {
    return NODES.arrayNode();
  }

  /** The request body as a JSON object; 400 when it is missing or not an object. */
  static ObjectNode body(Context ctx) {
    String text = ctx.body();
    if (text == null || text.isBlank()) {
      throw ApiException.badRequest("the request needs a JSON object body");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest("the body must be a JSON object");
    }
    return (ObjectNode) node;
  }

  static JsonNode parse(String text) throws JsonProcessingException {
    return MAPPER.readTree(text);
  }

  /** Answers {@code status} with {@code body} as the engine does. */
  static void send(Context ctx, int status, JsonNode body) {
    ctx.status(status).contentType(CONTENT_TYPE).result(write(body) + "\n");
  }

  static void send(Context ctx, JsonNode body) {
    send(ctx, 200, body);
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A time as the engine writes it (RFC 3339, UTC); epoch 0 means "never" and is Go's zero time. */
  static String time(long epochMillis) {
    return epochMillis <= 0 ? ZERO_TIME : Instant.ofEpochMilli(epochMillis).toString();
  }

  /** {@code {"Index": n}}, the engine's object version. */
  static ObjectNode version(long index) {
    ObjectNode v = object();
    v.put("Index", Math.max(0, index));
    return v;
  }

  /** A string map as an object with sorted keys ({@code {}} for null), as Go writes maps. */
  static ObjectNode map(Map<String, String> m) {
    ObjectNode out = object();
    if (m != null) {
      new TreeMap<>(m).forEach(out::put);
    }
    return out;
  }
}
