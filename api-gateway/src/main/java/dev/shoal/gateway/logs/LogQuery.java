package dev.shoal.gateway.logs;

import java.util.List;
import java.util.function.Supplier;

/**
 * What a client asks of the logs: whose, which streams, from when, how many of the last lines, and
 * whether to go on with new ones.
 *
 * @param tasks the tasks whose lines are read
 * @param stdout include stdout lines
 * @param stderr include stderr lines
 * @param sinceNanos only lines at or after this time (epoch nanoseconds); 0 for all
 * @param tail only the last this many lines of each task (after the filters); null for all
 * @param follow after the lines there are, send new ones as they come until the client goes away
 * @param refresh for a service: its tasks now, asked now and then while following, so the lines of
 *     tasks started meanwhile are followed too; null for a fixed set
 */
public record LogQuery(List<LogTask> tasks, boolean stdout, boolean stderr, long sinceNanos, Integer tail,
                       boolean follow, Supplier<List<LogTask>> refresh) {
  public LogQuery {
    tasks = List.copyOf(tasks);
  }

  boolean wants(String stream, long time) {
    boolean streamOk = "stderr".equals(stream) ? stderr : stdout;
    return streamOk && time >= sinceNanos;
  }
}
