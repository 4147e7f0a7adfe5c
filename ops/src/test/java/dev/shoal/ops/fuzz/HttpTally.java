package dev.shoal.ops.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the gateway answered to the hostile requests, and every answer that breaks a rule: a 5xx
 * other than 503 (or a 501 with a reason: an engine endpoint Shoal deliberately does not serve), a 4xx without a JSON {@code {"message": ...}} body with a reason, or no answer
 * at all within the time limit.
 */
public final class HttpTally {
  private static final ObjectMapper PLAIN = new ObjectMapper();
  /** A transport failure is not an answer; these are kept apart from statuses. */
  public static final int NO_ANSWER = -1;

  private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
  private final Map<String, Map<Integer, LongAdder>> byRoute = new ConcurrentHashMap<>();
  private final List<String> serverErrors = Collections.synchronizedList(new ArrayList<>());
  private final List<String> badClientErrors = Collections.synchronizedList(new ArrayList<>());
  private final List<String> transportErrors = Collections.synchronizedList(new ArrayList<>());
  private final List<String> timeouts = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, LongAdder> slowByRoute = new ConcurrentHashMap<>();
  private final AtomicLong slowestMillis = new AtomicLong();
  private volatile String slowest = "";

  void record(HttpCase c, int status, String contentType, String body, long millis) {
    byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
    byRoute.computeIfAbsent(c.route(), r -> new ConcurrentHashMap<>()).computeIfAbsent(status, s -> new LongAdder())
        .increment();
    if (millis > 1_000) {
      slowByRoute.computeIfAbsent(c.route() + (millis > 5_000 ? " >5s" : " >1s"), r -> new LongAdder()).increment();
    }
    if (millis > slowestMillis.get()) {
      slowestMillis.set(millis);
      slowest = millis + " ms: " + c.describe();
    }
    // 501 is the Docker surface's deliberate "Shoal does not do this" (containers, autolock), with a reason.
    if (status >= 500 && status != 503 && !(status == 501 && hasReason(body))) {
      serverErrors.add(status + " for " + c.describe() + "\n      -> " + HttpCase.cut(String.valueOf(body), 2000));
    } else if (status >= 400 && status < 500 && !c.method().equalsIgnoreCase("HEAD") && !hasReason(body)) {
      badClientErrors.add(status + " (" + contentType + ") without {\"message\": reason} for " + c.describe()
          + "\n      -> " + HttpCase.cut(String.valueOf(body), 300));
    }
  }

  void transportError(HttpCase c, Throwable e, boolean timedOut) {
    byStatus.computeIfAbsent(NO_ANSWER, s -> new LongAdder()).increment();
    String line = e.getClass().getSimpleName() + " " + e.getMessage() + " for " + c.describe();
    (timedOut ? timeouts : transportErrors).add(line);
  }

  static boolean hasReason(String body) {
    try {
      JsonNode n = PLAIN.readTree(body);
      return n != null && n.isObject() && n.path("message").isTextual() && !n.path("message").asText().isBlank();
    } catch (Exception e) {
      return false;
    }
  }

  public long total() {
    return byStatus.values().stream().mapToLong(LongAdder::sum).sum();
  }

  public Map<Integer, Long> byStatus() {
    Map<Integer, Long> m = new TreeMap<>();
    byStatus.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  public Map<String, Map<Integer, Long>> byRoute() {
    Map<String, Map<Integer, Long>> m = new TreeMap<>();
    byRoute.forEach((r, s) -> {
      Map<Integer, Long> x = new TreeMap<>();
      s.forEach((k, v) -> x.put(k, v.sum()));
      m.put(r, x);
    });
    return m;
  }

  public List<String> serverErrors() {
    return List.copyOf(serverErrors);
  }

  public List<String> badClientErrors() {
    return List.copyOf(badClientErrors);
  }

  public List<String> transportErrors() {
    return List.copyOf(transportErrors);
  }

  public List<String> timeouts() {
    return List.copyOf(timeouts);
  }

  /** Answers slower than 1 s (and than 5 s), by route. */
  public Map<String, Long> slowByRoute() {
    Map<String, Long> m = new TreeMap<>();
    slowByRoute.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  public String slowest() {
    return slowest;
  }
}
