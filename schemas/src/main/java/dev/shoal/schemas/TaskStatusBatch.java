package dev.shoal.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * Task statuses an agent sends together (value of {@code shoal.task-status}, key = node id), signed
 * once: one signature check and one decision for the whole batch, where each status on its own was
 * one of each.
 *
 * <p>{@code boot} counts the agent's starts, as on a single status. A batch of {@code n} statuses
 * takes {@code n} numbers of the agent's per-boot status sequence, {@code sequence} being the first:
 * its {@code i}-th status is ordered as a single status with sequence {@code sequence + i} would be
 * ({@link #status(int)}), so the orchestrator's check that a task's statuses only move forward is
 * the one it makes for single statuses, and a copied batch is refused as a copied status is. The
 * statuses carry no node id (it is the batch's), boot, sequence or signature of their own;
 * {@code signature} covers everything else ({@link NodeSignatures}, a purpose line of its own).
 * A single signed {@link TaskStatus} stays a valid record of the topic (older agents, any Kafka
 * client); the intake tells the two apart by the {@code statuses} field.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskStatusBatch(String nodeId, Long boot, Long sequence, List<TaskStatus> statuses, String signature) {

  /**
   * An unsigned batch of {@code statuses} from {@code nodeId}: each status is stripped of its node
   * id, boot, sequence and signature (they are the batch's).
   */
  public static TaskStatusBatch of(String nodeId, long boot, long sequence, List<TaskStatus> statuses) {
    List<TaskStatus> bare = new ArrayList<>(statuses.size());
    for (TaskStatus s : statuses) {
      bare.add(new TaskStatus(s.taskId(), null, s.state(), s.message(), s.error(), s.exitCode(), s.endpoint(),
          s.ports(), s.health(), s.containerId(), s.timestamp()));
    }
    return new TaskStatusBatch(nodeId, boot, sequence, List.copyOf(bare), null);
  }

  /** This batch with {@code signature} (null: the unsigned form that is signed). */
  public TaskStatusBatch withSignature(String signature) {
    return new TaskStatusBatch(nodeId, boot, sequence, statuses, signature);
  }

  /**
   * The {@code i}-th status as the decision applies it: with the batch's node id, boot and the
   * sequence {@code sequence + i}, unsigned (the batch's signature vouches for it).
   */
  public TaskStatus status(int i) {
    TaskStatus s = statuses.get(i);
    return new TaskStatus(s.taskId(), nodeId, s.state(), s.message(), s.error(), s.exitCode(), s.endpoint(),
        s.ports(), s.health(), s.containerId(), s.timestamp(), boot, sequence + i, null);
  }

  /** How many statuses it carries. */
  public int size() {
    return statuses == null ? 0 : statuses.size();
  }
}
