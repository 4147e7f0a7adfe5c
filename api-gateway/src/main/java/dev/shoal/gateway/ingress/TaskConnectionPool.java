package dev.shoal.gateway.ingress;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Idle keep-alive connections to tasks, by task, for {@link HttpRelayConnection}: one pool per
 * selector ({@link TaskDialer}), so a connection taken from it is on the taker's selector. The most
 * recently used first (its socket is the likeliest still open), at most {@link #MAX_IDLE_PER_TASK}
 * per task (nginx's {@code keepalive 128}); more are closed when they come back.
 */
final class TaskConnectionPool {
  static final int MAX_IDLE_PER_TASK = 128;
  private final Map<Backend, Idle> idle = new ConcurrentHashMap<>();

  /**
   * An idle connection to {@code key}, claimed for one request, or null; with {@code checked}, only
   * one a read finds still open ({@link TaskConnection#stillOpen}).
   */
  TaskConnection take(Backend key, boolean checked) {
    Idle d = idle.get(key);
    if (d == null) {
      return null;
    }
    for (TaskConnection c = d.poll(); c != null; c = d.poll()) {
      if (c.claim() && (!checked || c.stillOpen())) {
        return c;
      }
    }
    return null;
  }

  /** Gives back a connection whose last exchange ended cleanly. */
  void offer(TaskConnection c) {
    Idle d = idle.computeIfAbsent(c.key(), k -> new Idle());
    if (d.count.get() >= MAX_IDLE_PER_TASK || !c.getEndPoint().isOpen()) {
      c.getEndPoint().close();
      return;
    }
    c.park();
    d.push(c);
  }

  void forget(TaskConnection c) {
    Idle d = idle.get(c.key());
    if (d != null) {
      d.remove(c);
    }
  }

  /** Closes every idle connection (the port closed). */
  void close() {
    idle.values().forEach(d -> {
      for (TaskConnection c = d.poll(); c != null; c = d.poll()) {
        c.getEndPoint().close();
      }
    });
  }

  /**
   * One task's idle connections with their count kept alongside: a concurrent deque's own size()
   * walks the whole deque, and it was asked on every connection given back (5 % of the relay's
   * CPU in a profile). The count may be off by the few in motion; it only bounds the idle ones.
   */
  private static final class Idle {
    private final ConcurrentLinkedDeque<TaskConnection> connections = new ConcurrentLinkedDeque<>();
    private final AtomicInteger count = new AtomicInteger();

    void push(TaskConnection c) {
      connections.offerFirst(c);
      count.incrementAndGet();
    }

    TaskConnection poll() {
      TaskConnection c = connections.pollFirst();
      if (c != null) {
        count.decrementAndGet();
      }
      return c;
    }

    void remove(TaskConnection c) {
      if (connections.remove(c)) {
        count.decrementAndGet();
      }
    }
  }
}
