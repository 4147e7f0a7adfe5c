package dev.shoal.orchestrator.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 over a record's key, value, timestamp and sequence: to recognise the same record later. */
final class Digests {
  private Digests() {}

  static String of(LogRecord r) {
    if (r == null) {
      return null;
    }
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update((r.topic() + "\n" + r.partition() + "\n" + r.offset() + "\n" + r.key() + "\n" + r.timestamp() + "\n"
          + r.sequence() + "\n").getBytes(StandardCharsets.UTF_8));
      if (r.value() != null) {
        d.update(r.value());
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
