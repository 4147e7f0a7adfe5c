package dev.shoal.ops;

import dev.shoal.agent.DataDirLock;
import java.nio.file.Path;

/** Data directory locks of the launcher's components; a directory in use is a usage error naming the flag's fix. */
final class Locks {
  private Locks() {}

  /** Takes the lock (see {@link DataDirLock}), or says which process holds it and what to do instead. */
  static DataDirLock acquire(Path dir, String fileName, String holder) {
    try {
      return DataDirLock.acquire(dir, fileName, holder);
    } catch (DataDirLock.InUseException e) {
      throw new UsageException(e.getMessage() + "; give each its own directory", e);
    }
  }
}
