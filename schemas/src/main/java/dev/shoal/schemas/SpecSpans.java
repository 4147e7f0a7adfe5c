package dev.shoal.schemas;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
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
 * <p>Where the spec's object starts in the record, the bytes that follow are compared with the
 * specs read before. A remembered spec's bytes are one whole JSON object, and where an object ends
 * depends only on its own bytes, so if they are all there, the record's spec is exactly those bytes:
 * the parser skips them and the remembered object is given. Otherwise the spec is bound as before,
 * and its bytes (the parser says where it ended) remembered. Equal bytes bound by one mapping make
 * equal values, and records are immutable, so nothing can tell the object given from a fresh one.
 * Only a parser over a byte array has the offsets to go by; anything else binds as before. Per
 * thread, and forgotten past a bound.
 */
final class SpecSpans {
  /** Distinct specs a thread remembers (as many as {@link SpecSharing} keeps service versions). */
  private static final int MAX_SPECS = 4_096;
  private static final long MAX_BYTES = 16L << 20;
  /** How many of a spec's first bytes its lookup hashes (a spec begins with its name). */
  private static final int PREFIX = 128;
  /**
   * Specs kept per hash, most recently read first: a service's versions often share their first
   * bytes (a scale changes only its replicas), and a lookup compares each one kept.
   */
  private static final int MAX_ALIKE = 8;

  private SpecSpans() {}

  /** The module that gives remembered specs. */
  static SimpleModule module() {
    SimpleModule m = new SimpleModule("shoal-spec-spans");
    m.setDeserializerModifier(new BeanDeserializerModifier() {
      @Override
      public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription desc,
                                                    JsonDeserializer<?> deserializer) {
        return desc.getBeanClass() == ServiceSpec.class ? new Remembered(deserializer) : deserializer;
      }
    });
    return m;
  }

  private static final class Remembered extends DelegatingDeserializer {
    private static final ThreadLocal<Memory> MEMORY = ThreadLocal.withInitial(Memory::new);

    Remembered(JsonDeserializer<?> delegate) {
      super(delegate);
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
      return new Remembered(newDelegatee);
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!(p instanceof UTF8StreamJsonParser) || !p.hasToken(JsonToken.START_OBJECT)) {
        return super.deserialize(p, ctxt);
      }
      JsonLocation at = p.currentTokenLocation();
      long offset = at.getByteOffset();
      // Offsets count from the start of the content read, so the whole array must be the content.
      if (!(at.contentReference().getRawContent() instanceof byte[] input) || at.contentReference().contentOffset() > 0
          || offset < 0 || offset >= input.length || input[(int) offset] != '{') {
        return super.deserialize(p, ctxt);
      }
      int start = (int) offset;
      Memory memory = MEMORY.get();
      int hash = Memory.hash(input, start);
      Memory.Known known = memory.find(hash, input, start);
      if (known != null) {
        p.skipChildren();
        if (end(p) != start + known.bytes().length) {
          throw new IllegalStateException("a remembered spec's bytes ended elsewhere in the record");
        }
        return known.spec();
      }
      Object spec = super.deserialize(p, ctxt);
      int end = end(p);
      if (spec instanceof ServiceSpec s && end > start && end <= input.length && input[end - 1] == '}') {
        memory.remember(hash, input, start, end, s);
      }
      return spec;
    }

    /** Just past the object the parser's current token ends. */
    private static int end(JsonParser p) {
      return (int) p.currentTokenLocation().getByteOffset() + 1;
    }
  }

  /** One thread's remembered specs, by a hash of their first bytes. */
  private static final class Memory {
    private record Known(byte[] bytes, ServiceSpec spec) {}

    private final Map<Integer, List<Known>> byHash = new HashMap<>();
    private int count;
    private long bytes;

    /** The remembered spec whose bytes {@code input} holds from {@code start}, or null. */
    Known find(int hash, byte[] input, int start) {
      List<Known> same = byHash.get(hash);
      if (same != null) {
        for (int i = 0; i < same.size(); i++) {
          Known k = same.get(i);
          int end = start + k.bytes.length;
          if (end <= input.length && Arrays.equals(k.bytes, 0, k.bytes.length, input, start, end)) {
            if (i > 0) {
              same.add(0, same.remove(i));
            }
            return k;
          }
        }
      }
      return null;
    }

    void remember(int hash, byte[] input, int start, int end, ServiceSpec spec) {
      if (count >= MAX_SPECS || bytes + (end - start) > MAX_BYTES) {
        byHash.clear();
        count = 0;
        bytes = 0;
      }
      List<Known> same = byHash.computeIfAbsent(hash, h -> new ArrayList<>(1));
      if (same.size() >= MAX_ALIKE) {
        Known dropped = same.remove(same.size() - 1);
        count--;
        bytes -= dropped.bytes.length;
      }
      same.add(0, new Known(Arrays.copyOfRange(input, start, end), spec));
      count++;
      bytes += end - start;
    }

    /** Of the first {@link #PREFIX} bytes from {@code start} (fewer at the input's end). */
    static int hash(byte[] input, int start) {
      int hash = 1;
      for (int i = start, end = Math.min(input.length, start + PREFIX); i < end; i++) {
        hash = 31 * hash + input[i];
      }
      return hash;
    }
  }
}
