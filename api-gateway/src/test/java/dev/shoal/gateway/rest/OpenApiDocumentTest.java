package dev.shoal.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.schemas.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenApiDocumentTest {
  private final ObjectNode doc = OpenApiDocument.build();

  @Test
  void everyReferenceResolvesInsideTheDocument() {
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).startsWith("#/");
      assertThat(doc.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
    }
  }

  @Test
  void theServiceSpecSchemaComesFromTheValidatorsSchemaInOpenApiTerms() {
    JsonNode spec = doc.at("/components/schemas/ServiceSpec");
    assertThat(spec.get("required").toString()).isEqualTo("[\"name\"]");
    assertThat(spec.get("additionalProperties").asBoolean(true)).isFalse();
    assertThat(spec.at("/properties/replicas/maximum").asInt()).isEqualTo(10000);
    assertThat(spec.at("/properties/image/type").asText()).isEqualTo("string");
    assertThat(spec.at("/properties/image/nullable").asBoolean()).isTrue();
    assertThat(spec.at("/properties/ports/items/$ref").asText()).isEqualTo("#/components/schemas/ServiceSpec_port");
    assertThat(spec.has("$schema") || spec.has("$defs") || spec.has("$id")).isFalse();
    JsonNode amount = doc.at("/components/schemas/ServiceSpec_resourceAmount");
    assertThat(amount.at("/properties/cpus/minimum").asInt()).isZero();
    assertThat(amount.at("/properties/cpus/exclusiveMinimum").asBoolean()).isTrue();
    assertThat(Json.toString(doc)).doesNotContain("propertyNames").doesNotContain("$defs");
  }

  private static void collectRefs(JsonNode node, List<String> refs) {
    if (node.isObject()) {
      node.properties().forEach(f -> {
        if (f.getKey().equals("$ref")) {
          refs.add(f.getValue().asText());
        } else {
          collectRefs(f.getValue(), refs);
        }
      });
    } else if (node.isArray()) {
      node.forEach(n -> collectRefs(n, refs));
    }
  }
}
