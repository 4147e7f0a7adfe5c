package dev.shoal.orchestrator.core;

/**
 * Numbers written with leading zeros so that keys sort in numeric order: what
 * {@code String.format(Locale.ROOT, "%0<width>d", n)} writes, without parsing a format each time
 * (slot and request-time keys are made in every decision; the format was 4 % of a replay's time).
 * The digits are ASCII whatever the JVM's default locale (the format used it, and some locales
 * write other digits).
 */
final class PaddedNumbers {
  private static final String ZEROS = "00000000000000000000";

  private PaddedNumbers() {}

  /** {@code n} with leading zeros up to {@code width} characters (at most 20), as {@code %0<width>d} writes it. */
  static String of(long n, int width) {
    if (n < 0 || width > ZEROS.length()) {
      return String.format(java.util.Locale.ROOT, "%0" + width + "d", n); // never for slots and times; kept exact anyway
    }
    String digits = Long.toString(n);
    return digits.length() >= width ? digits : ZEROS.substring(0, width - digits.length()) + digits;
  }
}
