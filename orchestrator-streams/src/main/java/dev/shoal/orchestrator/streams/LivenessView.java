package dev.shoal.orchestrator.streams;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Liveness's store as objects: node id → the entry last put for it, and the up nodes' last-seen
 * times in id order, as {@link dev.shoal.orchestrator.core.NodeDownRule} takes them. The store
 * (RocksDB, changelogged) stays the durable copy and gets every write; this mirror exists because
 * reading the store deserialises JSON on every get and on every entry of a scan, and at 1,000 nodes
 * the check's four scans a second and the get before each heartbeat were most of the liveness
 * thread's time. It holds what the store holds, so the decisions made from it are the same.
 *
 * <p>It is only right if every write to the store is also made here, and if it is filled from the
 * store whenever the store may have changed behind it: {@link #clear()} then {@link #put} every
 * stored entry, each time the processor is initialised (Kafka Streams initialises a task's
 * processors after restoring its stores, again when a suspended task resumes, and when a task is
 * revived after its state was wiped). Memory: one entry per node the store holds (≈1 KB with its
 * description), the size the store already has on disk. One instance per liveness task; not
 * thread-safe.
 */
final class LivenessView {
  private final Map<String, LivenessEntry> entries = new HashMap<>();
  private final TreeMap<String, Long> upLastSeen = new TreeMap<>();
  private final SortedMap<String, Long> upReadOnly = Collections.unmodifiableSortedMap(upLastSeen);

  /** Forgets everything: the store is about to be read again. */
  void clear() {
    entries.clear();
    upLastSeen.clear();
  }

  /** The entry last put for {@code nodeId}, or null, as {@code store.get} would return it. */
  LivenessEntry get(String nodeId) {
    return entries.get(nodeId);
  }

  /** Mirrors {@code store.put(nodeId, entry)}; liveness never deletes an entry, so neither does this. */
  void put(String nodeId, LivenessEntry entry) {
    entries.put(nodeId, entry);
    if (entry.up()) {
      upLastSeen.put(nodeId, entry.lastSeen());
    } else {
      upLastSeen.remove(nodeId);
    }
  }

  /**
   * The nodes held up, each with its last-seen time, in id order. Read-only and live (no copy per
   * check): valid until the next {@link #put} or {@link #clear}, so a caller must not keep it, nor
   * write while iterating it.
   */
  SortedMap<String, Long> up() {
    return upReadOnly;
  }

  int size() {
    return entries.size();
  }
}
