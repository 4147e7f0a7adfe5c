package dev.shoal.orchestrator.core;

/**
 * An unsigned big-endian number in base 36, exactly as {@code new BigInteger(1, bytes).toString(36)}
 * writes it. Every task id is made from a SHA-256 digest this way, and {@code BigInteger}'s general
 * conversion was a twentieth of the decision thread while 100,000 tasks were created (issue 14).
 */
final class Base36 {
  private static final int DIGITS_PER_CHUNK = 5;
  // 36^5 < 2^26: a remainder shifted by a 32-bit limb still fits in a signed long.
  private static final long CHUNK = 36L * 36 * 36 * 36 * 36;
  private static final char[] DIGIT = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

  private Base36() {}

  static String of(byte[] bigEndian) {
    int[] limbs = new int[(bigEndian.length + 3) / 4];
    int shift = limbs.length * 4 - bigEndian.length; // leading zero bytes of the first limb
    for (int i = 0; i < bigEndian.length; i++) {
      int at = i + shift;
      limbs[at / 4] |= (bigEndian[i] & 0xff) << (8 * (3 - at % 4));
    }
    char[] out = new char[(limbs.length * 32 / 25 + 2) * DIGITS_PER_CHUNK];
    int pos = out.length;
    int first = firstNonZero(limbs, 0);
    while (first < limbs.length) {
      long rem = 0;
      for (int i = first; i < limbs.length; i++) {
        long cur = (rem << 32) | (limbs[i] & 0xffffffffL);
        limbs[i] = (int) (cur / CHUNK);
        rem = cur % CHUNK;
      }
      for (int k = 0; k < DIGITS_PER_CHUNK; k++) {
        out[--pos] = DIGIT[(int) (rem % 36)];
        rem /= 36;
      }
      first = firstNonZero(limbs, first);
    }
    while (pos < out.length - 1 && out[pos] == '0') {
      pos++;
    }
    return pos == out.length ? "0" : new String(out, pos, out.length - pos);
  }

  private static int firstNonZero(int[] limbs, int from) {
    int i = from;
    while (i < limbs.length && limbs[i] == 0) {
      i++;
    }
    return i;
  }
}
