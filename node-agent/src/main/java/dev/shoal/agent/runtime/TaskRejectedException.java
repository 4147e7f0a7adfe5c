package dev.shoal.agent.runtime;

/** A runtime cannot run a task; the message is the reason the user reads in the REJECTED status. */
public class TaskRejectedException extends Exception {
  public TaskRejectedException(String reason) {
    super(reason);
  }

  public TaskRejectedException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
