package dev.shoal.orchestrator.streams;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.NodeDescription;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * What liveness remembers of a node: last accepted heartbeat time (broker time), its boot and
 * sequence (the next one must come after them), up or not, what its description was, and the key it
 * was signed with (the order is kept per key, so heartbeats signed by someone else cannot move it).
 * {@code boot} and {@code publicKey} are null in entries written before heartbeats were signed.
 *
 * <p>The description is kept as a SHA-256 digest of its JSON ({@code descriptionDigest}): liveness
 * only asks whether a heartbeat's description changed (the node-up carries the heartbeat's own), and
 * the entry is written back on every heartbeat, so with the whole description it was most of the
 * liveness changelog (~1 KB a heartbeat, 2.6 KB per placement at 1,000 nodes). Entries written before
 * carry the {@code description} itself and no digest; they are compared through the digest of it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LivenessEntry(long lastSeen, long sequence, boolean up, NodeDescription description, Long boot,
                            String publicKey, String descriptionDigest) {

  /** An entry as written now: the description by its digest. */
  static LivenessEntry of(long lastSeen, long sequence, NodeDescription description, Long boot, String publicKey) {
    return new LivenessEntry(lastSeen, sequence, true, null, boot, publicKey, digest(description));
  }

  LivenessEntry down() {
    return new LivenessEntry(lastSeen, sequence, false, description, boot, publicKey, descriptionDigest);
  }

  /** Whether {@code other} is the description this entry was written with. */
  boolean describedAs(NodeDescription other) {
    return digest(other).equals(descriptionDigest != null ? descriptionDigest : digest(description));
  }

  /** SHA-256 of the description's JSON ({@link Json} writes a value the same way every time). */
  static String digest(NodeDescription d) {
    byte[] json = d == null ? "null".getBytes(StandardCharsets.UTF_8) : Json.toBytes(d);
    try {
      return Base64.getEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(json));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
