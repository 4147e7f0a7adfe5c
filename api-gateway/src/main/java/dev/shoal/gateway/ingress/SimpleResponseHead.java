package dev.shoal.gateway.ingress;

import java.nio.ByteBuffer;

/**
 * Reads the head of the answer most tasks give — HTTP/1.1, a final status with a body, a single
 * {@code Content-Length}, no {@code Transfer-Encoding}, the whole head in the buffer — without
 * Jetty's {@link org.eclipse.jetty.http.HttpParser}, which builds a field object and strings for
 * every header and looks each name up in two tries: about a fifth of the relay's CPU in a profile,
 * for a head whose only use here is where the answer ends. Anything else, or anything unusual (a
 * bare LF, a folded line, a control character, a name that is not a token, an incomplete head), is
 * left to the parser, untouched.
 */
final class SimpleResponseHead {
  private static final byte[] HTTP_1_1 = {'H', 'T', 'T', 'P', '/', '1', '.', '1', ' '};
  private static final byte[] CONTENT_LENGTH = "content-length".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] TRANSFER_ENCODING =
      "transfer-encoding".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] CONNECTION = "connection".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] CLOSE = "close".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  /** A longer head is left to the parser, which enforces the limit. */
  private static final int MAX_HEAD = 8 * 1024;
  private static final int MAX_LENGTH_DIGITS = 18;

  private SimpleResponseHead() {
  }

  /**
   * If {@code b} starts with such a head: notes its status (and {@code Connection: close}) on
   * {@code a}, moves {@code b} past the head and returns the body's length; else returns -1 and
   * leaves {@code b} as it was.
   */
  static long read(ByteBuffer b, RelayAttempt a) {
    int p = b.position();
    int end = Math.min(b.limit(), p + MAX_HEAD);
    if (end - p < 14 || !startsWith(b, p, HTTP_1_1)) {
      return -1;
    }
    int status = 0;
    for (int i = p + 9; i < p + 12; i++) {
      byte d = b.get(i);
      if (d < '0' || d > '9') {
        return -1;
      }
      status = status * 10 + d - '0';
    }
    // 1xx come before the answer; 204 and 304 have no body whatever their length says.
    if (status < 200 || status == 204 || status == 304) {
      return -1;
    }
    byte afterStatus = b.get(p + 12);
    if (afterStatus != ' ' && afterStatus != '\r') {
      return -1;
    }
    int eol = lineEnd(b, p + 12, end);
    if (eol < 0) {
      return -1;
    }
    long length = -1;
    boolean closes = false;
    int i = eol + 2;
    while (true) {
      if (i + 1 >= end) {
        return -1;
      }
      if (b.get(i) == '\r') {
        if (b.get(i + 1) != '\n') {
          return -1;
        }
        i += 2;
        break;
      }
      int name = i;
      while (i < end && isToken(b.get(i))) {
        i++;
      }
      if (i == name || i >= end || b.get(i) != ':') {
        return -1;
      }
      int nameEnd = i++;
      while (i < end && isBlank(b.get(i))) {
        i++;
      }
      int value = i;
      eol = lineEnd(b, i, end);
      if (eol < 0) {
        return -1;
      }
      int valueEnd = eol;
      while (valueEnd > value && isBlank(b.get(valueEnd - 1))) {
        valueEnd--;
      }
      if (nameIs(b, name, nameEnd, CONTENT_LENGTH)) {
        if (length >= 0) {
          return -1;
        }
        length = digits(b, value, valueEnd);
        if (length < 0) {
          return -1;
        }
      } else if (nameIs(b, name, nameEnd, TRANSFER_ENCODING)) {
        return -1;
      } else if (nameIs(b, name, nameEnd, CONNECTION)) {
        closes |= hasToken(b, value, valueEnd, CLOSE);
      }
      i = eol + 2;
    }
    if (length < 0) {
      return -1;
    }
    a.headSeen = true;
    a.status = status;
    if (closes) {
      a.taskCloses = true;
    }
    b.position(i);
    return length;
  }

  private static boolean startsWith(ByteBuffer b, int at, byte[] prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if (b.get(at + i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** Where the line from {@code from} ends (its CR, followed by LF), or -1: no end before {@code end}, or a byte not allowed. */
  private static int lineEnd(ByteBuffer b, int from, int end) {
    for (int i = from; i < end; i++) {
      byte c = b.get(i);
      if (c == '\r') {
        return i + 1 < end && b.get(i + 1) == '\n' ? i : -1;
      }
      // Bytes 0x80-0xFF (obs-text) are negative here and allowed; other controls and DEL are not.
      if ((c >= 0 && c < 0x20 && c != '\t') || c == 0x7F) {
        return -1;
      }
    }
    return -1;
  }

  private static boolean isBlank(byte c) {
    return c == ' ' || c == '\t';
  }

  /** RFC 9110 tchar. */
  private static boolean isToken(byte c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return true;
    }
    return switch (c) {
      case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
      default -> false;
    };
  }

  /** Whether bytes {@code from} to {@code to} are {@code lower}, ignoring ASCII case. */
  private static boolean nameIs(ByteBuffer b, int from, int to, byte[] lower) {
    if (to - from != lower.length) {
      return false;
    }
    for (int i = 0; i < lower.length; i++) {
      if ((b.get(from + i) | 0x20) != lower[i]) {
        return false;
      }
    }
    return true;
  }

  private static long digits(ByteBuffer b, int from, int to) {
    if (to == from || to - from > MAX_LENGTH_DIGITS) {
      return -1;
    }
    long n = 0;
    for (int i = from; i < to; i++) {
      byte d = b.get(i);
      if (d < '0' || d > '9') {
        return -1;
      }
      n = n * 10 + d - '0';
    }
    return n;
  }

  /** Whether the comma-separated list from {@code from} to {@code to} holds {@code lower}, ignoring case. */
  private static boolean hasToken(ByteBuffer b, int from, int to, byte[] lower) {
    int i = from;
    while (i < to) {
      while (i < to && (isBlank(b.get(i)) || b.get(i) == ',')) {
        i++;
      }
      int start = i;
      while (i < to && b.get(i) != ',') {
        i++;
      }
      int stop = i;
      while (stop > start && isBlank(b.get(stop - 1))) {
        stop--;
      }
      if (nameIs(b, start, stop, lower)) {
        return true;
      }
    }
    return false;
  }
}
