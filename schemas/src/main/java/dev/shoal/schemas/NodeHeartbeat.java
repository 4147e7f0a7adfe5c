package dev.shoal.schemas;

import java.util.List;

/**
 * A node agent's periodic sign of life: value of {@code shoal.heartbeats}, key = node id.
 * {@code sequence} restarts at 0 when the agent restarts, which liveness reads as a rejoin.
 */
public record NodeHeartbeat(
    String nodeId,
    long sequence,
    NodeDescription description,
    List<String> runningTaskIds,
    long timestamp) {}
