package dev.shoal.ops.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Cheap hostile values over one {@link Random}: strings, numbers and JSON fragments of the kinds
 * that break parsers and validators (wrong types, out-of-range and fractional numbers, deep
 * nesting, strings just over a limit, odd Unicode, invalid UTF-8). Everything is built as text
 * so that what no JSON library would write (duplicate keys, escaped lone surrogates, trailing
 * garbage) can be sent too. Deterministic for a given {@code Random}.
 */
public final class Hostile {
  /** Numbers as JSON text: negative, huge, fractional, exponent, out of int/long, over 64 digits. */
  static final List<String> NUMBERS = List.of("-1", "-0", "1e2", "1.0", "1.5", "0.0000001", "2147483648",
      "-2147483649", "9223372036854775808", "-9223372036854775809", "1e309", "-1e309", "1e-400", "2000000000",
      "10001", "4294967296", "1" + "0".repeat(70), "0.1e1", "1E+2", "-0.0");
  /** Not JSON numbers at all, where a number belongs. */
  static final List<String> NON_NUMBERS = List.of("\"2\"", "\"\"", "true", "false", "null", "[]", "{}", "[1]",
      "NaN", "Infinity", "-Infinity", "0x10", "01", "+1", ".5", "1.", "\"1e2\"");
  /** Odd Unicode, as Java strings (lone surrogates included): each is escaped or written raw by {@link #quote}. */
  static final List<String> ODD_UNICODE = List.of("\u0000", "a\u0000b", "\ud800", "\udc00x", "x\ud83d", "\u202eevil",
      "\u200f\u200e", "\ufeff", "\ud83d\ude00", "\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67", "e\u0301\u0301\u0301",
      "\uffff", "\ufffe", "\u2028\u2029", "\u0085", "\u001b[31m", "\u00e9\u00e8", "\u4e2d\u6587", "\u0661\u0662",
      "\ud834\udd1e", "\t\r\n", "\u0007");
  /** Names and paths that try to escape or confuse. */
  static final List<String> TRICKY = List.of("..", "../../x", "/etc/passwd", "a/b", "a\\b", ".", "~", "-", "_",
      "-a", "a-", "a..b", "a b", " a", "a ", "%00", "%s%n%x", "${jndi:ldap://127.0.0.1/x}", "<script>x</script>",
      "'; DROP TABLE x; --", "null", "true", "0", "-1", "web.2", "WEB", "*", "?", "#", "a=b", "a!=b", "node.id==x",
      "CON", "\\\\?\\C:", "$(reboot)", "`id`");

  private final Random random;

  public Hostile(Random random) {
    this.random = random;
  }

  public Random random() {
    return random;
  }

  public int below(int n) {
    return random.nextInt(n);
  }

  public boolean chance(double p) {
    return random.nextDouble() < p;
  }

  public <T> T pick(List<T> items) {
    return items.get(random.nextInt(items.size()));
  }

  @SafeVarargs
  public final <T> T oneOf(T... items) {
    return items[random.nextInt(items.length)];
  }

  /** A number where an integer belongs, as JSON text; never a plain small valid integer. */
  public String number() {
    return chance(0.75) ? pick(NUMBERS) : pick(NON_NUMBERS);
  }

  /** A string of {@code n} characters drawn from a small alphabet (cheap to build, easy to read in a log). */
  public String repeat(int n) {
    char c = (char) ('a' + below(26));
    return String.valueOf(c).repeat(n);
  }

  /** A hostile string: odd Unicode, tricky names, long runs, or mixtures. */
  public String string() {
    return switch (below(6)) {
      case 0 -> pick(ODD_UNICODE);
      case 1 -> pick(TRICKY);
      case 2 -> repeat(oneOf(64, 129, 257, 513, 4097, 40_000));
      case 3 -> pick(TRICKY) + pick(ODD_UNICODE);
      case 4 -> "";
      default -> pick(ODD_UNICODE) + repeat(below(300));
    };
  }

  /** Any JSON value of the wrong kind for most places: numbers, strings, booleans, arrays, objects, deep nesting. */
  public String value() {
    return switch (below(8)) {
      case 0, 1 -> number();
      case 2, 3 -> quote(string());
      case 4 -> oneOf("true", "false", "null");
      case 5 -> "[" + quote(string()) + "," + number() + "]";
      case 6 -> "{" + quote(string()) + ":" + number() + "}";
      default -> nested(oneOf(33, 100, 2000));
    };
  }

  /** Arrays or objects nested {@code depth} levels: the limit is 32. */
  public String nested(int depth) {
    if (chance(0.5)) {
      return "[".repeat(depth) + "]".repeat(depth);
    }
    return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
  }

  /**
   * Text that is not one JSON document: truncated, trailing garbage, bare words, comments,
   * single quotes, duplicate keys.
   */
  public String notJson() {
    return oneOf("", " ", "{", "}", "{\"a\":}", "{\"a\" 1}", "{'a':1}", "{a:1}", "{\"a\":1,}", "[1,]", "{} {}",
        "{}garbage", "{\"a\":1}\u0000", "// c\n{}", "/* c */{}", "undefined", "nul", "tru", "\"unterminated",
        "{\"a\":\"\\x41\"}", "{\"a\":\"\\u12\"}", "{\"a\":1}]", "\ufeff{}", "<xml/>", "a=b&c=d", nested(40));
  }

  /** Bytes that are not UTF-8 (a lone continuation byte, an overlong encoding, a surrogate encoded, 0xFF). */
  public byte[] invalidUtf8() {
    byte[][] bad = {
        {(byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xFF},
        {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}};
    return bad[below(bad.length)];
  }

  /** {@code prefix}, then invalid UTF-8, then {@code suffix}. */
  public byte[] withInvalidUtf8(String prefix, String suffix) {
    byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
    byte[] b = invalidUtf8();
    byte[] s = suffix.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[p.length + b.length + s.length];
    System.arraycopy(p, 0, out, 0, p.length);
    System.arraycopy(b, 0, out, p.length, b.length);
    System.arraycopy(s, 0, out, p.length + b.length, s.length);
    return out;
  }

  /**
   * A JSON string literal. Quotes, backslashes, control characters and lone surrogates are
   * escaped ({@code \ud800} is valid JSON text naming an invalid character); other characters
   * are written as they are.
   */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean lone = Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) && !(Character.isLowSurrogate(c) && i > 0
          && Character.isHighSurrogate(s.charAt(i - 1)));
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || lone) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
