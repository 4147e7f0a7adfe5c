package dev.shoal.schemas;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The join-token wire format, in Swarm's shape {@code SWMTKN-1-<cluster part>-<secret part>}.
 *
 * <p>Tokens are never stored: each is derived from the cluster secret and the role's token
 * generation ({@link ClusterInfo}), so rotating means bumping a generation. An agent never sends
 * its token either: it sends {@link #proof}, an HMAC of its node id and public key keyed by the
 * token, which the orchestrator recomputes from the current tokens. A proof is bound to one node id
 * and one key ({@link NodeSignatures}): a reader of {@code shoal.heartbeats} who copies it can join
 * neither as another node nor as this one with a key of their own.
 */
public final class JoinTokens {
  public static final String WORKER = "worker";
  public static final String MANAGER = "manager";
  private static final Pattern FORMAT = Pattern.compile("^SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}$");

  private JoinTokens() {}

  /** The current token of {@code role} for this cluster secret and generation. */
  public static String token(byte[] clusterSecret, String role, long generation) {
    String cluster = base36(sha256(concat(clusterSecret, "cluster".getBytes(StandardCharsets.UTF_8))), 50);
    String secret = base36(hmac(clusterSecret, role + ":" + generation), 25);
    return "SWMTKN-1-" + cluster + "-" + secret;
  }

  /** What an agent sends instead of its token: proof of the token, for this node id and public key (wire form). */
  public static String proof(String token, String nodeId, String publicKey) {
    // The newline cannot occur in a node id, so no other (id, key) pair makes the same message.
    return Base64.getUrlEncoder().withoutPadding().encodeToString(
        hmac(token.getBytes(StandardCharsets.UTF_8), nodeId + "\n" + publicKey));
  }

  /**
   * The role whose current token made {@code proof} for {@code nodeId} and {@code publicKey}, or
   * empty. Manager is tried first.
   */
  public static Optional<String> roleFor(byte[] clusterSecret, ClusterInfo info, String nodeId, String publicKey,
                                         String proof) {
    if (proof == null || publicKey == null) {
      return Optional.empty();
    }
    for (String role : new String[] {MANAGER, WORKER}) {
      String expected = proof(token(clusterSecret, role, info.generation(role)), nodeId, publicKey);
      if (MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), proof.getBytes(StandardCharsets.UTF_8))) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }

  /** Whether {@code token} has the format of a join token (checked before any use, for a clear error). */
  public static boolean wellFormed(String token) {
    return token != null && FORMAT.matcher(token).matches();
  }

  private static byte[] hmac(byte[] key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static String base36(byte[] bytes, int length) {
    StringBuilder s = new StringBuilder(new BigInteger(1, bytes).toString(36));
    byte[] more = bytes;
    while (s.length() < length) {
      more = sha256(more);
      s.append(new BigInteger(1, more).toString(36));
    }
    return s.substring(0, length);
  }
}
