package dev.shoal.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.shoal.schemas.Task;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The JSON of each task's {@link TaskView}, rendered once per version of the task and reused by
 * listings until the task changes: a listing of 10,000 tasks otherwise spent two thirds of its time
 * mapping and rendering views that had not changed since the last call.
 *
 * <p>A version is the {@link Task} object itself. The read model replaces a task's record whenever
 * it changes, and a record is immutable, so the same object always renders to the same bytes; a
 * backend that hands out a fresh copy on every read only makes every lookup a miss. An entry refers
 * to its task weakly, so a cached rendition never keeps a replaced record (and the spec it carries)
 * alive. Entries of tasks that are gone are swept once the cache holds twice as many entries as there
 * were current ones at the last sweep, so its size stays proportional to the tasks listed.
 */
final class TaskJsonCache {
  /** Below this many entries the cache is never swept: small clusters do not pay for it. */
  static final int MIN_SWEEP = 1_024;

  private final ObjectMapper mapper;
  private final ObjectWriter writer;
  private final Predicate<Task> current;
  private final ConcurrentHashMap<String, Rendition> byId = new ConcurrentHashMap<>();
  private volatile int sweepAbove = MIN_SWEEP;

  private record Rendition(WeakReference<Task> task, byte[] json) {}

  /**
   * @param mapper renders the views, as the gateway's JSON mapper renders a list of them
   * @param current whether a task is still the backend's current record of its id (the sweep asks)
   */
  TaskJsonCache(ObjectMapper mapper, Predicate<Task> current) {
    this.mapper = mapper;
    this.writer = mapper.writerFor(TaskView.class);
    this.current = current;
  }

  ObjectMapper mapper() {
    return mapper;
  }

  /** The JSON array of {@code tasks}' views in this order: what the mapper writes for the list of views. */
  byte[] array(List<Task> tasks) {
    byte[][] parts = new byte[tasks.size()][];
    int length = 2 + Math.max(0, tasks.size() - 1);
    for (int i = 0; i < parts.length; i++) {
      parts[i] = json(tasks.get(i));
      length += parts[i].length;
    }
    byte[] out = new byte[length];
    out[0] = '[';
    int at = 1;
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        out[at++] = ',';
      }
      System.arraycopy(parts[i], 0, out, at, parts[i].length);
      at += parts[i].length;
    }
    out[at] = ']';
    return out;
  }

  /** The JSON of one task's view. */
  byte[] json(Task task) {
    if (task.id() == null) { // a malformed record: shown, never cached
      return render(task);
    }
    Rendition r = byId.get(task.id());
    if (r != null && r.task.get() == task) {
      return r.json;
    }
    byte[] json = render(task);
    byId.put(task.id(), new Rendition(new WeakReference<>(task), json));
    if (byId.size() > sweepAbove) {
      sweepIfGrown();
    }
    return json;
  }

  private byte[] render(Task task) {
    try {
      // Through a String, as ctx.json renders: Jackson's byte writer escapes characters beyond the
      // BMP (an emoji becomes two escaped surrogates) and a lone surrogate differently, so its bytes differ.
      return writer.writeValueAsString(TaskView.of(task)).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How many renditions are held; for tests. */
  int size() {
    return byId.size();
  }

  private synchronized void sweepIfGrown() {
    if (byId.size() > sweepAbove) {
      sweep();
    }
  }

  /** Forgets the renditions of tasks that are gone or replaced. */
  synchronized void sweep() {
    byId.values().removeIf(r -> {
      Task t = r.task.get();
      return t == null || !current.test(t);
    });
    sweepAbove = Math.max(MIN_SWEEP, 2 * byId.size());
  }
}
