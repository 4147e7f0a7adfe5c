package dev.shoal.schemas;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON mapping every component uses, so a record reads back exactly as it was written.
 * Unknown properties fail: a typo in a spec is an error the user sees, not a silently ignored field.
 * Only record components are written (helper methods such as {@code isGlobal()} are not data).
 * Map keys are sorted, so the same value always serialises to the same bytes.
 *
 * <p>Reading is strict, the same at every door: a duplicate key, a fraction or exponent where an
 * integer belongs ({@code 1e2}), a string where a number belongs, a number or boolean where a
 * string belongs, a null for a primitive, or trailing content is an error, never a guess. (The spec
 * schema refuses {@code "name": 1}; a spec read into a record, as on the control log, must not turn
 * it into {@code "1"} and accept it.) Nesting, strings and numbers are bounded so that a hostile
 * document costs little to refuse.
 */
public final class Json {
  /** Deeper documents are refused; no Shoal record nests more than a few levels. */
  public static final int MAX_NESTING_DEPTH = 32;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_NESTING_DEPTH)
          .maxNumberLength(64)
          .maxStringLength(4 * Limits.MAX_OUTPUT_RECORD_BYTES)
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  /** The mapping without {@link SpecJson}: what a spec's remembered bytes are rendered with. */
  static final ObjectMapper PLAIN = builder().build();

  public static final ObjectMapper MAPPER = builder().addModule(SpecJson.module(PLAIN)).build();

  private static JsonMapper.Builder builder() {
    return JsonMapper.builder(FACTORY)
      .addModule(new Jdk8Module())
      .addModule(new BlackbirdModule())
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      // ALLOW_COERCION_OF_SCALARS does not stop numbers and booleans becoming strings; this does.
      .withCoercionConfig(LogicalType.Textual, c -> c
          .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      // Records carry helpers such as isGlobal(); only their components are data.
      .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  }

  private Json() {}

  public static byte[] toBytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String toString(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static <T> T fromBytes(byte[] bytes, Class<T> type) {
    try {
      return MAPPER.readValue(bytes, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static <T> T fromString(String text, Class<T> type) {
    try {
      return MAPPER.readValue(text, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
