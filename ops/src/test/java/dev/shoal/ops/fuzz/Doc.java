package dev.shoal.ops.fuzz;

import java.nio.charset.StandardCharsets;

/**
 * One generated document: its bytes, what is wrong with it ({@code fault}, for the summary and for
 * a failure message) and the rejection code a door must give it ({@code invalid} or
 * {@code too_large}; null when the door may accept it).
 */
public record Doc(byte[] bytes, String fault, String code) {
  public static final String INVALID = "invalid";
  public static final String TOO_LARGE = "too_large";

  public static Doc invalid(String text, String fault) {
    return new Doc(text.getBytes(StandardCharsets.UTF_8), fault, INVALID);
  }

  public static Doc tooLarge(String text, String fault) {
    return new Doc(text.getBytes(StandardCharsets.UTF_8), fault, TOO_LARGE);
  }

  public String text() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** The start of the document, for messages. */
  public String preview() {
    String t = text();
    return t.length() <= 160 ? t : t.substring(0, 160) + "…(" + bytes.length + " bytes)";
  }
}
