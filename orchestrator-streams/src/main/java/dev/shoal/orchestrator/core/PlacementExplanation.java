package dev.shoal.orchestrator.core;

import java.util.List;

/**
 * Why one placement went where it went, in the scheduler's own terms ({@link Scheduler#explain}):
 * every candidate node with the filter that excluded it or, for the eligible ones, the keys the
 * ranking compared and the rank they earned. {@code chosenNodeId} is what {@link Scheduler#place}
 * returns for the same input; {@code reason} its "no suitable node (…)" sentence when nothing fits.
 * For audit ({@code shoal audit why}): the same filters and ranking, never a second opinion.
 */
public record PlacementExplanation(List<Candidate> candidates, String chosenNodeId, String reason) {

  /**
   * One candidate node. {@code excludedBy} is the first filter's reason (null when eligible);
   * {@code rank} is 1 for the chosen node, 2 for the next… (null when excluded); {@code spread} holds,
   * for each placement preference in order, how many tasks of the service the node's group holds;
   * then the ranking compares {@code serviceTasks}, {@code totalTasks} and the node id.
   */
  public record Candidate(String nodeId, String hostname, String excludedBy, Integer rank, List<Integer> spread,
                          int serviceTasks, int totalTasks) {}
}
