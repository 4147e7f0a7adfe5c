package dev.shoal.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A record of {@code shoal.assignments}, partitioned by node id (every record of a node lands in
 * the partition Kafka's default partitioner gives the node id, so the node's agent reads one
 * partition):
 * <ul>
 *   <li>key {@code <node id>/<task id>}: {@code task} is placed on the node, with everything the agent
 *       needs to run it; a tombstone when the task leaves the node's set. One record per task, so a
 *       placement costs one record, never a republication of the node's other tasks.</li>
 *   <li>key {@code <node id>}: {@code refusal} says why the node was not admitted (a bad join token):
 *       the agent reports it and stops.</li>
 * </ul>
 * Level-triggered all the same: the compacted partition holds the node's whole set, which the agent
 * rebuilds by reading it from the beginning. {@code sequence} is the decision that wrote the record.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Assignment(String nodeId, long sequence, Task task, String refusal) {
  public static final char SEPARATOR = '/';
  private static final byte[] NODE_ID_FIELD = "{\"nodeId\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SEQUENCE_FIELD = ",\"sequence\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TASK_FIELD = ",\"task\":".getBytes(StandardCharsets.US_ASCII);

  /** The key of {@code taskId}'s record on {@code nodeId}. */
  public static String key(String nodeId, String taskId) {
    return nodeId + SEPARATOR + taskId;
  }

  /**
   * The JSON of {@code new Assignment(nodeId, sequence, task, null)} from the task's JSON, byte for byte
   * what {@link Json#toBytes} makes of it: the decision has already serialised the task for
   * {@code shoal.tasks} and its store, and serialising it a third time inside its assignment was a
   * good part of a placement's cost (issue 14). {@code AssignmentTest} holds the two forms equal.
   */
  public static byte[] json(String nodeId, long sequence, byte[] taskJson) {
    byte[] node = Json.toBytes(nodeId);
    byte[] seq = Long.toString(sequence).getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream out = new ByteArrayOutputStream(taskJson.length + node.length + seq.length + 32);
    out.writeBytes(NODE_ID_FIELD);
    out.writeBytes(node);
    out.writeBytes(SEQUENCE_FIELD);
    out.writeBytes(seq);
    out.writeBytes(TASK_FIELD);
    out.writeBytes(taskJson);
    out.write('}');
    return out.toByteArray();
  }

  /** The node id a key belongs to: the part before the separator, or the whole key (a node record). */
  public static String nodeOf(String key) {
    int at = key.indexOf(SEPARATOR);
    return at < 0 ? key : key.substring(0, at);
  }
}
