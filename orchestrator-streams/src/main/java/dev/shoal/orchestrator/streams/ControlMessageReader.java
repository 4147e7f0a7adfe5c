package dev.shoal.orchestrator.streams;

import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.ControlMessageValidator;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Limits;
import dev.shoal.schemas.RejectionCode;
import dev.shoal.schemas.Validated;
import dev.shoal.schemas.Utf8;

/**
 * Reads a raw control-log record: within the size limit, a JSON control message, and valid by
 * {@link ControlMessageValidator}. The control log is read as text so that a record any client
 * wrote there becomes a rejection, never a deserialisation failure the stream would skip silently.
 */
final class ControlMessageReader {
  private ControlMessageReader() {}

  static Validated<ControlMessage> read(String key, String value) {
    if (value == null) {
      return Validated.refused(RejectionCode.INVALID, "empty control record");
    }
    if (Utf8.longerThan(value, Limits.MAX_CONTROL_BYTES)) {
      return Validated.refused(RejectionCode.TOO_LARGE, "a control message is at most " + Limits.MAX_CONTROL_BYTES
          + " bytes");
    }
    if (key != null && Utf8.longerThan(key, Limits.MAX_KEY_BYTES)) {
      return Validated.refused(RejectionCode.TOO_LARGE, "a control record key is at most " + Limits.MAX_KEY_BYTES
          + " bytes");
    }
    ControlMessage m;
    try {
      m = Json.fromString(value, ControlMessage.class);
    } catch (RuntimeException e) {
      return Validated.refused(RejectionCode.INVALID, "unreadable control message: " + JsonIntake.rootMessage(e));
    }
    return ControlMessageValidator.validate(m);
  }
}
