package dev.shoal.orchestrator.audit;

import dev.shoal.orchestrator.core.StatusSignatures;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.TaskStatusBatch;

/**
 * The {@link StatusSignatures} of a replay: the verdict checked ahead for the input being decided
 * ({@link ReplayInput#signature}) when the decision asks about that very status (the same object)
 * and that key; any other question is checked now ({@link StatusSignatures#CHECKED}). A verdict is
 * a pure function of the status and the key, so the decision is the same either way. Used on the
 * replay's thread only.
 */
final class SignatureVerdicts implements StatusSignatures {
  private ReplayInput.CheckedSignature expected;
  private long answered;
  private long checked;

  /** The verdict for the input about to be decided (null: none). */
  void expect(ReplayInput.CheckedSignature verdict) {
    this.expected = verdict;
  }

  @Override
  public boolean verifies(TaskStatus s, String publicKey) {
    ReplayInput.CheckedSignature v = expected;
    if (v != null && v.signed() == s && v.publicKey().equals(publicKey)) {
      answered++;
      return v.valid();
    }
    checked++;
    return StatusSignatures.CHECKED.verifies(s, publicKey);
  }

  @Override
  public boolean verifies(TaskStatusBatch b, String publicKey) {
    ReplayInput.CheckedSignature v = expected;
    if (v != null && v.signed() == b && v.publicKey().equals(publicKey)) {
      answered++;
      return v.valid();
    }
    checked++;
    return StatusSignatures.CHECKED.verifies(b, publicKey);
  }

  /** Questions answered from a verdict checked ahead. */
  long answered() {
    return answered;
  }

  /** Questions checked on the replay's thread (no verdict, or one for another key). */
  long checked() {
    return checked;
  }
}
