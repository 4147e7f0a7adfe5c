package dev.shoal.gateway.ingress;

import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Idle keep-alive connections to tasks, by task address, for {@link HttpRelayConnection}: the most
 * recently used first (its socket is the likeliest still open), at most {@link #MAX_IDLE_PER_TASK}
 * per task (nginx's {@code keepalive 128}); more are closed when they come back.
 */
final class TaskConnectionPool {
  static final int MAX_IDLE_PER_TASK = 128;
  private final Map<String, Deque<TaskConnection>> idle = new ConcurrentHashMap<>();

  /** An idle connection to {@code key}, claimed for one request, or null. */
  TaskConnection take(String key) {
    Deque<TaskConnection> d = idle.get(key);
    if (d == null) {
      return null;
    }
    for (TaskConnection c = d.pollFirst(); c != null; c = d.pollFirst()) {
      if (c.claim()) {
        return c;
      }
    }
    return null;
  }

  /** Gives back a connection whose last exchange ended cleanly. */
  void offer(TaskConnection c) {
    Deque<TaskConnection> d = idle.computeIfAbsent(c.key(), k -> new ConcurrentLinkedDeque<>());
    if (d.size() >= MAX_IDLE_PER_TASK || !c.getEndPoint().isOpen()) {
      c.getEndPoint().close();
      return;
    }
    c.park();
    d.offerFirst(c);
  }

  void forget(TaskConnection c) {
    Deque<TaskConnection> d = idle.get(c.key());
    if (d != null) {
      d.remove(c);
    }
  }

  /** Closes every idle connection (the port closed). */
  void close() {
    idle.values().forEach(d -> {
      for (TaskConnection c = d.pollFirst(); c != null; c = d.pollFirst()) {
        c.getEndPoint().close();
      }
    });
  }
}
