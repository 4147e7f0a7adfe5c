package dev.shoal.ops;

import dev.shoal.agent.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The cluster secret every join token derives from, in a file only its owner can read. The
 * orchestrator checks join proofs with it and the gateway shows tokens with it; the tokens
 * themselves are never written anywhere.
 */
public final class ClusterSecret {
  private ClusterSecret() {}

  /** Reads the secret, creating the file with 32 random bytes (mode 600) when it does not exist. */
  static byte[] loadOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      return load(file);
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, HexFormat.of().formatHex(secret) + "\n", StandardCharsets.UTF_8);
    return secret;
  }

  /**
   * Reads an existing secret file.
   *
   * @throws UsageException when it is missing, unreadable or malformed, with a reason that says which
   */
  public static byte[] load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UsageException("cluster secret file " + file + " does not exist");
    }
    try {
      // Whoever reads it can mint join tokens: it is the key to the cluster.
      PrivateFiles.requirePrivate(file, "cluster secret file");
    } catch (PrivateFiles.ExposedException e) {
      throw new UsageException(e.getMessage(), e);
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UsageException("cannot read cluster secret file " + file + ": " + e, e);
    }
    byte[] secret;
    try {
      secret = HexFormat.of().parseHex(text);
    } catch (IllegalArgumentException e) {
      secret = new byte[0];
    }
    if (secret.length < 16) {
      throw new UsageException("cluster secret file " + file + " must hold at least 16 bytes as hex");
    }
    return secret;
  }

  /**
   * The orchestrator's secret: required, unless {@code insecureOpenJoin} says to admit any agent
   * (then null, with a warning). An orchestrator started without one by accident would be an open door.
   */
  static byte[] forOrchestrator(Path file, boolean insecureOpenJoin) {
    if (file != null && insecureOpenJoin) {
      throw new UsageException("--cluster-secret-file and --insecure-open-join exclude each other");
    }
    if (insecureOpenJoin) {
      System.err.println("WARNING: --insecure-open-join: any agent that can write to the heartbeats topic joins the"
          + " cluster. For development only.");
      return null;
    }
    if (file == null) {
      throw new UsageException("no --cluster-secret-file: without it any agent could join; give the cluster secret"
          + " (see README), or --insecure-open-join to admit any agent (development only)");
    }
    return load(file);
  }

  /** The secret from an optional {@code --cluster-secret-file}; null (no join tokens) when not given. */
  static byte[] optional(Path file) {
    if (file == null) {
      System.out.println("WARNING: no --cluster-secret-file: join tokens are disabled and any agent may join.");
      return null;
    }
    return load(file);
  }
}
