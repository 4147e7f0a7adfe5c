package dev.shoal.gateway.logs;

import dev.shoal.schemas.LogBatch;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The Docker engine's log stream: one frame per line, an 8-byte header (stream 1 = stdout, 2 =
 * stderr; three zero bytes; the payload's length, big-endian) and the payload: the timestamp (with
 * {@code timestamps}), then the details (with {@code details}: {@code com.docker.swarm.node.id=…,
 * com.docker.swarm.service.id=…,com.docker.swarm.task.id=…}, which {@code docker service logs}
 * parses to name each line's task), then the line and a line feed.
 */
final class EngineLogOutput implements LogOutput {
  private final OutputStream out;
  private final boolean timestamps;
  private final boolean details;

  EngineLogOutput(OutputStream out, boolean timestamps, boolean details) {
    this.out = out;
    this.timestamps = timestamps;
    this.details = details;
  }

  @Override
  public void line(LogTask task, LogBatch.Line line) throws IOException {
    frame(LogBatch.STDERR.equals(line.stream()) ? 2 : 1, task, line.time(), line.text());
  }

  /** A note goes to stderr as the first task's line: the CLI refuses a frame without a task's details. */
  @Override
  public void note(LogTask task, String text) throws IOException {
    if (task != null) {
      java.time.Instant now = java.time.Instant.now();
      frame(2, task, now.getEpochSecond() * 1_000_000_000L + now.getNano(), text);
    }
  }

  private void frame(int stream, LogTask task, long time, String text) throws IOException {
    StringBuilder b = new StringBuilder(text.length() + 160);
    if (timestamps) {
      b.append(LogTimes.rfc3339Nano(time)).append(' ');
    }
    if (details) {
      b.append("com.docker.swarm.node.id=").append(nz(task.nodeId()))
          .append(",com.docker.swarm.service.id=").append(nz(task.serviceId()))
          .append(",com.docker.swarm.task.id=").append(task.taskId()).append(' ');
    }
    byte[] payload = b.append(text).append('\n').toString().getBytes(StandardCharsets.UTF_8);
    int n = payload.length;
    out.write(new byte[] {(byte) stream, 0, 0, 0, (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    out.write(payload);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }
}
