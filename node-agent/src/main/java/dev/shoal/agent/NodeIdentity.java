package dev.shoal.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;

/**
 * Who the node is: its id (configured, or generated once and kept in {@code <data dir>/node-id}, so
 * a restarted agent is the same node) and its hostname. Joining a cluster with a token will start here.
 */
final class NodeIdentity {
  static final String FILE = "node-id";
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  /** Swarm's node ids are 25 lowercase alphanumerics. */
  private static final int LENGTH = 25;
  private static final SecureRandom RANDOM = new SecureRandom();

  private NodeIdentity() {}

  static String nodeId(String configured, Path dataDir) {
    if (configured != null) {
      return configured;
    }
    Path file = dataDir.resolve(FILE);
    try {
      if (Files.exists(file)) {
        String id = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (id.isEmpty()) {
          throw new IllegalStateException(file + " is empty; delete it to get a new node id");
        }
        return id;
      }
      String id = randomId();
      Files.createDirectories(dataDir);
      Path tmp = dataDir.resolve(FILE + ".tmp");
      Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file, e);
    }
  }

  static String randomId() {
    StringBuilder b = new StringBuilder(LENGTH);
    for (int i = 0; i < LENGTH; i++) {
      b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }

  static String hostname(String configured) {
    if (configured != null) {
      return configured;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
