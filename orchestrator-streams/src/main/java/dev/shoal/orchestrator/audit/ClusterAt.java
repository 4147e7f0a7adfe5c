package dev.shoal.orchestrator.audit;

import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import java.util.List;

/**
 * The cluster as it was at {@code at} (epoch ms), rebuilt by replaying the control log up to it:
 * the state after the last decision made at or before that time ({@code sequence}, its
 * {@code decisionTime} and control-log offset), with every service and its spec, every task the
 * orchestrator kept (where it ran, desired and observed state) and every node. {@code notes} say
 * what the replay could not check.
 */
public record ClusterAt(long at, long sequence, long decisionTime, long controlOffset, List<Service> services,
                        List<Task> tasks, List<Node> nodes, List<String> notes) {}
