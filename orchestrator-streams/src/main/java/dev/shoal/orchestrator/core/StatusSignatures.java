package dev.shoal.orchestrator.core;

import dev.shoal.schemas.NodeSignatures;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.TaskStatusBatch;

/**
 * Whether a task status, or a batch of them, carries its node's signature, as the decision asks it
 * ({@link NodeIdentityCheck}). The orchestrator checks each one as it comes ({@link #CHECKED}); an
 * audit replay may hand the decision verdicts it checked ahead, on other threads, because a verdict
 * depends only on the status and the key. Whatever the implementation, its answers must be
 * {@link NodeSignatures#verifies(TaskStatus, String)}'s and {@link NodeSignatures#verifies(TaskStatusBatch, String)}'s:
 * anything else is another decision.
 */
public interface StatusSignatures {
  /** Checks the signature now: what the orchestrator runs. */
  StatusSignatures CHECKED = NodeSignatures::verifies;

  /** Whether {@code s} carries a signature that {@code publicKey} (wire form) verifies. */
  boolean verifies(TaskStatus s, String publicKey);

  /** Whether {@code b} carries a signature that {@code publicKey} (wire form) verifies; checked now unless overridden. */
  default boolean verifies(TaskStatusBatch b, String publicKey) {
    return NodeSignatures.verifies(b, publicKey);
  }
}
