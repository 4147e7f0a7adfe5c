package dev.shoal.gateway.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Test fixtures: JSON bodies of the reference captures (see {@code resources/docker-api/README.md}). */
final class Captures {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Captures() {}

  static JsonNode json(String name) {
    try (InputStream in = Captures.class.getResourceAsStream("/docker-api/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode object(String name) {
    return (ObjectNode) json(name);
  }

  static ObjectNode parse(String json) {
    try {
      return (ObjectNode) MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
