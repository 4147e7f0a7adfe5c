package dev.shoal.schemas;

import java.util.List;

/**
 * The whole set of tasks a node should know about: value of {@code shoal.assignments}, key = node
 * id. Level-triggered: the agent converges its runtime to this set, stopping and removing anything
 * of its node that is not in it, so a missed or repeated record cannot leave it wrong. Tasks are
 * sorted by id.
 */
public record Assignment(String nodeId, long sequence, List<Task> tasks) {}
