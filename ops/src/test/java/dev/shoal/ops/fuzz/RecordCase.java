package dev.shoal.ops.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;

/** One malformed record for an input topic, what is wrong with it, and what must become of it. */
public record RecordCase(InputTopic topic, byte[] key, byte[] value, List<Header> headers, String fault, Expect expect) {

  /** How the orchestrator reads the key (a string deserialiser replaces invalid UTF-8), cut as events cut it. */
  public static String shownKey(byte[] key) {
    if (key == null) {
      return "";
    }
    String k = new String(key, StandardCharsets.UTF_8);
    return k.length() > 128 ? k.substring(0, 128) : k;
  }

  public String describe() {
    String k = key == null ? "null" : shownKey(key);
    String v = value == null ? "null" : new String(value, StandardCharsets.UTF_8);
    return topic + " [" + fault + "] key=" + (k.length() > 60 ? k.substring(0, 60) + "…" : k) + " value="
        + (v.length() > 160 ? v.substring(0, 160) + "…(" + value.length + " bytes)" : v);
  }
}
