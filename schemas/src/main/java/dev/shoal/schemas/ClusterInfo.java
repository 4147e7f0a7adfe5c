package dev.shoal.schemas;

/**
 * Cluster-wide settings kept by the orchestrator: value of {@code shoal.cluster}, key
 * {@link #KEY}. The join-token generations grow by one with each rotation; the tokens themselves
 * are derived ({@link JoinTokens}) and never stored.
 */
public record ClusterInfo(long workerTokenGeneration, long managerTokenGeneration, long updatedAt) {
  public static final String KEY = "cluster";
  public static final ClusterInfo INITIAL = new ClusterInfo(1, 1, 0);

  public long generation(String role) {
    return JoinTokens.MANAGER.equals(role) ? managerTokenGeneration : workerTokenGeneration;
  }

  public ClusterInfo rotated(String role, long time) {
    return JoinTokens.MANAGER.equals(role)
        ? new ClusterInfo(workerTokenGeneration, managerTokenGeneration + 1, time)
        : new ClusterInfo(workerTokenGeneration + 1, managerTokenGeneration, time);
  }
}
