package dev.shoal.schemas;

/** CPU cores and memory bytes: what a node offers, or what tasks on it have reserved. */
public record NodeResources(double cpus, long memoryBytes) {
  public static final NodeResources NONE = new NodeResources(0, 0);

  public NodeResources plus(NodeResources o) {
    return new NodeResources(cpus + o.cpus, memoryBytes + o.memoryBytes);
  }

  public NodeResources minus(NodeResources o) {
    return new NodeResources(cpus - o.cpus, memoryBytes - o.memoryBytes);
  }
}
