package dev.shoal.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The whole set of tasks a node should know about: value of {@code shoal.assignments}, key = node
 * id. Level-triggered: the agent converges its runtime to this set, stopping and removing anything
 * of its node that is not in it, so a missed or repeated record cannot leave it wrong. Tasks are
 * sorted by id. {@code refusal}, when set, says why the node was not admitted (a bad join token):
 * the agent reports it and stops.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Assignment(String nodeId, long sequence, List<Task> tasks, String refusal) {
  public Assignment(String nodeId, long sequence, List<Task> tasks) {
    this(nodeId, sequence, tasks, null);
  }
}
