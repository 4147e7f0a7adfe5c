package dev.shoal.agent.logs;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.shoal.schemas.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each task's shipping has got to: per stream, the {@code pos} of the last line Kafka
 * acknowledged, in {@code <data dir>/logs/<task id>.json}. Written after each acknowledgement (a
 * rename, so a crash leaves the old or the new file, never half of one), so a restarted agent goes
 * on from there: it may send the batch that was in flight again, which readers drop by its
 * positions, and it never skips one.
 */
final class LogCursors {
  private static final Logger LOG = LoggerFactory.getLogger(LogCursors.class);
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
  private static final TypeReference<TreeMap<String, Long>> TYPE = new TypeReference<>() {};

  private final Path dir;

  LogCursors(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }

  /** The task's cursor; empty (ship from the start) when there is none or it cannot be read. */
  Map<String, Long> load(String taskId) {
    Path f = file(taskId);
    if (f == null || !Files.exists(f)) {
      return Map.of();
    }
    try {
      return Json.MAPPER.readValue(Files.readAllBytes(f), TYPE);
    } catch (IOException | RuntimeException e) {
      // Shipping again from the start costs duplicates, which readers drop; never a lost line.
      LOG.warn("unreadable log cursor {} ({}); shipping that task's output from its start", f, e.toString());
      return Map.of();
    }
  }

  void save(String taskId, Map<String, Long> cursor) {
    Path f = file(taskId);
    if (f == null) {
      return;
    }
    try {
      Path tmp = dir.resolve(taskId + ".json.tmp");
      Files.write(tmp, Json.toBytes(new TreeMap<>(cursor)));
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("cannot write log cursor {}: {} (a restarted agent would ship some lines again)", f, e.toString());
    }
  }

  void delete(String taskId) {
    Path f = file(taskId);
    if (f != null) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException e) {
        LOG.debug("cannot delete {}: {}", f, e.toString());
      }
    }
  }

  /**
   * Deletes the cursors of tasks not in {@code live} that nobody touched for {@code age}: tasks removed
   * while the agent was away. Not younger ones: after a restart a runtime may not know all its tasks yet.
   */
  void deleteStale(Set<String> live, Duration age) {
    Instant before = Instant.now().minus(age);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path f : files) {
        String id = f.getFileName().toString().replaceFirst("\\.json$", "");
        FileTime t = Files.getLastModifiedTime(f);
        if (!live.contains(id) && t.toInstant().isBefore(before)) {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot tidy {}: {}", dir, e.toString());
    }
  }

  private Path file(String taskId) {
    return taskId != null && SAFE.matcher(taskId).matches() && !taskId.contains("..") ? dir.resolve(taskId + ".json")
        : null;
  }
}
