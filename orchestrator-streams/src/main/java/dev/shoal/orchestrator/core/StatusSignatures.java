package dev.shoal.orchestrator.core;

import dev.shoal.schemas.NodeSignatures;
import dev.shoal.schemas.TaskStatus;

/**
 * Whether a task status carries its node's signature, as the decision asks it
 * ({@link NodeIdentityCheck}). The orchestrator checks each one as it comes ({@link #CHECKED}); an
 * audit replay may hand the decision verdicts it checked ahead, on other threads, because a verdict
 * depends only on the status and the key. Whatever the implementation, its answer must be
 * {@link NodeSignatures#verifies(TaskStatus, String)}'s: anything else is another decision.
 */
@FunctionalInterface
public interface StatusSignatures {
  /** Checks the signature now: what the orchestrator runs. */
  StatusSignatures CHECKED = NodeSignatures::verifies;

  /** Whether {@code s} carries a signature that {@code publicKey} (wire form) verifies. */
  boolean verifies(TaskStatus s, String publicKey);
}
