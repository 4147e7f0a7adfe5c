package dev.shoal.schemas;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@link ServiceSpec} inside an own record ({@link Json#fromOwnBytes}) as the object read
 * before from the same bytes, without binding them again: the read side of {@link SpecJson}. Every
 * task and assignment record carries its service's whole spec, and binding it was most of what the
 * gateway's read model and the agents' assignment reader spent per record, only for
 * {@link SpecSharing} to drop the copy for the one it had.
 *
 * <p>The spec's bytes are found by the parser itself (where its object starts, then skipping to its
 * end), compared in full with remembered ones, and bound only when new, by the same mapping. Equal
 * bytes read by one mapping make equal values, and records are immutable, so the object given is the
 * one a fresh binding would equal. Only a parser over a byte array has the offsets to go by;
 * anything else binds as before. Per thread, and forgotten past a bound.
 */
final class SpecSpans {
  private static final int MAX_SPECS = 512;
  private static final long MAX_BYTES = 8L << 20;

  private SpecSpans() {}

  /** The module that reads remembered specs; {@code bind} reads a spec's bytes when they are new. */
  static SimpleModule module(ObjectReader bind) {
    ObjectReader specs = bind.forType(ServiceSpec.class);
    SimpleModule m = new SimpleModule("shoal-spec-spans");
    m.setDeserializerModifier(new BeanDeserializerModifier() {
      @Override
      public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription desc,
                                                    JsonDeserializer<?> deserializer) {
        return desc.getBeanClass() == ServiceSpec.class ? new Remembered(deserializer, specs) : deserializer;
      }
    });
    return m;
  }

  private static final class Remembered extends DelegatingDeserializer {
    private static final ThreadLocal<Memory> MEMORY = ThreadLocal.withInitial(Memory::new);
    private final ObjectReader specs;

    Remembered(JsonDeserializer<?> delegate, ObjectReader specs) {
      super(delegate);
      this.specs = specs;
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
      return new Remembered(newDelegatee, specs);
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      Object source = p.currentTokenLocation().contentReference().getRawContent();
      if (!(p instanceof UTF8StreamJsonParser) || !(source instanceof byte[] input) || !p.hasToken(JsonToken.START_OBJECT)) {
        return super.deserialize(p, ctxt);
      }
      long start = p.currentTokenLocation().getByteOffset();
      if (start < 0 || start >= input.length || input[(int) start] != '{') {
        return super.deserialize(p, ctxt);
      }
      p.skipChildren();
      long end = p.currentTokenLocation().getByteOffset() + 1;
      if (end <= start || end > input.length || input[(int) end - 1] != '}') {
        throw new IllegalStateException("the spec's end was not found where the parser put it");
      }
      return MEMORY.get().specOf(input, (int) start, (int) end, specs);
    }
  }

  /** One thread's remembered specs, by their bytes. */
  private static final class Memory {
    private record Known(byte[] bytes, ServiceSpec spec) {}

    // By hash of the bytes; a hash shared by different specs keeps each.
    private final Map<Integer, List<Known>> byHash = new HashMap<>();
    private int count;
    private long bytes;

    ServiceSpec specOf(byte[] input, int from, int to, ObjectReader specs) throws IOException {
      int hash = hash(input, from, to);
      ServiceSpec known = find(input, from, to, hash);
      if (known != null) {
        return known;
      }
      ServiceSpec spec = specs.readValue(input, from, to - from);
      if (count >= MAX_SPECS || bytes + (to - from) > MAX_BYTES) {
        byHash.clear();
        count = 0;
        bytes = 0;
      }
      Known k = new Known(Arrays.copyOfRange(input, from, to), spec);
      byHash.computeIfAbsent(hash, h -> new ArrayList<>(1)).add(k);
      count++;
      bytes += to - from;
      return spec;
    }

    private ServiceSpec find(byte[] input, int from, int to, int hash) {
      List<Known> same = byHash.get(hash);
      if (same != null) {
        for (Known k : same) {
          if (Arrays.equals(k.bytes, 0, k.bytes.length, input, from, to)) {
            return k.spec;
          }
        }
      }
      return null;
    }

    /**
     * The length, the first and last 32 bytes (a spec begins with its name) and every 8th byte
     * between: hashing every byte cost a quarter of a record's read. Specs that hash alike are told
     * apart by the full comparison.
     */
    private static int hash(byte[] input, int from, int to) {
      int hash = to - from;
      int head = Math.min(to, from + 32);
      int tail = Math.max(head, to - 32);
      for (int i = from; i < head; i++) {
        hash = 31 * hash + input[i];
      }
      for (int i = head; i < tail; i += 8) {
        hash = 31 * hash + input[i];
      }
      for (int i = tail; i < to; i++) {
        hash = 31 * hash + input[i];
      }
      return hash;
    }
  }
}
