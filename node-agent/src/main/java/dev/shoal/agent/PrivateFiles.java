package dev.shoal.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files that hold secrets (a node key, the cluster secret, Kafka credentials): written with mode 600,
 * and refused when group or others may read or change them, since then anyone on the host could
 * speak for the node or the cluster. Shared by the agent and the launcher.
 */
public final class PrivateFiles {
  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

  private PrivateFiles() {}

  /** A secret file that group or others can access; the message names the file and the fix, in one line. */
  public static final class ExposedException extends IllegalStateException {
    ExposedException(String message) {
      super(message);
    }
  }

  /**
   * Refuses {@code file} if group or others have any permission on it (on file systems without
   * POSIX permissions there is nothing to check).
   *
   * @param what what the file is, e.g. {@code "node key file"}
   * @throws ExposedException naming the file and {@code chmod 600}
   */
  public static void requirePrivate(Path file, String what) {
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the permissions of " + what + " " + file, e);
    }
    if (!OWNER_ONLY.containsAll(perms)) {
      throw new ExposedException(what + " " + file + " must not be readable by group or others (it is "
          + PosixFilePermissions.toString(perms) + "); run: chmod 600 " + file);
    }
  }

  /** Writes {@code text} to {@code file} with mode 600, atomically (a reader never sees half a key). */
  public static void writePrivate(Path file, String text) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
