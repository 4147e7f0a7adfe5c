package dev.shoal.schemas;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses memory sizes as Docker and compose write them: {@code 512}, {@code 64M}, {@code 1.5g}, {@code 128MiB}. */
public final class Sizes {
  private static final Pattern SIZE = Pattern.compile("(?i)^\\s*(\\d{1,20}(?:\\.\\d{1,20})?)\\s*([kmgtp]?)(i?b)?\\s*$");
  private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  private Sizes() {}

  /**
   * Bytes, with binary units (Docker's RAMInBytes); throws {@link IllegalArgumentException} on bad
   * input, including a size that does not fit 64 bits.
   */
  public static long parseBytes(String text) {
    Matcher m = SIZE.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException("invalid size \"" + text + "\" (expected e.g. 512, 64M, 1G)");
    }
    int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      case "t" -> 40;
      case "p" -> 50;
      default -> 0;
    };
    BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1L << shift));
    if (bytes.compareTo(MAX) > 0) {
      throw new IllegalArgumentException("invalid size \"" + text + "\": too large");
    }
    return bytes.longValue();
  }
}
