package dev.shoal.gateway.security;

import dev.shoal.schemas.Identifiers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer tokens scripts use, from a file of lines {@code <token> <principal> <role>}
 * ({@code #} starts a comment). The file must be readable by its owner only, as an SSH key: anyone
 * who can read it can act as every principal in it. Tokens are kept as SHA-256 digests and looked
 * up by digest, so the comparison leaks nothing about a token through timing.
 *
 * <p>The file is read again when it changes (checked on each lookup), so a token is revoked by
 * deleting its line, without a restart. A change that makes the file invalid is logged and the
 * previous tokens stay in force until it is fixed.
 */
final class BearerTokens {
  private static final Logger LOG = LoggerFactory.getLogger(BearerTokens.class);
  /** Shorter tokens could be guessed; {@code openssl rand -hex 32} makes a good one. */
  static final int MIN_TOKEN_LENGTH = 16;
  private static final Set<PosixFilePermission> OTHERS = Set.of(PosixFilePermission.GROUP_READ,
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  private record Loaded(Object version, Map<String, Identity> byDigest) {}

  private final Path file;
  private volatile Loaded loaded;

  private BearerTokens(Path file, Loaded loaded) {
    this.file = file;
    this.loaded = loaded;
  }

  /**
   * Reads the tokens file.
   *
   * @throws SecurityConfigException when it is missing, readable by others, or has a bad line
   */
  static BearerTokens load(Path file) {
    return new BearerTokens(file, read(file));
  }

  /** The identity a token stands for. */
  Optional<Identity> find(String token) {
    refreshIfChanged();
    return Optional.ofNullable(loaded.byDigest().get(digest(token)));
  }

  int size() {
    return loaded.byDigest().size();
  }

  private void refreshIfChanged() {
    Object version = version(file);
    if (version.equals(loaded.version())) {
      return;
    }
    synchronized (this) {
      if (version.equals(loaded.version())) {
        return;
      }
      try {
        Loaded fresh = read(file);
        loaded = fresh;
        LOG.info("API tokens file {} changed: {} tokens", file, fresh.byDigest().size());
      } catch (SecurityConfigException e) {
        // Keep serving the tokens we had rather than lock every script out over a typo.
        LOG.error("API tokens file {} changed but cannot be used ({}); the previous {} tokens stay in force",
            file, e.getMessage(), loaded.byDigest().size());
        loaded = new Loaded(version, loaded.byDigest());
      }
    }
  }

  private static Loaded read(Path file) {
    Object version = version(file);
    if (!Files.isRegularFile(file)) {
      throw new SecurityConfigException("API tokens file " + file + " does not exist");
    }
    checkPrivate(file);
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SecurityConfigException("cannot read API tokens file " + file + ": " + e.getMessage(), e);
    }
    Map<String, Identity> byDigest = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = file + " line " + (i + 1);
      String[] f = line.split("\\s+");
      if (f.length != 3) {
        throw new SecurityConfigException(where + ": expected \"<token> <principal> <role>\", got " + f.length + " fields");
      }
      if (f[0].length() < MIN_TOKEN_LENGTH || !Identifiers.token(f[0])) {
        throw new SecurityConfigException(where + ": a token needs at least " + MIN_TOKEN_LENGTH
            + " printable characters (openssl rand -hex 32 makes one)");
      }
      if (!Identifiers.token(f[1])) {
        throw new SecurityConfigException(where + ": the principal must be 1-256 printable characters without spaces");
      }
      Role role;
      try {
        role = Role.parse(f[2]);
      } catch (IllegalArgumentException e) {
        throw new SecurityConfigException(where + ": " + e.getMessage());
      }
      if (byDigest.put(digest(f[0]), new Identity(f[1], role, Identity.Source.TOKEN)) != null) {
        throw new SecurityConfigException(where + ": this token is already on an earlier line");
      }
    }
    return new Loaded(version, Map.copyOf(byDigest));
  }

  private static void checkPrivate(Path file) {
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException e) {
      return; // not a POSIX file system: nothing to check
    } catch (IOException e) {
      throw new SecurityConfigException("cannot read the permissions of API tokens file " + file + ": " + e.getMessage(), e);
    }
    if (perms.stream().anyMatch(OTHERS::contains)) {
      throw new SecurityConfigException("API tokens file " + file + " is accessible by others (mode "
          + PosixFilePermissions.toString(perms) + "): chmod 600 " + file);
    }
  }

  /** What changes when the file is replaced or rewritten: its identity, time and size. */
  private static Object version(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return List.of(String.valueOf(a.fileKey()), a.lastModifiedTime(), a.size());
    } catch (IOException e) {
      return List.of("missing");
    }
  }

  private static String digest(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
