package dev.shoal.gateway.docker;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Ids for the objects only the Docker surface has (the cluster, its control-plane node, stack
 * networks): 25 lowercase base-36 characters like Swarm's, derived from content so every gateway of
 * a cluster shows the same ids without storing them.
 */
final class EngineIds {
  private EngineIds() {}

  static String of(String... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String p : parts) {
        md.update(p.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
      }
      String s = new BigInteger(1, md.digest()).toString(36);
      return (s + "0".repeat(25)).substring(0, 25);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
