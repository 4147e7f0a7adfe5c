package dev.shoal.ops.bench;

import dev.shoal.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Where a write's time goes, per kind of write: a consumer of the input logs, the control log and
 * the events (read uncommitted, so records count from their append, not from their transaction's
 * commit) notes per request id the broker's append time at each hop; a second consumer of the
 * events, read committed as the gateway reads, notes when the outcome became visible (this host's
 * clock, the broker's too). {@link #summary} gives the median of each hop, by kind.
 */
final class WriteHops implements AutoCloseable {
  private static final int INPUT = 0;
  private static final int CONTROL = 1;
  private static final int EVENT = 2;
  private static final int VISIBLE = 3;

  private final List<TailReader> readers = new ArrayList<>();
  private final Map<String, long[]> hops = new ConcurrentHashMap<>();
  private final Map<String, String> kinds = new ConcurrentHashMap<>();

  private WriteHops(String bootstrap) {
    Topics t = Topics.defaults();
    readers.add(TailReader.start(bootstrap, "read_uncommitted",
        List.of(t.specs.name(), t.commands.name(), t.control.name(), t.events.name()), "bench-write-hops",
        r -> record(r, false, t)));
    readers.add(TailReader.start(bootstrap, "read_committed", List.of(t.events.name()), "bench-write-commits",
        r -> record(r, true, t)));
  }

  static WriteHops start(String bootstrap) {
    return new WriteHops(bootstrap);
  }

  private void record(ConsumerRecord<String, String> r, boolean committed, Topics t) {
    String rid = requestId(r);
    if (rid == null) {
      return;
    }
    long[] h = hops.computeIfAbsent(rid, k -> new long[4]);
    int i = committed ? VISIBLE
        : r.topic().equals(t.control.name()) ? CONTROL : r.topic().equals(t.events.name()) ? EVENT : INPUT;
    if (i == INPUT) {
      kinds.putIfAbsent(rid, kind(r, t));
    }
    if (h[i] == 0) {
      h[i] = committed ? System.currentTimeMillis() : r.timestamp();
    }
  }

  /**
   * "spec" for a spec write ("spec, replicas" when it asks for any: the decision places tasks), the
   * command's type for a command ("scale", "node-update", …).
   */
  private static String kind(ConsumerRecord<String, String> r, Topics t) {
    if (r.topic().equals(t.specs.name())) {
      if (r.value() == null) {
        return "spec removal";
      }
      return r.value().contains("\"replicas\":0") || !r.value().contains("\"replicas\"") ? "spec" : "spec, replicas";
    }
    String v = r.value();
    int at = v == null ? -1 : v.indexOf("\"type\":\"");
    return at < 0 ? "command" : v.substring(at + 8, v.indexOf('"', at + 8));
  }

  /** The request id from the headers (inputs) or the JSON body (control messages and events). */
  private static String requestId(ConsumerRecord<String, String> r) {
    Header h = r.headers().lastHeader("shoal-request-id");
    if (h != null) {
      return new String(h.value());
    }
    String v = r.value();
    int at = v == null ? -1 : v.indexOf("\"requestId\":\"");
    if (at < 0) {
      return null;
    }
    int from = at + 13;
    return v.substring(from, v.indexOf('"', from));
  }

  String summary() {
    Map<String, List<long[]>> byKind = new TreeMap<>();
    hops.forEach((rid, h) -> {
      if (h[INPUT] > 0 && h[CONTROL] > 0 && h[EVENT] > 0 && h[VISIBLE] > 0) {
        byKind.computeIfAbsent(kinds.getOrDefault(rid, "?"), k -> new ArrayList<>()).add(h);
      }
    });
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "hops (medians; append times from the broker, 'visible' when a read-committed consumer got the outcome):%n"
        + "%-14s %6s %22s %22s%n", "write", "n", "input->outcome event", "event->visible (commit)"));
    // The control-log entry carries its input's broker time (it is written with the decision time),
    // so it marks no hop of its own: the decision's time is input -> event.
    byKind.forEach((kind, hs) -> out.append(String.format(Locale.ROOT, "%-14s %6d %19d ms %19d ms%n", kind,
        hs.size(), median(hs, EVENT, INPUT), median(hs, VISIBLE, EVENT))));
    out.append("The rest of a write's time is the gateway's read model fetching the outcome and the HTTP exchange.");
    return out.toString();
  }

  private static long median(List<long[]> hs, int to, int from) {
    List<Long> s = hs.stream().map(h -> h[to] - h[from]).sorted().toList();
    return s.isEmpty() ? -1 : s.get(s.size() / 2);
  }

  @Override
  public void close() {
    readers.forEach(TailReader::close);
  }
}
