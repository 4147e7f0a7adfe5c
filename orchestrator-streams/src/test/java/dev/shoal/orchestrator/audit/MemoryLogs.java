package dev.shoal.orchestrator.audit;

import dev.shoal.schemas.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An {@link AuditSource} over records held in memory, one partition per topic: what a test driver
 * published, which a test may then alter, remove or add to as a person with write access to the
 * topics could.
 */
final class MemoryLogs implements AuditSource, DerivedLogs {
  private final Topics topics;
  private final Map<String, List<LogRecord>> logs = new HashMap<>();
  private final Map<String, Long> startOffsets = new HashMap<>();
  private final Map<String, String> ids = new TreeMap<>();

  MemoryLogs(Topics topics) {
    this.topics = topics;
    for (var t : topics.all()) {
      ids.put(t.name(), "id-" + t.name());
    }
  }

  /** Appends a record; its offset is the next of the topic. */
  LogRecord append(String topic, String key, byte[] value, long timestamp, Long sequence) {
    return append(topic, key, value, timestamp, sequence, null);
  }

  /** Appends a record with a decision-code header ({@code decisionCode}, null: none). */
  LogRecord append(String topic, String key, byte[] value, long timestamp, Long sequence, Integer decisionCode) {
    List<LogRecord> log = log(topic);
    long offset = log.isEmpty() ? startOffsets.getOrDefault(topic, 0L) : log.get(log.size() - 1).offset() + 1;
    LogRecord r = new LogRecord(topic, 0, offset, key, value, timestamp, false, sequence, decisionCode);
    log.add(r);
    return r;
  }

  List<LogRecord> log(String topic) {
    return logs.computeIfAbsent(topic, k -> new ArrayList<>());
  }

  /** Replaces the record at index {@code i} of {@code topic}, keeping its place. */
  void replace(String topic, int i, LogRecord r) {
    log(topic).set(i, r);
  }

  /** Drops the first {@code n} records of {@code topic}, as retention would. */
  void expire(String topic, int n) {
    List<LogRecord> log = log(topic);
    List<LogRecord> kept = new ArrayList<>(log.subList(n, log.size()));
    startOffsets.put(topic, log.get(n - 1).offset() + 1);
    log.clear();
    log.addAll(kept);
  }

  /** Gives {@code topic} a new id, as deleting and creating it again would. */
  void recreate(String topic) {
    ids.put(topic, ids.get(topic) + "'");
  }

  @Override
  public ControlLog control() {
    List<LogRecord> log = log(topics.control.name());
    long end = log.isEmpty() ? 0 : log.get(log.size() - 1).offset() + 1;
    long start = startOffsets.getOrDefault(topics.control.name(), 0L);
    return new ControlLog() {
      private long position = start;

      @Override
      public long startOffset() {
        return start;
      }

      @Override
      public long endOffset() {
        return end;
      }

      @Override
      public void seek(long offset) {
        position = offset;
      }

      @Override
      public List<LogRecord> next() {
        List<LogRecord> out = new ArrayList<>();
        for (LogRecord r : log) {
          if (r.offset() >= position && r.offset() < end && out.size() < 7) {
            out.add(r);
          }
        }
        if (!out.isEmpty()) {
          position = out.get(out.size() - 1).offset() + 1;
        }
        return out;
      }

      @Override
      public Optional<LogRecord> at(long offset) {
        return log.stream().filter(r -> r.offset() == offset).findFirst();
      }

      @Override
      public long offsetForTime(long time) {
        return log.stream().filter(r -> r.timestamp() >= time).map(LogRecord::offset).findFirst().orElse(end);
      }
    };
  }

  @Override
  public DerivedLogs derived() {
    return this;
  }

  @Override
  public Map<String, String> topicIds() {
    return Map.copyOf(ids);
  }

  @Override
  public void close() {
  }

  @Override
  public int partitions(String topic) {
    return 1;
  }

  @Override
  public boolean compacted(String topic) {
    return topics.all().stream().filter(t -> t.name().equals(topic))
        .anyMatch(t -> t.configs().getOrDefault("cleanup.policy", "").contains("compact"));
  }

  @Override
  public int partitionFor(String topic, String key, int partitions) {
    return 0;
  }

  @Override
  public PartitionLog open(String topic, int partition, long position) {
    List<LogRecord> log = log(topic);
    long start = startOffsets.getOrDefault(topic, 0L);
    return new PartitionLog() {
      private int index = indexOf(position < 0 ? start : position);

      private int indexOf(long offset) {
        int i = 0;
        while (i < log.size() && log.get(i).offset() < offset) {
          i++;
        }
        return i;
      }

      @Override
      public LogRecord peek() {
        return index < log.size() ? log.get(index) : null;
      }

      @Override
      public void consume() {
        index++;
      }

      @Override
      public List<LogRecord> upcoming(long sequence) {
        List<LogRecord> out = new ArrayList<>();
        for (int i = index; i < log.size(); i++) {
          out.add(log.get(i));
          if (log.get(i).sequence() != null && log.get(i).sequence() > sequence) {
            break;
          }
        }
        return out;
      }

      @Override
      public long position() {
        return index < log.size() ? log.get(index).offset()
            : log.isEmpty() ? start : log.get(log.size() - 1).offset() + 1;
      }

      @Override
      public long startOffset() {
        return start;
      }
    };
  }
}
