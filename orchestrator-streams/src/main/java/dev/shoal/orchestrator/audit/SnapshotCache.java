package dev.shoal.orchestrator.audit;

import dev.shoal.schemas.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The audit tool's local cache of {@link StateSnapshot}s for one control log (one directory per
 * control topic id, so a topic deleted and created again starts afresh), so that a long replay
 * starts from the nearest snapshot instead of the first record. A snapshot is a gzipped JSON file
 * named by its sequence, decision time and kind (verified or not); the directory is the user's own
 * (mode 700, files 600): snapshots hold every spec, environment variables included.
 *
 * <p>A snapshot is a cache, never a source of truth: one that cannot be read is ignored, and a
 * verified snapshot is whatever this tool wrote after comparing — whoever can write this directory
 * can make {@code verify} skip work, as whoever can replace the tool can; {@code --full} ignores it.
 */
public final class SnapshotCache {
  private static final Pattern NAME = Pattern.compile("snap-(\\d{20})-(\\d{20})-(verified|state)\\.json\\.gz");

  /** One snapshot file: its last decision's sequence and time, and whether it was verified. */
  public record Entry(long sequence, long time, boolean verified, Path file) {}

  /** How many of the newest snapshots {@link #prune} keeps (of each kind: verified, and any). */
  static final int NEWEST = 3;
  /** At most how many blocks of the history {@link #prune} keeps one snapshot of. */
  static final int BLOCKS = 16;
  /** How many times {@code --snapshot-every} decisions back {@link #prune} keeps one snapshot per {@code every}. */
  static final int RECENT = 4;

  private final Path dir;

  public SnapshotCache(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /** Every snapshot, by sequence. */
  public List<Entry> entries() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Entry> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(f -> {
        Matcher m = NAME.matcher(f.getFileName().toString());
        if (m.matches()) {
          out.add(new Entry(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), m.group(3).equals("verified"), f));
        }
      });
    } catch (IOException e) {
      return List.of();
    }
    out.sort(Comparator.comparingLong(Entry::sequence).thenComparing(Entry::verified));
    return out;
  }

  /** The snapshot in {@code e}, or empty when it cannot be read (a cache miss, not an error). */
  public Optional<StateSnapshot> read(Entry e) {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(e.file()), 1 << 16)) {
      StateSnapshot s = Json.MAPPER.readValue(in, StateSnapshot.class);
      return s.format() == StateSnapshot.FORMAT ? Optional.of(s) : Optional.empty();
    } catch (IOException | RuntimeException x) {
      return Optional.empty();
    }
  }

  /**
   * Deletes snapshots so that the cache stays bounded however long the history, keeping what a
   * resume and {@code at}/{@code why} need: the newest {@value #NEWEST} verified snapshots (a
   * {@code verify} goes on from the newest that still fits the log), the newest {@value #NEWEST} of
   * any kind; among the newest {@value #RECENT} × {@code every} decisions (where {@code at 10m}
   * looks) the oldest snapshot of each block of {@code every} decisions; and further back the oldest
   * of each block of W decisions, W being {@code every} doubled until the history spans at most
   * {@value #BLOCKS} blocks. So at most {@value #BLOCKS} + {@value #RECENT} + 1 + 2 × {@value #NEWEST}
   * files, and {@code at} of any time finds a snapshot at most 2 × {@code every} decisions before it
   * among the recent ones, 2 W further back (W is {@code every} up to {@value #BLOCKS} × {@code every}
   * decisions, then at most an eighth of the history). The oldest of a block is also the oldest of
   * any larger block that holds it, so a snapshot once deleted is never wanted back.
   */
  public void prune(long every) {
    List<Entry> all = entries();
    if (all.size() <= BLOCKS) {
      return;
    }
    long newest = all.get(all.size() - 1).sequence();
    long width = blockWidth(newest, every);
    Set<Path> kept = new HashSet<>();
    List<Entry> verified = all.stream().filter(Entry::verified).toList();
    verified.subList(Math.max(0, verified.size() - NEWEST), verified.size()).forEach(e -> kept.add(e.file()));
    all.subList(all.size() - NEWEST, all.size()).forEach(e -> kept.add(e.file()));
    Set<String> blocks = new HashSet<>();
    for (Entry e : all) { // oldest first: the first of each block is its oldest
      boolean recent = newest - e.sequence() < RECENT * every;
      if (blocks.add(recent ? "recent " + e.sequence() / every : "old " + e.sequence() / width)) {
        kept.add(e.file());
      }
    }
    for (Entry e : all) {
      if (!kept.contains(e.file())) {
        try {
          Files.deleteIfExists(e.file());
        } catch (IOException x) {
          // one that cannot be deleted is still a valid snapshot: the next prune tries again
        }
      }
    }
  }

  /** {@code every} doubled until {@code newest} decisions span at most {@value #BLOCKS} blocks. */
  static long blockWidth(long newest, long every) {
    long w = Math.max(1, every);
    while (newest / w >= BLOCKS) {
      w *= 2;
    }
    return w;
  }

  /**
   * Writes {@code s} (atomically: a reader sees the whole file or none). A verified snapshot replaces
   * an unverified one of the same decision; an unverified one never replaces a verified one.
   */
  public void write(StateSnapshot s) {
    boolean verified = s.verified() != null;
    Path target = dir.resolve(String.format("snap-%020d-%020d-%s.json.gz", s.sequence(), s.time(),
        verified ? "verified" : "state"));
    if (!verified && Files.exists(dir.resolve(String.format("snap-%020d-%020d-verified.json.gz", s.sequence(), s.time())))) {
      return;
    }
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      Path tmp = Files.createTempFile(dir, "snap-", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        Json.MAPPER.writeValue(out, s);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      if (verified) {
        Files.deleteIfExists(dir.resolve(String.format("snap-%020d-%020d-state.json.gz", s.sequence(), s.time())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write an audit snapshot in " + dir, e);
    }
  }
}
