package dev.shoal.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on a data directory, held for the life of the component that owns it. Two agents
 * on one data directory would be one node id with two minds: each would adopt, stop and report the
 * other's tasks. The lock is the OS's ({@link FileChannel#tryLock()} on a file in the directory), so it
 * goes with the process however that ends, and a stale lock file never blocks a restart. The holder
 * writes its pid into the file, for the message the next one reads.
 */
public final class DataDirLock implements AutoCloseable {
  /** The file an agent locks in its data directory. */
  public static final String AGENT_FILE = "agent.lock";
  /**
   * Lock files this JVM holds. Checked before a channel is opened: on Linux, closing any channel of a
   * file drops every lock the process holds on it, so a refused second attempt must not open one.
   */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock a node agent holds on {@code dataDir}. */
  public static DataDirLock forAgent(Path dataDir) {
    return acquire(dataDir, AGENT_FILE, "node agent");
  }

  /**
   * Takes the lock on {@code dir} (creating it), through the file {@code fileName} in it.
   *
   * @param holder what holds such a lock, for the message ("node agent", "shoal dev")
   * @throws InUseException if another process, or another owner in this one, holds it
   */
  public static DataDirLock acquire(Path dir, String fileName, String holder) {
    Path file;
    try {
      Files.createDirectories(dir);
      file = dir.toRealPath().resolve(fileName);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    if (!HELD.add(file)) {
      throw inUse(dir, holder, Long.toString(ProcessHandle.current().pid()), file);
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException notThroughThisClass) {
        lock = null;
      }
      if (lock == null) {
        String pid = readPid(channel);
        throw inUse(dir, holder, pid, file);
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
      return new DataDirLock(file, channel, lock);
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      HELD.remove(file);
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(), (IOException) e);
    }
  }

  private static InUseException inUse(Path dir, String holder, String pid, Path file) {
    return new InUseException(dir + " is in use by another " + holder + (pid.isEmpty() ? "" : " (pid " + pid + ")")
        + "; it holds " + file);
  }

  public Path file() {
    return file;
  }

  /** Releases the lock; the file stays (a lock, not the file's existence, is what counts). */
  @Override
  public synchronized void close() {
    if (!channel.isOpen()) {
      return;
    }
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel below releases it too
    }
    closeQuietly(channel);
    HELD.remove(file);
  }

  private static String readPid(FileChannel channel) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(32);
    channel.read(buf, 0);
    return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim();
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing more to release
      }
    }
  }

  /** The directory is locked by someone else; the message says by whom and how to tell. */
  public static final class InUseException extends IllegalStateException {
    InUseException(String message) {
      super(message);
    }
  }
}
