package dev.shoal.schemas;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A node's heartbeat hash chain (Lamport's one-time passwords): from a random seed c_0, c_{i+1} =
 * SHA-256(c_i) up to the top c_N. The top travels in a signed anchor heartbeat; every later beat of
 * the chain reveals the next element down, which only the holder of the seed can compute (SHA-256 is
 * one-way) and which anyone can check by hashing it back up to the last element accepted. So after one
 * Ed25519 signature per chain a beat costs its sender one hash and its checker a few.
 *
 * <p>Elements travel as base64url without padding ({@value #ELEMENT_CHARS} characters). The agent
 * keeps one element in 64 and the 64 elements it is revealing from, not the whole chain (~3 KB instead
 * of 32 bytes per element: a thousand hollow nodes share the bench's JVM).
 *
 * <p>No Kafka and no decisions here: drawing a chain belongs to the agent, checking to liveness.
 */
public final class HashChain {
  /** Characters of one element on the wire: 32 bytes in base64url without padding. */
  public static final int ELEMENT_CHARS = 43;
  /** Longest chain an anchor may announce (a day of beats at 1 s; agents use far fewer). */
  public static final int MAX_LENGTH = 100_000;
  private static final int ELEMENT_BYTES = 32;
  private static final int SEGMENT = 64;

  private final int length;
  /** c_{64 s} for every s. */
  private final byte[][] checkpoints;
  private byte[][] segment = new byte[0][];
  private int segmentStart = -1;
  private final MessageDigest sha = sha256();

  private HashChain(byte[] seed, int length) {
    this.length = length;
    checkpoints = new byte[length / SEGMENT + 1][];
    byte[] c = seed;
    for (int i = 0; i <= length; i++) {
      if (i % SEGMENT == 0) {
        checkpoints[i / SEGMENT] = c;
      }
      if (i < length) {
        c = sha.digest(c);
      }
    }
  }

  /** A new chain of {@code length} steps from a seed drawn from {@code random}. */
  public static HashChain draw(int length, SecureRandom random) {
    if (length < 1 || length > MAX_LENGTH) {
      throw new IllegalArgumentException("a chain has 1 to " + MAX_LENGTH + " steps, not " + length);
    }
    byte[] seed = new byte[ELEMENT_BYTES];
    random.nextBytes(seed);
    return new HashChain(seed, length);
  }

  /** A chain from a known seed, for tests. */
  public static HashChain fromSeed(byte[] seed, int length) {
    return new HashChain(seed.clone(), length);
  }

  public int length() {
    return length;
  }

  /** c_N in wire form: what the anchor carries. */
  public String top() {
    return element(length);
  }

  /**
   * c_i in wire form, 0 ≤ i ≤ N. Cheapest asked for downwards (as beats reveal them): each run of 64
   * costs 64 hashes once.
   */
  public String element(int i) {
    if (i < 0 || i > length) {
      throw new IllegalArgumentException("no element " + i + " in a chain of " + length);
    }
    int start = i / SEGMENT * SEGMENT;
    if (start != segmentStart) {
      int end = Math.min(start + SEGMENT - 1, length);
      segment = new byte[end - start + 1][];
      segment[0] = checkpoints[start / SEGMENT];
      for (int j = 1; j < segment.length; j++) {
        segment[j] = sha.digest(segment[j - 1]);
      }
      segmentStart = start;
    }
    return encode(segment[i - start]);
  }

  /**
   * Whether hashing {@code element} {@code times} times gives {@code last} (both wire forms): whether
   * {@code element} lies {@code times} steps below {@code last} on its chain. False for anything that
   * is not an element.
   */
  public static boolean leadsTo(String element, int times, String last) {
    byte[] c = decode(element);
    byte[] target = decode(last);
    if (c == null || target == null || times < 1) {
      return false;
    }
    MessageDigest sha = sha256();
    for (int i = 0; i < times; i++) {
      c = sha.digest(c);
    }
    return MessageDigest.isEqual(c, target);
  }

  /** Whether {@code text} is the wire form of an element (32 bytes, base64url without padding). */
  public static boolean wellFormed(String text) {
    return decode(text) != null;
  }

  private static byte[] decode(String text) {
    if (text == null || text.length() != ELEMENT_CHARS) {
      return null;
    }
    try {
      byte[] b = Base64.getUrlDecoder().decode(text);
      // Only the one spelling of each element: the decoder would let other trailing bits through.
      return b.length == ELEMENT_BYTES && encode(b).equals(text) ? b : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String encode(byte[] element) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(element);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
