package dev.shoal.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The schema's field limits and {@link Limits} say the same numbers. */
class SchemaLimitsTest {
  private final JsonNode schema = read();

  private static JsonNode read() {
    try {
      return Json.MAPPER.readTree(SpecValidator.schemaText());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void replicasAndNamesMatchTheLimits() {
    JsonNode props = schema.get("properties");
    assertThat(props.get("replicas").get("maximum").asInt()).isEqualTo(Limits.MAX_REPLICAS);
    assertThat(props.get("name").get("maxLength").asInt()).isEqualTo(Limits.MAX_NAME_LENGTH);
    assertThat(props.get("name").get("pattern").asText()).isEqualTo(Identifiers.SERVICE_NAME.pattern());
    assertThat(props.get("placement").get("properties").get("maxReplicasPerNode").get("maximum").asInt())
        .isEqualTo(Limits.MAX_REPLICAS);
    assertThat(schema.get("$defs").get("updateConfig").get("properties").get("parallelism").get("maximum").asInt())
        .isEqualTo(Limits.MAX_REPLICAS);
  }
}
