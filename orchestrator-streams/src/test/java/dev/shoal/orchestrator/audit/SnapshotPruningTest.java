package dev.shoal.orchestrator.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.orchestrator.core.OrchestratorSettings;
import dev.shoal.schemas.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot cache stays bounded however long the history, keeps the newest snapshots a resume
 * needs, and still has one at most two blocks before any time, so {@code at} of an old time starts
 * near it (and gives what a replay from the first record gives).
 */
class SnapshotPruningTest {
  private static final int BOUND = SnapshotCache.BLOCKS + SnapshotCache.RECENT + 1 + 2 * SnapshotCache.NEWEST;

  /** An empty file named as a snapshot of decision {@code sequence}: pruning goes by names only. */
  private static void file(Path dir, long sequence, boolean verified) throws IOException {
    Files.createDirectories(dir);
    Files.createFile(dir.resolve(String.format("snap-%020d-%020d-%s.json.gz", sequence, sequence * 20,
        verified ? "verified" : "state")));
  }

  private static Set<Long> sequences(SnapshotCache cache) {
    return cache.entries().stream().map(SnapshotCache.Entry::sequence).collect(Collectors.toSet());
  }

  @Test
  void aMillionDecisionsWithASnapshotEvery20000KeepABoundedFewAndOneNearAnyDecision(@TempDir Path dir)
      throws IOException {
    SnapshotCache cache = new SnapshotCache(dir);
    Set<Long> before = Set.of();
    for (long s = 20_000; s <= 1_000_000; s += 20_000) {
      file(dir, s, true);
      cache.prune(20_000);
      Set<Long> now = sequences(cache);
      // pruning only deletes: a snapshot deleted once never comes back, and none kept before the newest is new
      assertThat(now).isSubsetOf(union(before, s));
      assertThat(now.size()).isLessThanOrEqualTo(BOUND);
      before = now;
    }
    List<Long> kept = cache.entries().stream().map(SnapshotCache.Entry::sequence).toList();
    assertThat(kept).contains(20_000L, 960_000L, 980_000L, 1_000_000L); // the oldest and the newest three
    assertThat(kept.size()).isLessThan(50 / 2);
    // The width of a block for a million decisions: 20,000 doubled until they span fewer than 16 blocks.
    assertThat(SnapshotCache.blockWidth(1_000_000, 20_000)).isEqualTo(80_000);
    for (long t = 20_000; t <= 1_000_000; t += 1_000) {
      long at = t;
      long nearest = kept.stream().filter(k -> k <= at).mapToLong(Long::longValue).max().orElseThrow();
      // the newest 4 × 20,000 decisions keep one per 20,000 (so the newest 3 × 20,000 have one within
      // 20,000); before them one per block of 80,000
      long gap = at >= 940_000 ? 20_000 : 2 * 80_000;
      assertThat(at - nearest).as("decisions replayed for at(decision %d)", at).isLessThan(gap);
    }
  }

  @Test
  void theNewestVerifiedSnapshotsStayWhenNewerUnverifiedOnesAreWritten(@TempDir Path dir) throws IOException {
    SnapshotCache cache = new SnapshotCache(dir);
    for (long s = 1; s <= 40; s++) {
      file(dir, s, s <= 30);
    }
    cache.prune(1);
    List<SnapshotCache.Entry> left = cache.entries();
    assertThat(left.stream().filter(SnapshotCache.Entry::verified).map(SnapshotCache.Entry::sequence))
        .contains(28L, 29L, 30L);
    assertThat(left.stream().map(SnapshotCache.Entry::sequence)).contains(38L, 39L, 40L);
  }

  @Test
  void atOfAnyTimeFromAPrunedCacheIsAtFromTheFirstRecord(@TempDir Path dir) {
    try (AuditScenario scenario = new AuditScenario().standardScenario()) {
      SnapshotCache cache = new SnapshotCache(dir);
      Audit.Options everyDecision = new Audit.Options(OrchestratorSettings.DEFAULTS, Audit.Joins.OPEN, null, 1, 50);
      VerifyReport r = new Audit(scenario.logs, scenario.topics, everyDecision, cache, Progress.NONE).verify(true);
      assertThat(r.divergences()).isZero();
      long decisions = r.lastSequence();
      assertThat(decisions).isGreaterThan(SnapshotCache.BLOCKS);
      assertThat(cache.entries()).hasSizeLessThan((int) decisions); // a snapshot was left at each, some pruned
      assertThat(cache.entries().get(0).sequence()).isEqualTo(1);
      Audit cached = new Audit(scenario.logs, scenario.topics, everyDecision, cache, Progress.NONE);
      Audit uncached = new Audit(scenario.logs, scenario.topics, everyDecision, null, Progress.NONE);
      for (LogRecord c : scenario.logs.log(scenario.topics.control.name())) {
        assertThat(Json.toString(cached.at(c.timestamp()))).as("at %d", c.timestamp())
            .isEqualTo(Json.toString(uncached.at(c.timestamp())));
      }
      // at writes snapshots too, and prunes as it goes
      assertThat(cache.entries()).hasSizeLessThanOrEqualTo(BOUND);
    }
  }

  private static Set<Long> union(Set<Long> a, long b) {
    return java.util.stream.Stream.concat(a.stream(), java.util.stream.Stream.of(b)).collect(Collectors.toSet());
  }
}
