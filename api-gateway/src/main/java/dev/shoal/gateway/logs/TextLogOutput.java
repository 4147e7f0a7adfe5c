package dev.shoal.gateway.logs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.LogBatch;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code /v1}'s formats: plain text, a line per line (with {@code timestamps} its time first; for a
 * service each line names its task as {@code docker service logs} does, {@code web.1.<task id>@<host> | }),
 * or {@code ndjson}: a JSON object per line with its time, stream, task, node and text, and
 * {@code "marker": true} on lines the agent wrote about the output.
 */
final class TextLogOutput implements LogOutput {
  private final OutputStream out;
  private final boolean json;
  private final boolean timestamps;
  private final boolean prefix;

  TextLogOutput(OutputStream out, boolean json, boolean timestamps, boolean prefix) {
    this.out = out;
    this.json = json;
    this.timestamps = timestamps;
    this.prefix = prefix;
  }

  static String contentType(boolean json) {
    return json ? "application/x-ndjson" : "text/plain; charset=utf-8";
  }

  @Override
  public void line(LogTask task, LogBatch.Line line) throws IOException {
    if (json) {
      ObjectNode o = Json.MAPPER.createObjectNode();
      o.put("time", LogTimes.rfc3339Nano(line.time()));
      o.put("stream", line.stream());
      o.put("task", task.name());
      o.put("taskId", task.taskId());
      o.put("node", task.hostname());
      o.put("text", line.text());
      if (line.isMarker()) {
        o.put("marker", true);
      }
      write(Json.toString(o));
      return;
    }
    StringBuilder b = new StringBuilder();
    if (timestamps) {
      b.append(LogTimes.rfc3339Nano(line.time())).append(' ');
    }
    if (prefix) {
      b.append(task.label()).append(" | ");
    }
    write(b.append(line.text()).toString());
  }

  @Override
  public void note(LogTask task, String text) throws IOException {
    if (json) {
      ObjectNode o = Json.MAPPER.createObjectNode();
      o.put("note", text);
      write(Json.toString(o));
    } else {
      write(text);
    }
  }

  private void write(String s) throws IOException {
    out.write((s + "\n").getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }
}
