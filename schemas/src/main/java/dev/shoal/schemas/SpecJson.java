package dev.shoal.schemas;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.ser.ResolvableSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Writes a {@link ServiceSpec} it wrote before as the same bytes again, without serialising it again.
 * Every task record carries its whole spec, and a decision writes a task to the tasks topic, to its
 * node's assignment and to a store: the same spec object (a service's tasks share their version's
 * spec) was serialised over and over, a large share of a decision's cost.
 *
 * <p>The bytes are the ones the same mapping writes for the spec on its own, and only a compact
 * UTF-8 writer with the mapping's own features gets them (a pretty printer, another escaping or a
 * token buffer gets the spec serialised as before), so every output is byte for byte what it was.
 * Specs are compared by identity: records are immutable, and a spec read again is another object
 * (serialised once more, then remembered). Per thread, and forgotten past a bound.
 */
final class SpecJson {
  private static final int MAX_SPECS = 512;
  private static final long MAX_BYTES = 8L << 20;

  private SpecJson() {}

  /** The module that writes remembered specs, with {@code plain} (the mapping without it) rendering them. */
  static SimpleModule module(ObjectMapper plain) {
    int defaultFeatures = plain.getFactory().getGeneratorFeatures();
    SimpleModule m = new SimpleModule("shoal-spec-json");
    m.setSerializerModifier(new BeanSerializerModifier() {
      @Override
      @SuppressWarnings("unchecked")
      public JsonSerializer<?> modifySerializer(SerializationConfig config, BeanDescription desc,
                                                JsonSerializer<?> serializer) {
        return desc.getBeanClass() == ServiceSpec.class
            ? new Cached(plain, (JsonSerializer<Object>) serializer, defaultFeatures) : serializer;
      }
    });
    return m;
  }

  private static final class Cached extends JsonSerializer<Object>
      implements ResolvableSerializer, ContextualSerializer {
    private final ObjectMapper plain;
    private final JsonSerializer<Object> serializer;
    private final int defaultFeatures;
    private final ThreadLocal<Memory> memory = ThreadLocal.withInitial(Memory::new);

    Cached(ObjectMapper plain, JsonSerializer<Object> serializer, int defaultFeatures) {
      this.plain = plain;
      this.serializer = serializer;
      this.defaultFeatures = defaultFeatures;
    }

    @Override
    public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      if (!(gen instanceof UTF8JsonGenerator) || gen.getPrettyPrinter() != null
          || gen.getCharacterEscapes() != null || gen.getFeatureMask() != defaultFeatures
          || gen.getHighestEscapedChar() != 0) {
        serializer.serialize(value, gen, provider);
        return;
      }
      gen.writeRawValue(memory.get().bytesOf((ServiceSpec) value, plain));
    }

    @Override
    public void resolve(SerializerProvider provider) throws JsonMappingException {
      if (serializer instanceof ResolvableSerializer r) {
        r.resolve(provider);
      }
    }

    /** A property that changes how the spec is written (a format, a filter) gets it written as before. */
    @Override
    public JsonSerializer<?> createContextual(SerializerProvider provider, BeanProperty property)
        throws JsonMappingException {
      JsonSerializer<?> c = serializer instanceof ContextualSerializer cs
          ? cs.createContextual(provider, property) : serializer;
      return c == serializer ? this : c;
    }

    @Override
    public void serializeWithType(Object value, JsonGenerator gen, SerializerProvider provider, TypeSerializer t)
        throws IOException {
      serializer.serializeWithType(value, gen, provider, t);
    }

    @Override
    public boolean isEmpty(SerializerProvider provider, Object value) {
      return serializer.isEmpty(provider, value);
    }
  }

  /** One thread's remembered specs. */
  private static final class Memory {
    private final Map<ServiceSpec, Raw> bySpec = new IdentityHashMap<>();
    private long bytes;

    Raw bytesOf(ServiceSpec spec, ObjectMapper plain) throws IOException {
      Raw raw = bySpec.get(spec);
      if (raw == null) {
        byte[] b = plain.writeValueAsBytes(spec);
        if (bySpec.size() >= MAX_SPECS || bytes + b.length > MAX_BYTES) {
          bySpec.clear();
          bytes = 0;
        }
        raw = new Raw(b);
        bySpec.put(spec, raw);
        bytes += b.length;
      }
      return raw;
    }
  }

  /** JSON already encoded: written as these very bytes. */
  private static final class Raw extends SerializedString {
    Raw(byte[] utf8) {
      super(new String(utf8, StandardCharsets.UTF_8));
      _unquotedUTF8Ref = utf8;
    }
  }
}
