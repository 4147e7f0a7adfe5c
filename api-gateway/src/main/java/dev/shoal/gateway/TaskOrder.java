package dev.shoal.gateway;

import dev.shoal.schemas.Task;
import java.util.Comparator;

/**
 * The order tasks are listed in: service name, slot, node (missing ones last), newest first, then
 * id, so a slot's history reads top down. The read model keeps each service's tasks in it, so a
 * listing sorts input that is already in order (one pass).
 */
public final class TaskOrder {
  /**
   * Written out rather than chained from {@code Comparator.comparing}: sorting 10,000 tasks through
   * five nested lambdas took a fifth of a listing's time.
   */
  public static final Comparator<Task> LISTING = TaskOrder::compare;

  private TaskOrder() {}

  private static int compare(Task a, Task b) {
    int c = nullsLast(a.serviceName(), b.serviceName());
    if (c == 0) {
      c = nullsLast(a.slot(), b.slot());
    }
    if (c == 0) {
      c = nullsLast(a.nodeId(), b.nodeId());
    }
    if (c == 0) {
      c = Long.compare(b.createdAt(), a.createdAt());
    }
    return c != 0 ? c : nullsLast(a.id(), b.id());
  }

  private static <T extends Comparable<T>> int nullsLast(T a, T b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : 1) : -1;
    }
    return a.compareTo(b);
  }
}
