package dev.shoal.schemas;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses memory sizes as Docker and compose write them: {@code 512}, {@code 64M}, {@code 1.5g}, {@code 128MiB}. */
public final class Sizes {
  private static final Pattern SIZE = Pattern.compile("(?i)^\\s*(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?b)?\\s*$");

  private Sizes() {}

  /** Bytes, with binary units (Docker's RAMInBytes); throws {@link IllegalArgumentException} on bad input. */
  public static long parseBytes(String text) {
    Matcher m = SIZE.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException("invalid size \"" + text + "\" (expected e.g. 512, 64M, 1G)");
    }
    double n = Double.parseDouble(m.group(1));
    int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      case "t" -> 40;
      default -> 0;
    };
    return (long) (n * (1L << shift));
  }
}
