package dev.shoal.schemas;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The node-signature wire format: how a node proves that a heartbeat or task status is its own.
 *
 * <p>Each node has an Ed25519 key pair (made by its agent at first start, kept in its data
 * directory). The public key travels as base64 of its X.509 encoding; it is bound to the node's join
 * proof ({@link JoinTokens#proof}) and recorded on its {@link Node}. A signature (base64url, no
 * padding) covers a purpose line ({@code shoal-heartbeat-v1} or {@code shoal-task-status-v1}, so one
 * kind can never pass for the other) followed by the record's JSON with {@code signature} left out:
 * {@link Json} writes a record the same way every time, so the verifier, having parsed the record,
 * rebuilds exactly the bytes that were signed. Every field is covered: node id, boot, sequence, send
 * time and payload.
 *
 * <p>No Kafka and no decisions here: signing belongs to the agent, checking to the orchestrator.
 */
public final class NodeSignatures {
  /** Longest public key, signature or join proof text accepted on the wire (an Ed25519 key is 60 characters). */
  public static final int MAX_TEXT = 256;
  private static final String ALGORITHM = "Ed25519";
  private static final byte[] HEARTBEAT = "shoal-heartbeat-v1\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TASK_STATUS = "shoal-task-status-v1\n".getBytes(StandardCharsets.UTF_8);

  private NodeSignatures() {}

  /** A new node key pair. */
  public static KeyPair newKeyPair() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no " + ALGORITHM + " (Java 15 or later has)", e);
    }
  }

  /** The wire form of a public key. */
  public static String encode(PublicKey key) {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  /** The public key of a wire form; throws {@link IllegalArgumentException} for anything else. */
  public static PublicKey publicKey(String encoded) {
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(encoded)));
    } catch (GeneralSecurityException | IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("not an " + ALGORITHM + " public key", e);
    }
  }

  /** {@code hb} signed with {@code key}; {@code hb} must carry its boot, sequence, send time and public key. */
  public static NodeHeartbeat sign(NodeHeartbeat hb, PrivateKey key) {
    return hb.withSignature(sign(key, HEARTBEAT, hb.withSignature(null)));
  }

  /**
   * {@code s} signed with {@code key}; {@code s} must carry its boot and sequence ({@link TaskStatus#withOrder}).
   * What is signed is the status as the intake keeps it ({@link TaskStatusValidator}, which cuts
   * long texts), so a status cut on its way still verifies.
   */
  public static TaskStatus sign(TaskStatus s, PrivateKey key) {
    return s.withSignature(sign(key, TASK_STATUS, kept(s)));
  }

  /** Whether {@code hb} carries a signature that {@code publicKey} (wire form) verifies. */
  public static boolean verifies(NodeHeartbeat hb, String publicKey) {
    return verify(publicKey, HEARTBEAT, hb.withSignature(null), hb.signature());
  }

  /** Whether {@code s} carries a signature that {@code publicKey} (wire form) verifies. */
  public static boolean verifies(TaskStatus s, String publicKey) {
    return verify(publicKey, TASK_STATUS, kept(s), s.signature());
  }

  private static TaskStatus kept(TaskStatus s) {
    Validated<TaskStatus> v = TaskStatusValidator.validate(s);
    return (v.valid() ? v.value() : s).withSignature(null);
  }

  private static String sign(PrivateKey key, byte[] purpose, Object unsigned) {
    try {
      Signature sig = Signature.getInstance(ALGORITHM);
      sig.initSign(key);
      sig.update(purpose);
      sig.update(Json.toBytes(unsigned));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(sig.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with the node key", e);
    }
  }

  private static boolean verify(String publicKey, byte[] purpose, Object unsigned, String signature) {
    if (publicKey == null || signature == null) {
      return false;
    }
    try {
      Signature sig = Signature.getInstance(ALGORITHM);
      sig.initVerify(publicKey(publicKey));
      sig.update(purpose);
      sig.update(Json.toBytes(unsigned));
      return sig.verify(Base64.getUrlDecoder().decode(signature));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false; // a malformed key or signature verifies nothing
    }
  }
}
