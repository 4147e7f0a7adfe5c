package dev.shoal.gateway.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One object of an engine request body, read field by field. Every field a reader takes is marked;
 * {@link #finish()} then reports each field nobody took that carries a value as
 * {@code not supported}, so a setting Shoal cannot honour is refused rather than silently
 * dropped. Zero values (null, false, 0, "", empty lists and objects) count as absent, as in Go:
 * clients such as docker-java send every field, most of them empty.
 */
final class SpecFields {
  /** What was wrong with a whole body: fields Shoal cannot honour, and values of the wrong shape. */
  static final class Problems {
    final List<String> unsupported = new ArrayList<>();
    final List<String> invalid = new ArrayList<>();

    boolean any() {
      return !unsupported.isEmpty() || !invalid.isEmpty();
    }

    /** One sentence for a 400: unsupported fields first, since they need a different fix. */
    String message() {
      List<String> parts = new ArrayList<>();
      if (!unsupported.isEmpty()) {
        parts.add("not supported: " + String.join(", ", unsupported));
      }
      if (!invalid.isEmpty()) {
        parts.add("invalid spec: " + String.join("; ", invalid));
      }
      return String.join("; ", parts);
    }
  }

  private final ObjectNode node;
  private final String path;
  private final Problems problems;
  private final Set<String> taken = new HashSet<>();

  SpecFields(ObjectNode node, String path, Problems problems) {
    this.node = node;
    this.path = path;
    this.problems = problems;
  }

  String path(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  Problems problems() {
    return problems;
  }

  private JsonNode take(String field) {
    taken.add(field);
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v;
  }

  /** A string; null when absent or empty. */
  String text(String field) {
    JsonNode v = take(field);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      problems.invalid.add(path(field) + " must be a string, got " + v);
      return null;
    }
    return v.asText().isEmpty() ? null : v.asText();
  }

  /** An integer; null when absent. */
  Long number(String field) {
    JsonNode v = take(field);
    if (v == null) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      problems.invalid.add(path(field) + " must be an integer, got " + v);
      return null;
    }
    return v.asLong();
  }

  /** A number; null when absent. */
  Double decimal(String field) {
    JsonNode v = take(field);
    if (v == null) {
      return null;
    }
    if (!v.isNumber()) {
      problems.invalid.add(path(field) + " must be a number, got " + v);
      return null;
    }
    return v.asDouble();
  }

  /** A boolean; false when absent. */
  boolean flag(String field) {
    JsonNode v = take(field);
    if (v == null) {
      return false;
    }
    if (!v.isBoolean()) {
      problems.invalid.add(path(field) + " must be true or false, got " + v);
      return false;
    }
    return v.asBoolean();
  }

  /** A nested object; null when absent. */
  SpecFields object(String field) {
    JsonNode v = take(field);
    if (v == null) {
      return null;
    }
    if (!v.isObject()) {
      problems.invalid.add(path(field) + " must be an object, got " + v);
      return null;
    }
    return new SpecFields((ObjectNode) v, path(field), problems);
  }

  /** A list of objects (each read with its index in the path); empty when absent. */
  List<SpecFields> objects(String field) {
    JsonNode v = take(field);
    List<SpecFields> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (!v.isArray()) {
      problems.invalid.add(path(field) + " must be a list, got " + v);
      return out;
    }
    for (int i = 0; i < v.size(); i++) {
      JsonNode item = v.get(i);
      if (item == null || !item.isObject()) {
        problems.invalid.add(path(field) + "[" + i + "] must be an object, got " + item);
      } else {
        out.add(new SpecFields((ObjectNode) item, path(field) + "[" + i + "]", problems));
      }
    }
    return out;
  }

  /** A list of strings; null when absent or empty. */
  List<String> strings(String field) {
    JsonNode v = take(field);
    if (v == null) {
      return null;
    }
    if (!v.isArray()) {
      problems.invalid.add(path(field) + " must be a list of strings, got " + v);
      return null;
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        problems.invalid.add(path(field) + " must be a list of strings, got " + v);
        return null;
      }
      out.add(item.asText());
    }
    return out.isEmpty() ? null : out;
  }

  /** A string-to-string object; null when absent or empty. */
  Map<String, String> stringMap(String field) {
    JsonNode v = take(field);
    if (v == null) {
      return null;
    }
    if (!v.isObject()) {
      problems.invalid.add(path(field) + " must be an object of strings, got " + v);
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      if (!e.getValue().isTextual()) {
        problems.invalid.add(path(field) + "." + e.getKey() + " must be a string, got " + e.getValue());
      } else {
        out.put(e.getKey(), e.getValue().asText());
      }
    }
    return out.isEmpty() ? null : out;
  }

  /** Takes a field whose only values Shoal honours are zero and {@code harmless} (e.g. Isolation "default"). */
  void allow(String field, String... harmless) {
    JsonNode v = take(field);
    if (v == null || isZero(v)) {
      return;
    }
    if (v.isTextual() && List.of(harmless).contains(v.asText())) {
      return;
    }
    problems.unsupported.add(path(field));
  }

  /** Marks {@code field} as not supported when it carries a value; {@code why} explains, if given. */
  void refuse(String field, String why) {
    JsonNode v = take(field);
    if (v != null && !isZero(v)) {
      problems.unsupported.add(path(field) + (why == null ? "" : " (" + why + ")"));
    }
  }

  /** Marks {@code field} as not supported when it is there at all, even empty (a mode such as {@code "GlobalJob": {}}). */
  void refusePresent(String field, String why) {
    if (take(field) != null) {
      problems.unsupported.add(path(field) + (why == null ? "" : " (" + why + ")"));
    }
  }

  /** Reports every field no reader took that has a value. */
  void finish() {
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!taken.contains(e.getKey()) && !isZero(e.getValue())) {
        problems.unsupported.add(path(e.getKey()));
      }
    }
  }

  /** Go's zero value: null, false, 0, "", or a list or object with nothing but zero values in it. */
  static boolean isZero(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return true;
    }
    if (v.isBoolean()) {
      return !v.asBoolean();
    }
    if (v.isNumber()) {
      return v.asDouble() == 0;
    }
    if (v.isTextual()) {
      return v.asText().isEmpty();
    }
    if (v.isArray()) {
      return v.isEmpty();
    }
    if (v.isObject()) {
      for (JsonNode child : v) {
        if (!isZero(child)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }
}
