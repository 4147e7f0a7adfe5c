package dev.shoal.gateway.rest;

import static dev.shoal.gateway.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class TaskJsonCacheTest {
  // The gateway's mapper is a copy of this one (GatewayServer); the old path rendered the list of views with it.
  private final ObjectMapper mapper = Json.MAPPER.copy();
  private final Map<String, Task> backend = new ConcurrentHashMap<>();
  private final TaskJsonCache cache = new TaskJsonCache(mapper, t -> backend.get(t.id()) == t);

  @Test
  void anArrayIsByteForByteWhatTheMapperWritesForTheListOfViews() throws Exception {
    List<Task> tasks = VariedTasks.of(new Random(14), 3_000);
    byte[] expected = oldRendering(tasks);
    assertThat(cache.array(tasks)).isEqualTo(expected);
    assertThat(cache.array(tasks)).as("from the cache").isEqualTo(expected);
    assertThat(cache.array(List.of())).isEqualTo(oldRendering(List.of()));
    assertThat(cache.array(tasks.subList(0, 1))).isEqualTo(oldRendering(tasks.subList(0, 1)));
  }

  @Test
  void aChangedTaskIsRenderedAgain() throws Exception {
    Task t = VariedTasks.of(new Random(1), 1).get(0);
    backend.put(t.id(), t);
    byte[] before = cache.json(t);
    Task changed = t.withStatus(new TaskStatus(t.id(), "n9", TaskState.FAILED, "gone", "exit 3", 3, null, null, null,
        null, 99), 99);
    backend.put(t.id(), changed);
    assertThat(cache.json(changed)).isEqualTo(mapper.writeValueAsBytes(TaskView.of(changed))).isNotEqualTo(before);
    // An equal record that is another object is rendered again, not assumed the same.
    Task copy = new Task(changed.id(), changed.serviceId(), changed.serviceName(), changed.slot(), changed.nodeId(),
        changed.specVersion(), changed.spec(), changed.desiredState(), changed.status(), changed.createdAt(),
        changed.updatedAt());
    assertThat(cache.json(copy)).isEqualTo(mapper.writeValueAsBytes(TaskView.of(copy)));
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void aRecordWithoutIdIsShownButNotCached() throws Exception {
    Task t = VariedTasks.of(new Random(6), 1).get(0);
    Task noId = new Task(null, t.serviceId(), t.serviceName(), t.slot(), t.nodeId(), t.specVersion(), t.spec(),
        t.desiredState(), t.status(), t.createdAt(), t.updatedAt());
    assertThat(cache.array(List.of(noId, t))).isEqualTo(oldRendering(List.of(noId, t)));
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void renditionsOfGoneTasksAreSweptOnceTheCacheOutgrowsItsLimit() {
    List<Task> gone = VariedTasks.of(new Random(2), TaskJsonCache.MIN_SWEEP);
    gone.forEach(t -> backend.put(t.id(), t));
    gone.forEach(cache::json);
    gone.forEach(t -> backend.remove(t.id()));
    assertThat(cache.size()).as("at the limit: not swept").isEqualTo(TaskJsonCache.MIN_SWEEP);

    Task live = withId(VariedTasks.of(new Random(3), 1).get(0), "live");
    backend.put(live.id(), live);
    cache.json(live);
    assertThat(cache.size()).as("one over the limit: only the current task is left").isEqualTo(1);
  }

  @Test
  void theLimitFollowsTheTasksThatAreCurrent() {
    int current = 3 * TaskJsonCache.MIN_SWEEP;
    List<Task> tasks = VariedTasks.of(new Random(4), current);
    tasks.forEach(t -> backend.put(t.id(), t));
    tasks.forEach(cache::json);
    assertThat(cache.size()).isEqualTo(current);
    // A changed task replaces its rendition; it never adds one.
    for (int round = 0; round < 3; round++) {
      for (Task t : new ArrayList<>(backend.values())) {
        Task next = t.withDesiredState(DesiredState.SHUTDOWN, t.updatedAt() + 1);
        backend.put(next.id(), next);
        cache.json(next);
      }
      assertThat(cache.size()).isEqualTo(current);
    }
    List<Task> others = VariedTasks.of(new Random(5), 2 * current + 1).stream()
        .map(t -> withId(t, "other-" + t.id())).toList();
    others.forEach(cache::json); // never current: they are swept with the rest
    assertThat(cache.size()).isLessThanOrEqualTo(2 * current).isGreaterThanOrEqualTo(current);
  }

  private static Task withId(Task t, String id) {
    return new Task(id, t.serviceId(), t.serviceName(), t.slot(), t.nodeId(), t.specVersion(), t.spec(),
        t.desiredState(), t.status(), t.createdAt(), t.updatedAt());
  }

  /** What the listing wrote before the cache: the list of views through the gateway's mapper, as a String, in UTF-8. */
  private byte[] oldRendering(List<Task> tasks) throws Exception {
    return mapper.writeValueAsString(tasks.stream().map(TaskView::of).toList()).getBytes(StandardCharsets.UTF_8);
  }

  /** Tasks with every optional part present or absent, and text that JSON must escape. */
  static final class VariedTasks {
    private static final String[] TEXTS = {"started", "démarré ✓", "quote \" backslash \\ slash /", "tab\tnew\nline",
        "\u0000\u001f control", "emoji 🐳 and 𝄞", "line separator \u2028 \u2029", "<script>&amp;</script>", "",
        "非常に長いメッセージ", "\uD83D lone surrogate"};

    static List<Task> of(Random r, int count) {
      Service web = service("web", 3);
      Service other = new Service("id-ünï", "ünï-☃", 7, web.spec(), null, null, 1, 2);
      List<Task> out = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        Service s = r.nextBoolean() ? web : other;
        String id = "t-" + i + (r.nextInt(10) == 0 ? "-ß" : "");
        Integer slot = r.nextInt(5) == 0 ? null : r.nextInt(100_000);
        String node = r.nextInt(6) == 0 ? null : "node-" + r.nextInt(50);
        DesiredState desired = r.nextInt(8) == 0 ? null : DesiredState.values()[r.nextInt(DesiredState.values().length)];
        TaskStatus status = r.nextInt(7) == 0 ? null : new TaskStatus(id, node,
            TaskState.values()[r.nextInt(TaskState.values().length)], text(r), text(r),
            r.nextBoolean() ? null : r.nextInt(300) - 20, r.nextBoolean() ? null : "127.0.0.1:" + r.nextInt(65_536),
            r.nextBoolean() ? null : List.of(new TaskStatus.PortBinding(80, "127.0.0.1", 30_000 + r.nextInt(1000), "tcp")),
            r.nextBoolean() ? null : r.nextBoolean() ? "healthy" : "starting", r.nextBoolean() ? null : "c" + r.nextLong(),
            r.nextLong(), r.nextBoolean() ? null : 1L, r.nextBoolean() ? null : (long) i, r.nextBoolean() ? null : "sig");
        ServiceSpec spec = r.nextInt(4) == 0 ? null : s.spec();
        out.add(new Task(id, r.nextInt(20) == 0 ? null : s.id(), r.nextInt(20) == 0 ? null : s.name(), slot, node,
            r.nextInt(1000), spec, desired, status, r.nextLong(), r.nextInt() & 0xffffffffL));
      }
      return out;
    }

    private static String text(Random r) {
      return r.nextInt(4) == 0 ? null : TEXTS[r.nextInt(TEXTS.length)];
    }
  }
}
