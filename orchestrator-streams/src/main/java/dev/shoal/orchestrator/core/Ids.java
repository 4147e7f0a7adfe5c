package dev.shoal.orchestrator.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Ids derived from content, 25 lowercase base-36 characters like Swarm's, so that replaying the
 * control log produces the same ids (DESIGN principle 2: no randomness in a decision).
 */
public final class Ids {
  private Ids() {}

  private static final int ORDER_DIGITS = 10;
  // Looking a digest up in the providers cost more than hashing the few bytes of an id.
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  /**
   * A task id: 15 characters of hash, then the creation order (control-log position and index
   * within the decision) in 10 base-36 digits. The printed prefix looks random like Swarm's; the
   * suffix orders tasks created in the same millisecond.
   */
  public static String task(String serviceId, long position, int index) {
    String order = Long.toString(Math.max(0, position) * 1_000_000 + index, 36);
    String padded = "0".repeat(Math.max(0, ORDER_DIGITS - order.length())) + order;
    return of("task", serviceId, position, index).substring(0, 25 - ORDER_DIGITS) + padded;
  }

  /** The creation-order part of a {@link #task} id. */
  public static String creationOrder(String taskId) {
    return taskId.length() == 25 ? taskId.substring(25 - ORDER_DIGITS) : taskId;
  }

  public static String of(Object... parts) {
    StringBuilder b = new StringBuilder();
    for (Object p : parts) {
      b.append(p).append('\u0000');
    }
    byte[] d = SHA256.get().digest(b.toString().getBytes(StandardCharsets.UTF_8));
    String s = Base36.of(d);
    return (s + "0".repeat(25)).substring(0, 25);
  }
}
