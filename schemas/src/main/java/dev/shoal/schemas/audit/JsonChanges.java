package dev.shoal.schemas.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.schemas.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The fields that differ between two JSON documents, as a person reads a diff: objects are compared
 * field by field (so a changed map entry is one line), arrays and scalars as whole values (a command
 * line reads better whole). Pure; paths in field order, sorted within an object.
 */
public final class JsonChanges {
  private JsonChanges() {}

  /** The changes from {@code before} to {@code after}; either may be null (nothing). */
  public static List<FieldChange> between(JsonNode before, JsonNode after) {
    List<FieldChange> out = new ArrayList<>();
    walk("", missingToNull(before), missingToNull(after), out);
    return out;
  }

  /** As {@link #between(JsonNode, JsonNode)} over JSON bytes; an unreadable document counts as a whole value. */
  public static List<FieldChange> between(byte[] before, byte[] after) {
    return between(read(before), read(after));
  }

  private static void walk(String path, JsonNode a, JsonNode b, List<FieldChange> out) {
    if (a == null && b == null) {
      return;
    }
    if (a != null && b != null && a.isObject() && b.isObject()) {
      TreeSet<String> names = new TreeSet<>();
      a.fieldNames().forEachRemaining(names::add);
      b.fieldNames().forEachRemaining(names::add);
      for (String n : names) {
        walk(path.isEmpty() ? n : path + "." + n, missingToNull(a.get(n)), missingToNull(b.get(n)), out);
      }
      return;
    }
    if (a != null && a.equals(b)) {
      return;
    }
    out.add(new FieldChange(path.isEmpty() ? "(document)" : path, a == null ? null : Json.toString(a),
        b == null ? null : Json.toString(b)));
  }

  private static JsonNode missingToNull(JsonNode n) {
    return n == null || n.isMissingNode() || n.isNull() ? null : n;
  }

  private static JsonNode read(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      return Json.MAPPER.getNodeFactory().textNode(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
    }
  }
}
