package dev.shoal.ops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Where each group of a rolling update spends its time, hop by hop. One consumer reads the
 * assignments, the task statuses and the timers uncommitted (a record counts from its append; the
 * assignments are written with the decision's time, so their arrival here stands for the append),
 * another reads the assignments and timers committed (when an agent, or the decision reading a timer
 * back, can see them). Statuses and timers carry the broker's append time; a status also carries the
 * agent's clock when it made it. All clocks are this host's: the whole cluster runs in this JVM.
 */
final class UpdateHops implements AutoCloseable {
  /**
   * The broker answers a fetch as soon as there is data (committed data, for the committed reader),
   * so a long wait costs no resolution; a short one would make both consumers spin and load the
   * two-core machine the figures come from.
   */

  private record Timer(long offset, long appendedAt) {}

  private final List<TailReader> readers = new ArrayList<>();
  private final Topics topics = Topics.defaults();
  /** Assignment key → when it first arrived uncommitted / committed (wall clock). */
  private final Map<String, Long> assignmentAppended = new ConcurrentHashMap<>();
  private final Map<String, Long> assignmentVisible = new ConcurrentHashMap<>();
  /** Task id + "/" + state → {agent's timestamp, append time}, first of each. */
  private final Map<String, long[]> statuses = new ConcurrentHashMap<>();
  private final List<Timer> timers = new CopyOnWriteArrayList<>();
  private final Map<Long, Long> timerVisible = new ConcurrentHashMap<>();

  private UpdateHops(String bootstrap) {
    readers.add(TailReader.start(bootstrap, "read_uncommitted",
        List.of(topics.assignments.name(), topics.taskStatus.name(), topics.timers.name()), "bench-update-hops",
        r -> record(r, false)));
    readers.add(TailReader.start(bootstrap, "read_committed", List.of(topics.assignments.name(), topics.timers.name()),
        "bench-update-visible", r -> record(r, true)));
  }

  static UpdateHops start(String bootstrap) {
    return new UpdateHops(bootstrap);
  }

  private void record(ConsumerRecord<String, String> r, boolean committed) {
    long now = System.currentTimeMillis();
    if (r.topic().equals(topics.assignments.name())) {
      (committed ? assignmentVisible : assignmentAppended).putIfAbsent(r.key(), now);
    } else if (r.topic().equals(topics.timers.name())) {
      if (committed) {
        timerVisible.putIfAbsent(r.offset(), now);
      } else {
        timers.add(new Timer(r.offset(), r.timestamp()));
      }
    } else if (r.value() != null) {
      // A status record is one status (key: task id) or an agent's batch (key: node id).
      for (dev.shoal.schemas.TaskStatus s : dev.shoal.schemas.TaskStatusRecords.statuses(r.value())) {
        statuses.putIfAbsent(s.taskId() + "/" + s.state().name(), new long[] {s.timestamp(), r.timestamp()});
      }
    }
  }

  /**
   * One line per group. {@code groups}: the new tasks of each group (their {@code id}, {@code nodeId}
   * and {@code createdAt}, the time of the decision that started the group), in order.
   */
  String table(List<List<JsonNode>> groups, long monitorMillis, long delayMillis) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "  hops per group, ms (the slowest task of the group; from the decision that starts the group):%n"
        + "  %5s %9s %9s %9s %9s %9s | %9s %9s | %10s%n",
        "group", "assigned", "visible", "accepted", "running", "reported", "mon.late", "mon.seen", "next.late"));
    for (int g = 0; g < groups.size(); g++) {
      List<JsonNode> tasks = groups.get(g);
      long decided = tasks.get(0).path("createdAt").asLong();
      long assigned = 0;
      long visible = 0;
      long accepted = 0;
      long running = 0;
      long reported = 0;
      for (JsonNode t : tasks) {
        String key = t.path("nodeId").asText() + "/" + t.path("id").asText();
        assigned = Math.max(assigned, assignmentAppended.getOrDefault(key, 0L));
        visible = Math.max(visible, assignmentVisible.getOrDefault(key, 0L));
        long[] acc = statuses.get(t.path("id").asText() + "/ACCEPTED");
        accepted = Math.max(accepted, acc == null ? 0 : acc[0]);
        long[] run = statuses.get(t.path("id").asText() + "/RUNNING");
        running = Math.max(running, run == null ? 0 : run[0]);
        reported = Math.max(reported, run == null ? 0 : run[1]);
      }
      long windowsEnd = reported + monitorMillis;
      Timer monitorEnd = firstTimerFrom(windowsEnd);
      long nextDecided = g + 1 < groups.size() ? groups.get(g + 1).get(0).path("createdAt").asLong() : 0;
      out.append(String.format(Locale.ROOT, "  %5d %9s %9s %9s %9s %9s | %9s %9s | %10s%n", g + 1,
          since(decided, assigned), since(decided, visible), since(decided, accepted), since(decided, running),
          since(decided, reported),
          monitorEnd == null ? "-" : since(windowsEnd, monitorEnd.appendedAt()),
          monitorEnd == null ? "-" : since(monitorEnd.appendedAt(), timerVisible.getOrDefault(monitorEnd.offset(), 0L)),
          nextDecided == 0 ? "-" : since(windowsEnd + delayMillis, nextDecided)));
    }
    out.append("  assigned/visible: the assignment appended / committed; accepted/running: the agent's clock as it"
        + " reported them; reported: RUNNING appended (the monitor window starts there); mon.late: the timer after"
        + " the last window appended after that window's end; mon.seen: that timer committed after it was appended;"
        + " next.late: the next group's decision after the windows' end + the delay");
    return out.toString();
  }

  private static JsonNode readTree(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      return Json.MAPPER.createObjectNode();
    }
  }

  private Timer firstTimerFrom(long dueAt) {
    return timers.stream().filter(t -> t.appendedAt() >= dueAt).findFirst().orElse(null);
  }

  private static String since(long from, long to) {
    return to == 0 || from == 0 ? "?" : Long.toString(to - from);
  }

  @Override
  public void close() {
    readers.forEach(TailReader::close);
  }
}
