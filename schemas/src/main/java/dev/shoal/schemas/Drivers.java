package dev.shoal.schemas;

/** Names of the task drivers a node can offer and a spec can need. */
public final class Drivers {
  /** Runs the task's command as a plain child process of the agent (like Nomad's raw_exec). */
  public static final String PROCESS = "process";
  /** Runs the task as a container on the node's Docker engine. */
  public static final String DOCKER = "docker";

  private Drivers() {}
}
