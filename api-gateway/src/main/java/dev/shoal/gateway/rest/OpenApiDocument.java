package dev.shoal.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.SpecValidator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The OpenAPI 3.0 description of the REST API: the hand-written {@code openapi.json} next to this
 * class, with the {@code ServiceSpec} schema filled in from {@link SpecValidator#schemaText()} so
 * the document and the validator cannot disagree. JSON Schema 2020-12 and OpenAPI 3.0 schema
 * objects differ in a few keywords; {@link #toOpenApi} translates those the spec schema uses.
 */
public final class OpenApiDocument {
  static final String SPEC_SCHEMA = "ServiceSpec";
  private static final String DEFS_PREFIX = "#/$defs/";
  private static final String COMPONENTS_PREFIX = "#/components/schemas/";

  private OpenApiDocument() {}

  /** The whole document as JSON text. */
  public static String text() {
    return Json.toString(build());
  }

  static ObjectNode build() {
    ObjectNode doc;
    try (InputStream in = OpenApiDocument.class.getResourceAsStream("openapi.json")) {
      doc = (ObjectNode) Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ObjectNode schemas = (ObjectNode) doc.path("components").path("schemas");
    ObjectNode spec;
    try {
      spec = (ObjectNode) Json.MAPPER.readTree(SpecValidator.schemaText());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Map.Entry<String, JsonNode> def : spec.path("$defs").properties()) {
      schemas.set(defName(def.getKey()), toOpenApi(def.getValue()));
    }
    schemas.set(SPEC_SCHEMA, toOpenApi(spec));
    return doc;
  }

  private static String defName(String def) {
    return SPEC_SCHEMA + "_" + def;
  }

  /** One JSON Schema 2020-12 schema as an OpenAPI 3.0 schema object. */
  static JsonNode toOpenApi(JsonNode schema) {
    if (!schema.isObject()) {
      return schema.deepCopy();
    }
    ObjectNode out = Json.MAPPER.createObjectNode();
    for (Map.Entry<String, JsonNode> f : schema.properties()) {
      String k = f.getKey();
      JsonNode v = f.getValue();
      switch (k) {
        // Not in OpenAPI 3.0: identifiers, nested definitions (moved to components), propertyNames.
        case "$schema", "$id", "$defs", "propertyNames" -> { }
        case "$ref" -> out.put(k, v.asText().startsWith(DEFS_PREFIX)
            ? COMPONENTS_PREFIX + defName(v.asText().substring(DEFS_PREFIX.length())) : v.asText());
        case "type" -> type(out, v);
        case "exclusiveMinimum", "exclusiveMaximum" -> {
          out.set(k.equals("exclusiveMinimum") ? "minimum" : "maximum", v);
          out.put(k, true);
        }
        case "properties" -> {
          ObjectNode props = out.putObject(k);
          v.properties().forEach(p -> props.set(p.getKey(), toOpenApi(p.getValue())));
        }
        case "items", "not", "additionalProperties" -> out.set(k, toOpenApi(v));
        case "allOf", "anyOf", "oneOf" -> {
          ArrayNode list = out.putArray(k);
          v.forEach(s -> list.add(toOpenApi(s)));
        }
        default -> out.set(k, v.deepCopy());
      }
    }
    return out;
  }

  /** OpenAPI 3.0 has one type per schema and says "may be null" with {@code nullable}. */
  private static void type(ObjectNode out, JsonNode v) {
    if (!v.isArray()) {
      out.set("type", v);
      return;
    }
    String single = null;
    int nonNull = 0;
    for (JsonNode t : v) {
      if (t.asText().equals("null")) {
        out.put("nullable", true);
      } else {
        single = t.asText();
        nonNull++;
      }
    }
    if (nonNull == 1) {
      out.put("type", single);
    }
  }
}
