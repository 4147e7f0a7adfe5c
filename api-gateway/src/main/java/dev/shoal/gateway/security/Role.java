package dev.shoal.gateway.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What an authenticated caller may do. The roles are nested: an admin may do everything a deployer
 * may, a deployer everything a reader may. A reader sees the cluster (every GET but the join
 * tokens); a deployer also creates, changes and removes services; an admin also changes and
 * removes nodes and reads and rotates the join tokens, which let a machine join the cluster.
 */
public enum Role {
  READER, DEPLOYER, ADMIN;

  /** The name used in certificates ({@code OU=deployer}), token files and messages. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether a caller with this role may do what {@code needed} allows. */
  public boolean covers(Role needed) {
    return compareTo(needed) >= 0;
  }

  /** The role named {@code id} (case-insensitive). */
  public static Role parse(String id) {
    for (Role r : values()) {
      if (r.id().equalsIgnoreCase(id == null ? "" : id.trim())) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown role \"" + id + "\" (known: " + names() + ")");
  }

  /** {@code "reader, deployer, admin"}. */
  public static String names() {
    return Arrays.stream(values()).map(Role::id).collect(Collectors.joining(", "));
  }
}
