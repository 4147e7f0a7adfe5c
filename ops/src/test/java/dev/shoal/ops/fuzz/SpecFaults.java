package dev.shoal.ops.fuzz;

import static dev.shoal.ops.fuzz.Hostile.quote;

import dev.shoal.schemas.Limits;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Service specs with exactly one thing wrong, each of which every door must refuse: a wrong type,
 * a value out of range or off the grammar, a string or list just over its limit (docs/limits.md),
 * an unknown field, a duplicate key, trailing garbage, nesting over the limit, odd Unicode in the
 * name, invalid UTF-8, a document over 64 KiB, or no document at all. The base spec is valid and
 * harmless: its tasks are constrained to a node label no node has, so if a fault were ever
 * accepted nothing would run.
 */
public final class SpecFaults {
  /** A constraint no node satisfies: an accepted spec by mistake places nothing. */
  public static final String NOWHERE = "{\"constraints\":[\"node.labels.fuzz==never\"]}";

  /** Values of the right JSON type but outside the rules, per field (all refused by SpecValidator). */
  private static final Map<String, List<String>> BAD_VALUES = badValues();

  private final Hostile h;
  private final boolean asRecord;

  /**
   * {@code asRecord}: the spec travels inside a control message, where the orchestrator reads it
   * into a record and writes it out again before validating. That drops whitespace and null
   * fields, so a padded or {@code null}-valued fault would become a valid spec: those are not made.
   */
  public SpecFaults(Hostile h, boolean asRecord) {
    this.h = h;
    this.asRecord = asRecord;
  }

  /** The valid base spec's fields, in order, as JSON text. */
  public static Map<String, String> base(String name) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("name", quote(name));
    f.put("command", "[\"sleep\",\"600\"]");
    f.put("replicas", "1");
    f.put("placement", NOWHERE);
    return f;
  }

  public static String object(Map<String, String> fields) {
    StringBuilder b = new StringBuilder("{");
    fields.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append(quote(k)).append(':').append(v));
    return b.append('}').toString();
  }

  /** A spec named {@code name} with one fault. */
  public Doc any(String name) {
    Map<String, String> f = base(name);
    int kind = h.below(100);
    if (kind < 22) {
      return badValue(f);
    }
    if (kind < 38) {
      return wrongType(f);
    }
    if (kind < 50) {
      return overLimit(f, name);
    }
    if (kind < 56) {
      f.put(h.oneOf("nmae", "Name", "replica", "image ", "x", "\u0000", "__proto__", h.repeat(300)), h.value());
      return Doc.invalid(object(f), "unknown field");
    }
    if (kind < 61) {
      String text = object(f);
      return Doc.invalid(text.substring(0, text.length() - 1) + ",\"name\":" + h.oneOf(quote(name), "\"other\"") + "}",
          "duplicate key");
    }
    if (kind < 66) {
      return Doc.invalid(object(f) + h.oneOf("x", "}", "{}", ",", "\u0000", " null", "[]"), "trailing garbage");
    }
    if (kind < 71) {
      // The document nests one level more than the field: 32 is just over the limit of 32.
      int depth = h.oneOf(32, 33, 300, 5000);
      f.put(h.oneOf("placement", "labels", "command", "env"), h.nested(depth));
      return Doc.invalid(object(f), "nesting " + (depth + 1) + " levels");
    }
    if (kind < 77) {
      f.put("name", quote(h.pick(Hostile.ODD_UNICODE) + h.oneOf("", "web", h.pick(Hostile.ODD_UNICODE))));
      return Doc.invalid(object(f), "odd unicode in the name");
    }
    if (kind < 80) {
      String text = object(f);
      int at = text.indexOf(name) + 1;
      return new Doc(h.withInvalidUtf8(text.substring(0, at), text.substring(at)), "invalid UTF-8 in the name",
          Doc.INVALID);
    }
    if (kind < 85) {
      return notASpec();
    }
    if (kind < 90) {
      return asRecord ? overLimit(f, name) : oversized(f);
    }
    if (kind < 93) {
      return pathological(f);
    }
    return semantic(f);
  }

  private Doc badValue(Map<String, String> f) {
    List<String> fields = List.copyOf(BAD_VALUES.keySet());
    String field = h.pick(fields);
    String value = h.pick(BAD_VALUES.get(field));
    if (asRecord && value.equals("null")) {
      value = "-1";
    }
    f.put(field, value);
    if (field.equals("image")) {
      f.remove("command");
    }
    return Doc.invalid(object(f), "bad value of " + field);
  }

  private Doc wrongType(Map<String, String> f) {
    String field = h.oneOf("name", "image", "command", "args", "env", "labels", "mode", "replicas", "ports",
        "placement", "resources", "restartPolicy", "updateConfig", "rollbackConfig", "healthcheck", "workdir",
        "user", "stopSignal", "stopGracePeriod", "readOnly", "mounts", "forceUpdate");
    String v = switch (field) {
      case "replicas", "forceUpdate" -> h.oneOf(asRecord ? "\"2\"" : h.pick(Hostile.NON_NUMBERS), "-1", "1.5", "1e2",
          field.equals("replicas") ? "2147483648" : "9007199254740992", "1e309", "9223372036854775808",
          "1" + "0".repeat(70));
      case "command", "args", "ports", "mounts" -> h.oneOf("\"sleep 600\"", "1", "{}", "true", "{\"0\":\"sleep\"}");
      case "env", "labels", "placement", "resources", "restartPolicy", "updateConfig", "rollbackConfig",
          "healthcheck" -> h.oneOf("\"x\"", "1", "[]", "true", "[{}]");
      case "readOnly" -> h.oneOf("\"true\"", "1", "\"yes\"", "[]");
      default -> h.oneOf("1", "[]", "{}", "true", "1.5", "[\"x\"]");
    };
    f.put(field, v);
    return Doc.invalid(object(f), "wrong type of " + field);
  }

  /** One field just over (or far over) its documented limit. */
  private Doc overLimit(Map<String, String> f, String name) {
    int which = h.below(16);
    String label;
    switch (which) {
      case 0 -> { f.put("name", quote(h.repeat(Limits.MAX_NAME_LENGTH + 1))); label = "name of 64"; }
      case 1 -> { f.put("image", quote("a" + h.repeat(512))); f.remove("command"); label = "image of 513"; }
      case 2 -> { f.put("env", "{\"A\":" + quote(h.repeat(32 * 1024 + 1)) + "}"); label = "env value of 32 KiB + 1"; }
      case 3 -> { f.put("env", "{" + quote("A" + h.repeat(255)) + ":\"x\"}"); label = "env key of 256"; }
      case 4 -> { f.put("env", entries(513, "E", "\"x\"")); label = "513 env entries"; }
      case 5 -> { f.put("labels", "{\"k\":" + quote(h.repeat(4097)) + "}"); label = "label value of 4 KiB + 1"; }
      case 6 -> { f.put("labels", entries(129, "l", "\"x\"")); label = "129 labels"; }
      case 7 -> { f.put("command", list(1025, "\"x\"")); label = "1025 command items"; }
      case 8 -> { f.put("command", "[" + quote(h.repeat(32 * 1024 + 1)) + "]"); label = "command item of 32 KiB + 1"; }
      case 9 -> { f.put("ports", list(101, "{\"target\":80}")); label = "101 ports"; }
      case 10 -> { f.put("placement", "{\"constraints\":" + list(65, "\"node.labels.a==b\"") + "}"); label = "65 constraints"; }
      case 11 -> { f.put("placement", "{\"constraints\":[" + quote("node.labels.a==" + h.repeat(500)) + "]}"); label = "constraint of 515"; }
      case 12 -> { f.put("placement", "{\"preferences\":" + list(9, "{\"spread\":\"node.id\"}") + "}"); label = "9 preferences"; }
      case 13 -> { f.put("workdir", quote("/" + h.repeat(4096))); label = "workdir of 4097"; }
      case 14 -> { f.put("stopGracePeriod", quote("1" + "0".repeat(64) + "s")); label = "duration text of 66"; }
      default -> { f.put("user", quote(h.repeat(257))); label = "user of 257"; }
    }
    return Doc.invalid(object(f), label);
  }

  /** Not a spec object at all (another kind of JSON, or no JSON). */
  private Doc notASpec() {
    String text = h.oneOf("null", "[]", "\"web\"", "1", "true", "{}", "[" + object(base("web")) + "]",
        "{\"command\":{\"type\":\"scale\",\"service\":\"web\",\"replicas\":1}}", "{\"nodeId\":\"n\",\"sequence\":1}",
        h.notJson());
    return Doc.invalid(text, "not a spec: " + (text.length() > 20 ? text.substring(0, 20) + "…" : text));
  }

  /** Valid JSON over the 64 KiB spec limit: just over, or far over. */
  private Doc oversized(Map<String, String> f) {
    int size = h.oneOf(Limits.MAX_SPEC_BYTES + 1, Limits.MAX_SPEC_BYTES + 1, 300_000);
    String text = object(f);
    // Whitespace is valid JSON between tokens: the document stays a valid spec, only too large.
    String padded = "{" + " ".repeat(size - text.length()) + text.substring(1);
    return Doc.tooLarge(padded, "spec of " + size + " bytes");
  }

  /**
   * Strings over their maximum length that are hard on regular expressions, which a JSON Schema
   * validator applies whatever the length: a name failing the pattern only at its end (a
   * backtracking pattern spends quadratic time or worse), and long runs of a repeated group (a
   * recursive regex engine, such as Java's, overflows its stack on a group repeated thousands of times).
   */
  private Doc pathological(Map<String, String> f) {
    int n = h.oneOf(200, 5_000, 30_000);
    switch (h.below(3)) {
      case 0 -> {
        f.put("name", quote("a".repeat(2 * n) + h.oneOf("!", "-", "_", ".")));
        return Doc.invalid(object(f), "name of " + 2 * n + " characters failing the pattern at its end");
      }
      case 1 -> {
        f.put("name", quote("a-".repeat(n) + "a"));
        return Doc.invalid(object(f), "name of " + n + " repeated \"a-\"");
      }
      default -> {
        String field = h.oneOf("stopGracePeriod", "restartPolicy", "updateConfig");
        String duration = quote("1s".repeat(n));
        f.put(field, field.equals("stopGracePeriod") ? duration : "{\"delay\":" + duration + "}");
        return Doc.invalid(object(f), field + " duration of " + n + " repeated \"1s\"");
      }
    }
  }

  /** Rules a schema cannot say. */
  private Doc semantic(Map<String, String> f) {
    String label;
    switch (h.below(7)) {
      case 0 -> { f.put("mode", "\"global\""); label = "global with replicas"; }
      case 1 -> { f.remove("command"); label = "neither image nor command"; }
      case 2 -> { f.put("ports", "[{\"target\":80,\"published\":8080},{\"target\":81,\"published\":8080}]"); label = "a published port twice"; }
      case 3 -> { f.put("readOnly", "true"); label = "readOnly on the process runtime"; }
      case 4 -> { f.put("healthcheck", "{\"interval\":\"5s\"}"); label = "a process health check without a test"; }
      case 5 -> { f.put("resources", "{\"limits\":{\"memory\":\"64M\"}}"); label = "limits on the process runtime"; }
      default -> { f.put("mounts", "[{\"type\":\"tmpfs\",\"target\":\"/t\"}]"); label = "mounts on the process runtime"; }
    }
    return Doc.invalid(object(f), label);
  }

  private static String entries(int n, String prefix, String value) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < n; i++) {
      b.append(i > 0 ? "," : "").append('"').append(prefix).append(i).append("\":").append(value);
    }
    return b.append('}').toString();
  }

  private static String list(int n, String item) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      b.append(i > 0 ? "," : "").append(item);
    }
    return b.append(']').toString();
  }

  private static Map<String, List<String>> badValues() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("name", List.of("\"\"", "\"../../x\"", "\"-a\"", "\"a-\"", "\"a.b\"", "\"web.2\"", "\"a b\"", "\"a/b\"",
        "\"%2e%2e\"", "\"a\\u0000\"", "\"\\u202eweb\""));
    m.put("image", List.of("\"\"", "\"-bad\"", "\"a b\"", "\"a\\u0000\"", "\"UPPER!\"", "\"\\ud800\""));
    m.put("command", List.of("[]", "[\"a\\u0000b\"]", "[1]", "[null]", "[[\"sleep\"]]"));
    m.put("args", List.of("[1]", "[null]", "[\"\\u0000\"]", "[{}]"));
    m.put("env", List.of("{\"1A\":\"x\"}", "{\"A\":1}", "{\"A\":null}", "{\"A\":\"\\u0000\"}", "{\"\":\"x\"}",
        "{\"A-B\":\"x\"}", "{\"\\ud83d\\ude00\":\"x\"}"));
    m.put("labels", List.of("{\"a=b\":\"x\"}", "{\"\":\"x\"}", "{\"a b\":\"x\"}", "{\"k\":1}", "{\"k\":\"\\u0000\"}",
        "{\"k\":null}"));
    m.put("mode", List.of("\"weird\"", "\"Replicated\"", "\"\"", "null", "\"global \""));
    m.put("replicas", List.of("-1", "10001", "2000000000", "2147483648", "-2147483649", "1e2", "1.0", "1e309", "null"));
    m.put("ports", List.of("[{\"target\":0}]", "[{\"target\":70000}]", "[{\"target\":\"80\"}]",
        "[{\"target\":80,\"protocol\":\"sctp\"}]", "[{\"target\":80,\"published\":-1}]", "[{\"target\":80,\"mode\":\"x\"}]",
        "[{}]", "[1]"));
    m.put("placement", List.of("{\"constraints\":[\"node.hostname!==x\"]}", "{\"constraints\":[\"x\"]}",
        "{\"constraints\":[\"node.labels.a==b\\u0000\"]}", "{\"preferences\":[{\"spread\":\"bad\"}]}",
        "{\"maxReplicasPerNode\":-1}", "{\"constraints\":\"node.id==x\"}", "{\"constraints\":[\"node.labels.==x\"]}"));
    m.put("resources", List.of("{\"reservations\":{\"cpus\":0}}", "{\"reservations\":{\"cpus\":2000}}",
        "{\"reservations\":{\"cpus\":-1}}", "{\"reservations\":{\"cpus\":1e309}}", "{\"reservations\":{\"memory\":\"1Z\"}}",
        "{\"reservations\":{\"memory\":\"2P\"}}", "{\"reservations\":{\"memory\":\"99999999999999999999999\"}}",
        "{\"reservations\":{\"memory\":-1}}"));
    m.put("restartPolicy", List.of("{\"condition\":\"sometimes\"}", "{\"maxAttempts\":1000001}", "{\"delay\":\"2h\"}",
        "{\"window\":\"25h\"}", "{\"delay\":\"1y\"}", "{\"delay\":\"-1s\"}", "{\"delay\":\"9999999999999999h\"}"));
    m.put("updateConfig", List.of("{\"parallelism\":-1}", "{\"failureAction\":\"explode\"}", "{\"maxFailureRatio\":2}",
        "{\"monitor\":\"2h\"}", "{\"delay\":\"99999999999999999999h\"}", "{\"order\":\"random\"}",
        "{\"parallelism\":10001}"));
    m.put("rollbackConfig", List.of("{\"parallelism\":-1}", "{\"maxFailureRatio\":-0.5}", "{\"monitor\":\"1.5.5s\"}"));
    m.put("healthcheck", List.of("{\"test\":[\"FOO\"]}", "{\"test\":[\"CMD\"]}", "{\"test\":[\"NONE\",\"x\"]}",
        "{\"retries\":101,\"test\":[\"CMD\",\"true\"]}", "{\"interval\":\"2h\",\"test\":[\"CMD\",\"true\"]}",
        "{\"interval\":\"1us\",\"test\":[\"CMD\",\"true\"]}", "{\"test\":[]}"));
    m.put("workdir", List.of("\"relative\"", "\"/a\\u0000\"", "\"\""));
    m.put("user", List.of("\"a b\"", "\"root:\"", "\":x\"", "\"\"", "\"-u\""));
    m.put("stopSignal", List.of("\"SIGFOO\"", "\"sigterm\"", "\"99\"", "\"SIGRTMAX-31\"", "\"0\"", "\"\""));
    m.put("stopGracePeriod", List.of("\"2h\"", "\"1y\"", "\"-1s\"", "\"5\"", "\"\"", "\"1h0m0.000000001s\""));
    m.put("mounts", List.of("[{\"type\":\"bind\",\"source\":\"/tmp\",\"target\":\"/x\"}]", "[{\"type\":\"nfs\"}]",
        "[{\"type\":\"bind\",\"target\":\"relative\"}]"));
    m.put("forceUpdate", List.of("-1", "9007199254740992", "1.5"));
    return m;
  }
}
