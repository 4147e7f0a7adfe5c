package dev.shoal.ops.fuzz;

import static dev.shoal.ops.fuzz.Hostile.quote;

import dev.shoal.schemas.Limits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.DefaultRecord;
import org.apache.kafka.common.record.DefaultRecordBatch;

/**
 * Malformed records for every input topic, one fault each, with what must become of them. None is
 * valid: a record that the orchestrator would apply (a node, a service, a rotated token) is never
 * made, so the cluster under test keeps serving. {@code tag} makes each record's key, request id
 * and names unique within a run, which is how its rejection event is found again.
 */
public final class RecordFaults {
  static final String RID = "shoal-request-id";
  static final String PRINCIPAL = "shoal-principal";
  static final String EXPECTED_VERSION = "shoal-expected-version";
  private static final Set<String> INVALID = Set.of(Doc.INVALID);
  private static final Set<String> TOO_LARGE = Set.of(Doc.TOO_LARGE);
  private static final Set<String> NOT_FOUND = Set.of("not_found");
  /** The input topics' max.message.bytes (1 MiB + 12, as the catalogue sets it): a record batch of one record. */
  static final int BROKER_RECORD_LIMIT = 1024 * 1024 + 12;

  private final Hostile h;
  private final SpecFaults specs;
  private final SpecFaults controlSpecs;

  public RecordFaults(Hostile h) {
    this.h = h;
    this.specs = new SpecFaults(h, false);
    this.controlSpecs = new SpecFaults(h, true);
  }

  public RecordCase next(InputTopic topic, String tag) {
    return switch (topic) {
      case SPECS -> spec(tag);
      case COMMANDS -> command(tag);
      case TASK_STATUS -> status(tag);
      case HEARTBEATS -> heartbeat(tag);
      case LIVENESS, TIMERS -> control(topic, tag);
    };
  }

  // ---- shoal.specs ----

  private RecordCase spec(String tag) {
    String name = "fk" + tag;
    String rid = "rid-" + tag;
    int kind = h.below(100);
    if (kind < 60) {
      Doc d = specs.any(name);
      return rejected(InputTopic.SPECS, bytes(name), d.bytes(), headers(rid), d.fault(), Set.of(d.code()), rid, name);
    }
    String valid = SpecFaults.object(SpecFaults.base(name));
    if (kind < 70) {
      // A tombstone for a service nobody created: the decision refuses it (not found).
      return rejected(InputTopic.SPECS, bytes(name), null, headers(rid), "tombstone of an unknown service", NOT_FOUND,
          rid, name);
    }
    if (kind < 82) {
      // None of these keys is a service name, so even a tombstone under one is refused as invalid.
      byte[] key = h.oneOf(null, bytes(h.oneOf("../../x", "a b", "-a", "web.2", "", " ", "\u202efk")),
          bytes(name + h.repeat(h.oneOf(60, 300, 10_000))), h.withInvalidUtf8(name, ""), bytes(name + "\u0000"));
      boolean tombstone = h.chance(0.2);
      return rejected(InputTopic.SPECS, key, tombstone ? null : bytes(valid), headers(rid),
          "bad key" + (tombstone ? " on a tombstone" : ""), INVALID, rid, null);
    }
    if (kind < 92) {
      // Headers the intake must refuse rather than believe; the spec itself is valid.
      List<Header> hs = new ArrayList<>();
      String header = h.oneOf(PRINCIPAL, EXPECTED_VERSION, RID);
      hs.add(new RecordHeader(header, h.oneOf(bytes("a b"), bytes(h.repeat(257)), bytes(""), h.withInvalidUtf8("p", ""),
          bytes(header.equals(EXPECTED_VERSION) ? h.oneOf("abc", "-1", "1e2", " ", "1.0", "99999999999999999999") : "\t"))));
      if (!header.equals(RID)) {
        hs.add(new RecordHeader(RID, bytes(rid)));
      }
      return rejected(InputTopic.SPECS, bytes(name), bytes(valid), hs, "bad header " + header, INVALID,
          header.equals(RID) ? null : rid, name);
    }
    // A valid spec under a key of another name.
    String other = SpecFaults.object(SpecFaults.base("fk" + tag + "other"));
    return rejected(InputTopic.SPECS, bytes(name), bytes(other), headers(rid), "key differs from the spec name", INVALID,
        rid, name);
  }

  // ---- shoal.commands ----

  private RecordCase command(String tag) {
    String target = "fk" + tag;
    String rid = "rid-" + tag;
    int kind = h.below(100);
    if (kind < 18) {
      // Well-formed commands about things that do not exist: refused by the decision.
      String cmd = h.oneOf(
          "{\"type\":\"scale\",\"service\":" + quote(target) + ",\"replicas\":" + h.below(10_001) + "}",
          "{\"type\":\"rollback\",\"service\":" + quote(target) + "}",
          "{\"type\":\"node-update\",\"nodeId\":" + quote(target) + ",\"availability\":\"drain\"}",
          "{\"type\":\"node-remove\",\"nodeId\":" + quote(target) + ",\"force\":" + h.oneOf("true", "false") + "}");
      return rejected(InputTopic.COMMANDS, bytes(target), bytes(envelope(cmd, rid)), headers(rid),
          "command about an unknown entity", NOT_FOUND, rid, null);
    }
    if (kind < 60) {
      String cmd = h.oneOf(
          "{\"type\":\"scale\",\"service\":" + quote(target) + ",\"replicas\":" + h.oneOf("-1", "10001", "2000000000",
              "\"3\"", "1.5", "2147483648", "null", "1e2", "1e309", "true") + "}",
          "{\"type\":\"scale\",\"service\":" + quote(h.oneOf("../../x", "", "a b", h.repeat(64), "\u0000",
              "\ud83d\ude00", "web.2")) + ",\"replicas\":1}",
          "{\"type\":\"scale\",\"service\":" + h.oneOf("5", "[5]", "true", "1.5") + ",\"replicas\":1}",
          "{\"type\":" + quote(h.oneOf("explode", "Scale", "", "scale ")) + ",\"service\":" + quote(target) + "}",
          "{\"service\":" + quote(target) + ",\"replicas\":1}",
          "{\"type\":\"node-update\",\"nodeId\":" + quote(target) + ",\"availability\":"
              + quote(h.oneOf("weird", "DRAIN", "", "drain ")) + "}",
          "{\"type\":\"node-update\",\"nodeId\":" + quote(target) + ",\"role\":\"king\"}",
          "{\"type\":\"node-update\",\"nodeId\":" + quote(target) + "}",
          "{\"type\":\"node-update\",\"nodeId\":" + quote(target) + ",\"labels\":" + badNodeLabels() + "}",
          "{\"type\":\"node-update\",\"nodeId\":" + quote(h.oneOf("../../x", "", h.repeat(129))) + ",\"role\":\"worker\"}",
          "{\"type\":\"node-remove\",\"nodeId\":" + quote(h.oneOf("../../x", "", h.repeat(129), "a b")) + "}",
          "{\"type\":\"join-token-rotate\",\"role\":" + h.oneOf("\"admin\"", "null", "1", "\"\"", "\"Worker\"") + "}",
          "{\"type\":\"rollback\",\"service\":" + quote(target) + ",\"extra\":1}",
          h.nested(h.oneOf(40, 3000)));
      String env = h.chance(0.85) ? envelope(cmd, rid) : h.oneOf(
          "{\"command\":{\"type\":\"rollback\",\"service\":" + quote(target) + "},\"principal\":\"a b\",\"requestId\":"
              + quote(rid) + "}",
          "{\"command\":{\"type\":\"rollback\",\"service\":" + quote(target) + "},\"principal\":" + quote(h.repeat(257))
              + ",\"requestId\":" + quote(rid) + "}",
          "{\"command\":{\"type\":\"rollback\",\"service\":" + quote(target) + "},\"requestId\":" + quote(rid)
              + ",\"issuedAt\":" + h.oneOf("\"x\"", "1.5", "1e309", "null") + "}",
          "{\"command\":null,\"requestId\":" + quote(rid) + "}",
          "{\"requestId\":" + quote(rid) + "}",
          "{\"command\":{\"type\":\"rollback\",\"service\":" + quote(target) + "},\"requestId\":" + quote(rid)
              + ",\"unknown\":1}");
      return rejected(InputTopic.COMMANDS, bytes(target), bytes(env), headers(rid), "invalid command", INVALID, rid,
          target);
    }
    String good = envelope("{\"type\":\"rollback\",\"service\":" + quote(target) + "}", rid);
    return structural(InputTopic.COMMANDS, tag, target, good, Limits.MAX_COMMAND_BYTES, rid);
  }

  private static String envelope(String command, String rid) {
    return "{\"command\":" + command + ",\"principal\":\"fuzz\",\"requestId\":" + quote(rid) + ",\"issuedAt\":0}";
  }

  private String badNodeLabels() {
    return h.oneOf("{\"a=b\":\"x\"}", "{\"\":\"x\"}", "{\"k\":" + quote(h.repeat(257)) + "}",
        "{" + quote(h.repeat(129)) + ":\"x\"}", "{\"k\":\"a=b\"}", "{\"k\":\"\\u00e9\"}", "{\"k\":[]}", "[]", "\"x\"",
        labels(65));
  }

  static String labels(int n) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < n; i++) {
      b.append(i > 0 ? "," : "").append("\"k").append(i).append("\":\"v\"");
    }
    return b.append('}').toString();
  }

  // ---- shoal.task-status ----

  private RecordCase status(String tag) {
    String task = "fk" + tag;
    String rid = "rid-" + tag;
    int kind = h.below(100);
    if (kind < 15) {
      // Well-formed, about a task that does not exist: copied to the control log and ignored there.
      String msg = h.oneOf("started", h.repeat(5_000), "\u202e\ud83d\ude00", "a\u0000b");
      String status = "{\"taskId\":" + quote(task) + ",\"nodeId\":" + quote(h.oneOf("node-1", "node-2", task))
          + ",\"state\":" + quote(h.oneOf("RUNNING", "FAILED", "COMPLETE", "NEW", "ORPHANED")) + ",\"message\":"
          + quote(msg) + ",\"timestamp\":" + h.oneOf("0", "-1", "9223372036854775807") + "}";
      return new RecordCase(InputTopic.TASK_STATUS, bytes(task), bytes(status), headers(rid),
          "status of an unknown task", new Expect.Ignored(task));
    }
    if (kind < 60) {
      String base = "\"taskId\":" + quote(task) + ",\"nodeId\":\"node-1\"";
      String status = h.oneOf(
          "{\"nodeId\":\"node-1\",\"state\":\"RUNNING\"}",
          "{\"taskId\":" + quote(task) + ",\"state\":\"RUNNING\"}",
          "{" + base + "}",
          "{" + base + ",\"state\":" + h.oneOf("\"weird\"", "\"RUNNING \"", "5", "null", "[]", "\"\\u0000\"") + "}",
          "{\"taskId\":" + quote(h.oneOf("../../x", "", h.repeat(129), "\ud83d\ude00", "a b")) + ",\"nodeId\":\"node-1\",\"state\":\"RUNNING\"}",
          "{\"taskId\":" + quote(task) + ",\"nodeId\":" + quote(h.oneOf("../../x", "", h.repeat(129))) + ",\"state\":\"RUNNING\"}",
          "{" + base + ",\"state\":\"FAILED\",\"exitCode\":" + h.oneOf("2147483648", "1.5", "\"1\"", "1e309") + "}",
          "{" + base + ",\"state\":\"RUNNING\",\"timestamp\":" + h.oneOf("\"x\"", "1.5", "1e309", "null") + "}",
          "{" + base + ",\"state\":\"RUNNING\",\"ports\":" + h.oneOf("\"x\"", "[1]", "[{\"target\":\"80\"}]", "{}") + "}",
          "{" + base + ",\"state\":\"RUNNING\",\"health\":" + h.oneOf("[]", "{}") + "}",
          "{" + base + ",\"state\":\"RUNNING\",\"unknown\":1}",
          "{" + base + ",\"state\":\"RUNNING\",\"taskId\":\"dup\"}");
      return rejected(InputTopic.TASK_STATUS, bytes(task), bytes(status), headers(rid), "invalid status", INVALID, rid,
          task);
    }
    String good = "{\"taskId\":" + quote(task) + ",\"nodeId\":\"node-1\",\"state\":\"RUNNING\",\"timestamp\":0}";
    return structural(InputTopic.TASK_STATUS, tag, task, good, Limits.MAX_STATUS_BYTES, rid);
  }

  // ---- shoal.heartbeats ----

  private RecordCase heartbeat(String tag) {
    String node = "fk" + tag;
    String desc = "{\"hostname\":\"h\",\"resources\":{\"cpus\":1,\"memoryBytes\":1024}}";
    int kind = h.below(100);
    if (kind < 55) {
      String id = quote(node);
      String hb = h.oneOf(
          "{\"nodeId\":" + quote(node + "x") + ",\"sequence\":1,\"description\":" + desc + "}",
          "{\"nodeId\":" + quote(h.oneOf("../../x", "", h.repeat(129), "\ud83d\ude00", "a b", "\u0000")) + ",\"sequence\":1}",
          "{\"sequence\":1,\"description\":" + desc + "}",
          "{\"nodeId\":" + id + ",\"sequence\":" + h.oneOf("-1", "\"1\"", "1.5", "9223372036854775808", "null", "1e309") + "}",
          "{\"nodeId\":" + id + ",\"sequence\":1,\"runningTaskIds\":" + h.oneOf("[[1]]", "[{}]", "\"x\"",
              taskIds(5_001)) + "}",
          "{\"nodeId\":" + id + ",\"sequence\":1,\"description\":{\"hostname\":" + quote(h.oneOf("", h.repeat(254))) + "}}",
          "{\"nodeId\":" + id + ",\"sequence\":1,\"description\":{\"hostname\":\"h\",\"engineLabels\":" + badNodeLabels() + "}}",
          "{\"nodeId\":" + id + ",\"sequence\":1,\"description\":{\"hostname\":\"h\",\"resources\":{\"cpus\":"
              + h.oneOf("-1", "1e309", "-1e309", "NaN", "\"1\"") + ",\"memoryBytes\":1}}}",
          "{\"nodeId\":" + id + ",\"sequence\":1,\"description\":{\"hostname\":\"h\",\"resources\":{\"cpus\":1,\"memoryBytes\":"
              + h.oneOf("-1", "1.5", "9223372036854775808", "1e309") + "}}}",
          "{\"nodeId\":" + id + ",\"sequence\":1,\"description\":" + desc + ",\"unknown\":1}",
          "{\"nodeId\":" + id + ",\"sequence\":1,\"joinProof\":[]}");
      byte[] key = h.chance(0.1) ? null : bytes(node);
      return rejected(InputTopic.HEARTBEATS, key, bytes(hb), junkHeaders(), "invalid heartbeat", INVALID, null,
          RecordCase.shownKey(key));
    }
    // A heartbeat that would be valid but for its structure (so never one that registers a node):
    // its key is made to differ from the node id when the structure itself would pass.
    String good = "{\"nodeId\":" + quote(node + "-not-the-key") + ",\"sequence\":1,\"description\":" + desc + "}";
    return structural(InputTopic.HEARTBEATS, tag, node, good, Limits.MAX_HEARTBEAT_BYTES, null);
  }

  private static String taskIds(int n) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      b.append(i > 0 ? "," : "").append("\"t").append(i).append('"');
    }
    return b.append(']').toString();
  }

  // ---- shoal.liveness and shoal.timers: control messages the orchestrator writes itself ----

  private RecordCase control(InputTopic topic, String tag) {
    String name = "fk" + tag;
    int kind = h.below(100);
    String value;
    String fault;
    if (kind < 25) {
      Doc d = controlSpecs.any(name);
      value = "{\"kind\":\"spec-applied\",\"spec\":" + d.text() + ",\"principal\":\"fuzz\"}";
      fault = "spec-applied: " + d.fault();
    } else if (kind < 60) {
      value = h.oneOf(
          "{\"kind\":\"spec-applied\",\"spec\":" + SpecFaults.object(SpecFaults.base(name)) + ",\"expectedVersion\":-1}",
          "{\"kind\":\"spec-applied\",\"spec\":" + SpecFaults.object(SpecFaults.base(name)) + ",\"principal\":\"a b\"}",
          "{\"kind\":\"spec-applied\",\"spec\":null}",
          "{\"kind\":\"spec-removed\",\"name\":" + quote(h.oneOf("../../x", "", "a b", h.repeat(64))) + "}",
          "{\"kind\":\"spec-removed\",\"name\":" + quote(name) + ",\"requestId\":" + quote(h.repeat(257)) + "}",
          "{\"kind\":\"command\",\"envelope\":{\"command\":{\"type\":\"scale\",\"service\":" + quote(name)
              + ",\"replicas\":-1}}}",
          "{\"kind\":\"command\",\"envelope\":{\"command\":{\"type\":\"join-token-rotate\",\"role\":\"admin\"}}}",
          "{\"kind\":\"command\",\"envelope\":null}",
          "{\"kind\":\"task-status\",\"status\":{\"taskId\":" + quote(name) + ",\"state\":\"RUNNING\"}}",
          "{\"kind\":\"task-status\",\"status\":{\"taskId\":\"../x\",\"nodeId\":\"n\",\"state\":\"RUNNING\"}}",
          "{\"kind\":\"node-up\",\"nodeId\":" + quote(h.oneOf("../../x", "", h.repeat(129))) + "}",
          "{\"kind\":\"node-up\",\"nodeId\":" + quote(name) + ",\"role\":\"king\"}",
          "{\"kind\":\"node-up\",\"nodeId\":" + quote(name) + ",\"joinProof\":" + quote(h.repeat(257)) + "}",
          "{\"kind\":\"node-up\",\"nodeId\":" + quote(name) + ",\"description\":{\"hostname\":\"\"}}",
          "{\"kind\":\"node-down\",\"nodeId\":" + quote(h.oneOf("../../x", "", "a b")) + ",\"reason\":\"x\"}",
          "{\"kind\":\"timer\",\"name\":" + quote(h.oneOf("explode", "", "UPDATE")) + ",\"target\":" + quote(name) + "}",
          "{\"kind\":\"timer\",\"name\":\"update\",\"target\":" + quote(h.oneOf("../../x", "", h.repeat(64))) + "}",
          "{\"kind\":" + h.oneOf("\"explode\"", "5", "null", "\"\"", "\"Spec-Applied\"") + ",\"name\":" + quote(name) + "}",
          "{\"name\":" + quote(name) + "}",
          "{\"kind\":\"node-down\",\"nodeId\":" + quote(name) + ",\"unknown\":1}");
      fault = "invalid control message";
    } else {
      String good = "{\"kind\":\"spec-removed\",\"name\":" + quote(name + "-") + "}";
      return structural(topic, tag, name, good, Limits.MAX_CONTROL_BYTES, null);
    }
    return rejected(topic, h.chance(0.1) ? null : bytes(name), bytes(value), junkHeaders(), fault, INVALID,
        null, null);
  }

  // ---- faults every topic shares ----

  /**
   * Faults of form rather than content, around an otherwise well-formed {@code good} value (which
   * is itself refused, so that a fault that did not count still leaves nothing applied): not
   * JSON, another kind of document, duplicate keys, trailing garbage, nesting, odd Unicode,
   * invalid UTF-8, a tombstone, a value just or far over {@code maxBytes}, a key over 256 bytes.
   */
  private RecordCase structural(InputTopic topic, String tag, String key, String good, int maxBytes, String rid) {
    int kind = h.below(100);
    byte[] k = bytes(key);
    byte[] value;
    String fault;
    Set<String> codes = INVALID;
    if (kind < 20) {
      value = bytes(h.notJson());
      fault = "not JSON";
    } else if (kind < 30) {
      value = bytes(h.oneOf("null", "[]", "\"x\"", "1", "true", SpecFaults.object(SpecFaults.base(key)),
          "{\"nodeId\":\"n\",\"sequence\":1}", "{\"command\":{\"type\":\"rollback\",\"service\":\"x\"}}"));
      fault = "another kind of document";
    } else if (kind < 40) {
      value = bytes(good.substring(0, good.length() - 1) + "," + good.substring(1));
      fault = "duplicate keys";
    } else if (kind < 48) {
      value = bytes(good + h.oneOf("x", "}", "{}", " null", "\u0000"));
      fault = "trailing garbage";
    } else if (kind < 56) {
      int depth = h.oneOf(33, 300, 5_000);
      value = bytes(good.substring(0, good.length() - 1) + ",\"x\":" + h.nested(depth) + "}");
      fault = "nesting over the limit";
    } else if (kind < 64) {
      value = h.withInvalidUtf8(good.substring(0, good.length() - 1) + ",\"", "\":1}");
      fault = "invalid UTF-8";
    } else if (kind < 72) {
      value = bytes(good.substring(0, good.length() - 1) + "," + quote(h.pick(Hostile.ODD_UNICODE)) + ":1}");
      fault = "odd unicode field";
    } else if (kind < 80) {
      value = null;
      fault = "tombstone";
    } else if (kind < 85) {
      int size = h.oneOf(maxBytes + 1, maxBytes + 1, maxBytes + 1 + h.below(1000), 300_000);
      value = bytes("{" + " ".repeat(Math.max(0, size - good.length())) + good.substring(1));
      fault = "value of " + size + " bytes";
      codes = TOO_LARGE;
    } else if (kind < 90) {
      // Fewer characters than the limit, more bytes: "€" takes three.
      value = bytes(good.substring(0, good.length() - 1) + ",\"x\":\"" + "\u20ac".repeat(maxBytes / 3 + 1) + "\"}");
      fault = "value of " + value.length + " bytes in " + (maxBytes / 3 + good.length() + 8) + " characters";
      codes = TOO_LARGE;
    } else if (kind < 99) {
      k = bytes(key + h.repeat(h.oneOf(257, 1_000, 20_000)));
      value = bytes(good);
      fault = "key over 256 bytes";
      codes = TOO_LARGE;
    } else {
      // A small, malformed value under headers that fill the record up to the broker's limit:
      // whatever the orchestrator publishes about it must not carry them (it would be too large).
      value = bytes("{");
      fault = "headers up to the broker's record limit";
      List<Header> headers = new ArrayList<>();
      if (rid != null) {
        headers.add(new RecordHeader(RID, bytes(rid)));
      }
      fill(headers, k, value, BROKER_RECORD_LIMIT - 16);
      String entity = topic.rejection.equals("control.rejected") ? null : RecordCase.shownKey(k);
      return rejected(topic, k, value, headers, fault, codes, rid, entity);
    }
    List<Header> headers = rid == null ? junkHeaders() : headers(rid);
    String entity = topic.rejection.equals("control.rejected") ? null : RecordCase.shownKey(k);
    return rejected(topic, k, value, headers, fault, codes, rid, entity);
  }

  private static RecordCase rejected(InputTopic topic, byte[] key, byte[] value, List<Header> headers, String fault,
                                     Set<String> codes, String rid, String entity) {
    // Size is checked first at every door: whatever else is wrong, a record over its limit is too large.
    Set<String> expected = value != null && value.length > maxBytes(topic) ? TOO_LARGE : codes;
    return new RecordCase(topic, key, value, headers, fault, new Expect.Rejected(topic.rejection, expected, rid, entity));
  }

  private static int maxBytes(InputTopic topic) {
    return switch (topic) {
      case SPECS -> Limits.MAX_SPEC_BYTES;
      case COMMANDS -> Limits.MAX_COMMAND_BYTES;
      case TASK_STATUS -> Limits.MAX_STATUS_BYTES;
      case HEARTBEATS -> Limits.MAX_HEARTBEAT_BYTES;
      case LIVENESS, TIMERS -> Limits.MAX_CONTROL_BYTES;
    };
  }

  /** The request-id header, plus now and then junk headers the intake must ignore. */
  private List<Header> headers(String rid) {
    List<Header> hs = junkHeaders();
    hs.add(new RecordHeader(RID, bytes(rid)));
    return hs;
  }

  /**
   * Adds 100 headers so that the record, alone in its batch, takes {@code batchBytes} on the
   * broker (exactly, as Kafka's record format counts them).
   */
  private void fill(List<Header> headers, byte[] key, byte[] value, int batchBytes) {
    char c = (char) ('a' + h.below(26));
    int each = (batchBytes - DefaultRecordBatch.RECORD_BATCH_OVERHEAD) / 100 - 8;
    for (int i = 0; i < 100; i++) {
      headers.add(new RecordHeader("h" + i, bytes(String.valueOf(c).repeat(each))));
    }
    // Varint widths shift by a byte now and then: correct the last header until the size is exact.
    for (int round = 0; round < 3; round++) {
      int size = DefaultRecordBatch.RECORD_BATCH_OVERHEAD + DefaultRecord.sizeInBytes(0, 0L, key.length, value.length,
          headers.toArray(Header[]::new));
      Header last = headers.remove(headers.size() - 1);
      headers.add(new RecordHeader(last.key(), bytes(String.valueOf(c).repeat(last.value().length + batchBytes - size))));
    }
  }

  private List<Header> junkHeaders() {
    List<Header> hs = new ArrayList<>();
    if (h.chance(0.15)) {
      int n = h.oneOf(1, 3, 100);
      for (int i = 0; i < n; i++) {
        hs.add(new RecordHeader(h.oneOf("", "x", "\u202e", "shoal-unknown", h.repeat(300)),
            h.oneOf(null, new byte[0], bytes(h.repeat(10_000)), h.invalidUtf8())));
      }
    }
    return hs;
  }

  static byte[] bytes(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }
}
