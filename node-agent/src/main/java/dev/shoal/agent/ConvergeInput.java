package dev.shoal.agent;

import dev.shoal.agent.runtime.RuntimeTask;
import dev.shoal.schemas.Task;
import java.util.Map;
import java.util.Set;

/**
 * Everything one convergence decision reads.
 *
 * @param now wall-clock millis for the timestamps of reports (the agent is the observer)
 * @param assigned the node's assignment by task id: the whole set of tasks it should know about
 * @param observed what the runtimes hold for the node, by task id
 * @param memory what the agent remembers per task id; absent means {@link TaskMemory#NONE}
 * @param drivers the drivers this node offers
 */
public record ConvergeInput(
    String nodeId,
    long now,
    Map<String, Task> assigned,
    Map<String, RuntimeTask> observed,
    Map<String, TaskMemory> memory,
    Set<String> drivers) {}
