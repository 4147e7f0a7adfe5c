package dev.shoal.gateway.docker;

import dev.shoal.gateway.ApiException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Docker Engine API version such as {@code 1.41}, as it appears in a request path
 * ({@code /v1.41/services}). Shoal speaks the swarm subset of API {@value #MAX_TEXT}: the docker CLI
 * negotiates {@code min(its maximum, Api-Version)} from {@code HEAD /_ping}, so advertising 1.41
 * makes it send exactly the request shapes of the reference captures. Older clients down to
 * {@value #MIN_TEXT} (the first API with swarm services) are served the same answers.
 */
public record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {
  // Before MAX and MIN, which parse with it.
  private static final Pattern SYNTAX = Pattern.compile("^(\\d{1,4})\\.(\\d{1,4})$");
  static final String MAX_TEXT = "1.41";
  static final String MIN_TEXT = "1.24";
  public static final ApiVersion MAX = parse(MAX_TEXT);
  public static final ApiVersion MIN = parse(MIN_TEXT);

  /** The version in {@code text}, or an {@link IllegalArgumentException}. */
  public static ApiVersion parse(String text) {
    Matcher m = SYNTAX.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not an API version: " + text);
    }
    return new ApiVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  /** Whether a path segment such as {@code v1.41} names an API version (not {@code v1}, Shoal's REST prefix). */
  static boolean isVersionSegment(String segment) {
    return segment != null && segment.length() > 1 && segment.charAt(0) == 'v'
        && SYNTAX.matcher(segment.substring(1)).matches();
  }

  /**
   * Checks the version a client asked for in its path, with the engine's own messages: too new is
   * refused (the client would expect shapes Shoal does not send), too old likewise.
   */
  static ApiVersion requireSupported(String text) {
    ApiVersion v = parse(text);
    if (v.compareTo(MAX) > 0) {
      throw ApiException.badRequest("client version " + text + " is too new. Maximum supported API version is " + MAX_TEXT);
    }
    if (v.compareTo(MIN) < 0) {
      throw ApiException.badRequest("client version " + text + " is too old. Minimum supported API version is "
          + MIN_TEXT + ", please upgrade your client to a newer version");
    }
    return v;
  }

  @Override
  public int compareTo(ApiVersion o) {
    return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }
}
