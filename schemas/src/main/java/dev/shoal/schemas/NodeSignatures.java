package dev.shoal.schemas;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The node-signature wire format: how a node proves that a heartbeat or task status is its own.
 *
 * <p>Each node has an Ed25519 key pair (made by its agent at first start, kept in its data
 * directory). The public key travels as base64 of its X.509 encoding; it is bound to the node's join
 * proof ({@link JoinTokens#proof}) and recorded on its {@link Node}. A signature (base64url, no
 * padding) covers a purpose line ({@code shoal-heartbeat-v1}, {@code shoal-task-status-v1} or
 * {@code shoal-task-status-batch-v1}, so one kind can never pass for another) followed by the record's JSON with {@code signature} left out:
 * {@link Json} writes a record the same way every time, so the verifier, having parsed the record,
 * rebuilds exactly the bytes that were signed. Every field is covered: node id, boot, sequence, send
 * time and payload.
 *
 * <p>Keys are made and stored with the JDK; signing and checking use Bouncy Castle's Ed25519, the
 * same algorithm (RFC 8032) with byte-identical signatures, about seven times faster than the
 * JDK 17 implementation: every heartbeat and task status is checked, live and in audit replays.
 *
 * <p>No Kafka and no decisions here: signing belongs to the agent, checking to the orchestrator.
 */
public final class NodeSignatures {
  /** Longest public key, signature or join proof text accepted on the wire (an Ed25519 key is 60 characters). */
  public static final int MAX_TEXT = 256;
  private static final String ALGORITHM = "Ed25519";
  private static final byte[] HEARTBEAT = "shoal-heartbeat-v1\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TASK_STATUS = "shoal-task-status-v1\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TASK_STATUS_BATCH = "shoal-task-status-batch-v1\n".getBytes(StandardCharsets.UTF_8);
  /**
   * Keys decoded once and kept: decoding a point costs as much as a tenth of a check, and a cluster has
   * one key per node. Past this many (a flood of made-up keys), the caches start over.
   */
  private static final int CACHED_KEYS = 100_000;
  private static final Map<String, Ed25519PublicKeyParameters> VERIFIERS = new ConcurrentHashMap<>();
  private static final Map<PrivateKey, Ed25519PrivateKeyParameters> SIGNERS = new ConcurrentHashMap<>();
  /**
   * Checks that passed, by digest of everything checked (key, signature, purpose and bytes): a check
   * made ahead of time on another thread ({@link #verifies} called early, e.g. by the orchestrator's
   * status pre-verifier) spares the deciding thread the curve arithmetic, and the answer is the same
   * function of the same input, so decisions stay deterministic. Only successes are kept: a copied
   * signature on changed bytes has another digest and is checked in full. Starts over when full.
   * Public so the status pre-verifier can stay well within it.
   */
  public static final int REMEMBERED_CHECKS = 50_000;
  private static final Set<String> PASSED = ConcurrentHashMap.newKeySet();
  /**
   * Heartbeats checked ahead (the orchestrator's heartbeat pre-verifier, {@link #checksAhead}), apart
   * from the statuses so that 1,000 heartbeats a second do not push them out; each is forgotten when
   * liveness finds it ({@link #verifies(NodeHeartbeat, String)}), since liveness takes a heartbeat
   * once (a copy is refused by its sequence anyway). Liveness's own full checks are not remembered:
   * nobody would ask again, and they would fill the memory and clear the checks made ahead. Public
   * so the pre-verifier can stay well within it (a check forgotten before liveness reaches it is
   * made twice).
   */
  public static final int REMEMBERED_HEARTBEATS = 20_000;
  private static final Set<String> PASSED_HEARTBEATS = ConcurrentHashMap.newKeySet();
  private static final java.util.concurrent.atomic.AtomicLong REMEMBERED = new java.util.concurrent.atomic.AtomicLong();

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

  /**
   * {@code b} signed with {@code key}; {@code b} must carry its boot and first sequence. What is
   * signed is the batch as the intake keeps it ({@link TaskStatusBatchValidator}), as for a status.
   */
  public static TaskStatusBatch sign(TaskStatusBatch b, PrivateKey key) {
    return b.withSignature(sign(key, TASK_STATUS_BATCH, kept(b)));
  }

  /** Whether {@code b} carries a signature that {@code publicKey} (wire form) verifies. */
  public static boolean verifies(TaskStatusBatch b, String publicKey) {
    return verify(publicKey, TASK_STATUS_BATCH, kept(b), b.signature(), PASSED, REMEMBERED_CHECKS, Memory.KEEP);
  }

  private static TaskStatusBatch kept(TaskStatusBatch b) {
    Validated<TaskStatusBatch> v = TaskStatusBatchValidator.validate(b);
    return (v.valid() ? v.value() : b).withSignature(null);
  }

  /**
   * Whether {@code hb} carries a signature that {@code publicKey} (wire form) verifies: answered once
   * from a check made ahead ({@link #checksAhead}), else checked in full and not remembered.
   */
  public static boolean verifies(NodeHeartbeat hb, String publicKey) {
    return verify(publicKey, HEARTBEAT, hb.withSignature(null), hb.signature(), PASSED_HEARTBEATS,
        REMEMBERED_HEARTBEATS, Memory.ANSWER_ONCE);
  }

  /**
   * The same answer as {@link #verifies(NodeHeartbeat, String)}, made ahead of it on another thread
   * and remembered for it (a heartbeat already remembered is not checked again, nor forgotten).
   */
  public static boolean checksAhead(NodeHeartbeat hb, String publicKey) {
    return verify(publicKey, HEARTBEAT, hb.withSignature(null), hb.signature(), PASSED_HEARTBEATS,
        REMEMBERED_HEARTBEATS, Memory.REMEMBER_FOR_LATER);
  }

  /** Whether {@code s} carries a signature that {@code publicKey} (wire form) verifies. */
  public static boolean verifies(TaskStatus s, String publicKey) {
    return verify(publicKey, TASK_STATUS, kept(s), s.signature(), PASSED, REMEMBERED_CHECKS, Memory.KEEP);
  }

  private static TaskStatus kept(TaskStatus s) {
    Validated<TaskStatus> v = TaskStatusValidator.validate(s);
    return (v.valid() ? v.value() : s).withSignature(null);
  }

  private static String sign(PrivateKey key, byte[] purpose, Object unsigned) {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, privateParameters(key));
    signer.update(purpose, 0, purpose.length);
    byte[] body = Json.toBytes(unsigned);
    signer.update(body, 0, body.length);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(signer.generateSignature());
  }

  /** How a check uses the memory of passed checks. */
  private enum Memory {
    /** Statuses: a remembered check answers until the memory starts over; every pass is remembered. */
    KEEP,
    /** Heartbeats, liveness: a remembered check answers once and is forgotten; a full check is not remembered. */
    ANSWER_ONCE,
    /** Heartbeats, checked ahead: a pass is remembered for liveness; one already remembered stays. */
    REMEMBER_FOR_LATER
  }

  /** @param passed where passed checks are remembered */
  private static boolean verify(String publicKey, byte[] purpose, Object unsigned, String signature,
                                Set<String> passed, int capacity, Memory memory) {
    if (publicKey == null || signature == null) {
      return false;
    }
    Ed25519PublicKeyParameters key = VERIFIERS.get(publicKey);
    if (key == null) {
      try {
        key = publicParameters(publicKey);
      } catch (IllegalArgumentException e) {
        return false; // a malformed key verifies nothing
      }
      if (VERIFIERS.size() >= CACHED_KEYS) {
        VERIFIERS.clear();
      }
      VERIFIERS.put(publicKey, key);
    }
    byte[] sig;
    try {
      sig = Base64.getUrlDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (sig.length != Ed25519.SIGNATURE_SIZE) {
      return false;
    }
    byte[] body = Json.toBytes(unsigned);
    byte[] message = new byte[purpose.length + body.length];
    System.arraycopy(purpose, 0, message, 0, purpose.length);
    System.arraycopy(body, 0, message, purpose.length, body.length);
    String digest = digest(publicKey, sig, message);
    if (memory == Memory.ANSWER_ONCE ? passed.remove(digest) : passed.contains(digest)) {
      if (memory != Memory.REMEMBER_FOR_LATER) {
        REMEMBERED.incrementAndGet();
      }
      return true;
    }
    boolean ok = key.verify(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, sig, 0);
    if (ok && memory != Memory.ANSWER_ONCE) {
      if (passed.size() >= capacity) {
        passed.clear();
      }
      passed.add(digest);
    }
    return ok;
  }

  /** How many checks were answered from an earlier identical one; for tests and metrics. */
  public static long rememberedChecks() {
    return REMEMBERED.get();
  }

  private static String digest(String publicKey, byte[] signature, byte[] message) {
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      byte[] k = publicKey.getBytes(StandardCharsets.UTF_8);
      // Lengths first: no two different (key, signature, message) triples give the same input.
      sha.update(java.nio.ByteBuffer.allocate(8).putInt(k.length).putInt(signature.length).array());
      sha.update(k);
      sha.update(signature);
      sha.update(message);
      return Base64.getEncoder().encodeToString(sha.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /** The decoded key of a wire form, for Bouncy Castle; throws {@link IllegalArgumentException} unless Ed25519. */
  private static Ed25519PublicKeyParameters publicParameters(String encoded) {
    try {
      if (PublicKeyFactory.createKey(Base64.getDecoder().decode(encoded)) instanceof Ed25519PublicKeyParameters p) {
        return p;
      }
    } catch (java.io.IOException | RuntimeException e) {
      throw new IllegalArgumentException("not an " + ALGORITHM + " public key", e);
    }
    throw new IllegalArgumentException("not an " + ALGORITHM + " public key");
  }

  private static Ed25519PrivateKeyParameters privateParameters(PrivateKey key) {
    Ed25519PrivateKeyParameters cached = SIGNERS.get(key);
    if (cached != null) {
      return cached;
    }
    try {
      if (PrivateKeyFactory.createKey(key.getEncoded()) instanceof Ed25519PrivateKeyParameters p) {
        if (SIGNERS.size() >= CACHED_KEYS) {
          SIGNERS.clear();
        }
        SIGNERS.put(key, p);
        return p;
      }
    } catch (java.io.IOException | RuntimeException e) {
      throw new IllegalStateException("cannot sign with the node key", e);
    }
    throw new IllegalStateException("the node key is not an " + ALGORITHM + " key: " + key.getAlgorithm());
  }
}
