package dev.shoal.orchestrator.core;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Ids derived from content, 25 lowercase base-36 characters like Swarm's, so that replaying the
 * control log produces the same ids (DESIGN principle 2: no randomness in a decision).
 */
public final class Ids {
  private Ids() {}

  public static String of(Object... parts) {
    StringBuilder b = new StringBuilder();
    for (Object p : parts) {
      b.append(p).append('\u0000');
    }
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8));
      String s = new BigInteger(1, d).toString(36);
      return (s + "0".repeat(25)).substring(0, 25);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
