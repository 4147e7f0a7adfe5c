package dev.shoal.schemas;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
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
 *
 * <p>Records Shoal wrote itself with this mapping (tasks, assignments, services, nodes, events, the
 * cluster record) are read by {@link #fromOwnBytes} just as strictly, except for duplicate keys: the
 * mapping never writes a key twice, and looking for one (a set of the names of every JSON object)
 * was a quarter of the gateway's read-model thread. Inputs (specs, commands, statuses, heartbeats,
 * request bodies, log batches) are read by {@link #fromBytes} and {@link #fromString}.
 */
public final class Json {
  /** Deeper documents are refused; no Shoal record nests more than a few levels. */
  public static final int MAX_NESTING_DEPTH = 32;

  private static final JsonFactory FACTORY = factory().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private static JsonFactoryBuilder factory() {
    return new JsonFactoryBuilder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING_DEPTH)
            .maxNumberLength(64)
            .maxStringLength(4 * Limits.MAX_OUTPUT_RECORD_BYTES)
            .build());
  }

  /** The mapping without {@link SpecJson}: what a spec's remembered bytes are rendered with. */
  static final ObjectMapper PLAIN = builder(FACTORY).build();

  public static final ObjectMapper MAPPER = builder(FACTORY).addModule(SpecJson.module(PLAIN)).build();

  // A mapping of its own: a reader of MAPPER told to skip the check still makes its parsers look for
  // duplicates. Its parsers know their source, so that a spec's bytes can be compared with those of
  // specs read before (SpecSpans).
  private static final ObjectReader OWN_RECORDS = builder(ownRecordsFactory()).addModule(SpecSpans.module())
      .build().reader();

  private static final ClassValue<ObjectReader> OWN_RECORD_READERS = new ClassValue<>() {
    @Override
    protected ObjectReader computeValue(Class<?> type) {
      return OWN_RECORDS.forType(type);
    }
  };

  private static JsonFactory ownRecordsFactory() {
    return factory().disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();
  }

  private static JsonMapper.Builder builder(JsonFactory factory) {
    return JsonMapper.builder(factory)
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

  /**
   * A record Shoal wrote with this mapping, read as {@link #fromBytes} reads but without looking for
   * duplicate keys (see above); never for input from outside the orchestrator.
   */
  public static <T> T fromOwnBytes(byte[] bytes, Class<T> type) {
    try {
      return OWN_RECORD_READERS.get(type).readValue(bytes);
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
