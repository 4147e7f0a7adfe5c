package dev.shoal.schemas;

/**
 * The UTF-8 size of a record received or sent as text. Limits are in bytes (docs/limits.md); a
 * string's {@code length()} counts UTF-16 units, so 16,000 three-byte characters (48 KB) would
 * pass a 16 KiB check that counted characters.
 */
public final class Utf8 {
  private Utf8() {}

  /** Whether {@code s} takes more than {@code max} bytes in UTF-8; cheap when the answer is plain. */
  public static boolean longerThan(String s, int max) {
    if (s.length() > max) {
      return true; // every character takes at least one byte
    }
    if ((long) s.length() * 3 <= max) {
      return false; // a UTF-16 unit takes at most three bytes (a pair of them, four)
    }
    return length(s) > max;
  }

  /** The bytes {@code s} takes in UTF-8. */
  public static long length(String s) {
    long bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
