package dev.shoal.gateway.security;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Host and origin text as browsers and clients send it, normalised so that two spellings of one
 * origin compare equal: lower case, IPv6 in brackets, the port always explicit.
 */
final class HostNames {
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(%[\\w.-]+)?");

  private HostNames() {}

  /** A host and its port ({@code -1} when the text has none). */
  record HostPort(String host, int port) {}

  /** Whether {@code host} is an IP address literal (IPv6 with or without brackets), never a DNS name. */
  static boolean isIpLiteral(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    var m = IPV4.matcher(h);
    if (m.matches()) {
      for (int i = 1; i <= 4; i++) {
        if (Integer.parseInt(m.group(i)) > 255) {
          return false;
        }
      }
      return true;
    }
    return IPV6.matcher(h).matches();
  }

  /** A {@code Host} header value ({@code example:2375}, {@code [::1]:2375}, {@code example}), or empty when malformed. */
  static Optional<HostPort> parseHost(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    String host;
    String port = null;
    if (v.startsWith("[")) {
      int close = v.indexOf(']');
      if (close < 0) {
        return Optional.empty();
      }
      host = v.substring(0, close + 1);
      String rest = v.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          return Optional.empty();
        }
        port = rest.substring(1);
      }
    } else {
      int colon = v.indexOf(':');
      host = colon < 0 ? v : v.substring(0, colon);
      port = colon < 0 ? null : v.substring(colon + 1);
    }
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1); // "example." and "example" are one name
    }
    if (host.isEmpty() || !host.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '/' && c != '@')) {
      return Optional.empty();
    }
    try {
      int p = port == null ? -1 : Integer.parseInt(port);
      if (port != null && (p < 0 || p > 65535)) {
        return Optional.empty();
      }
      return Optional.of(new HostPort(host, p));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * An origin ({@code scheme://host[:port]}) normalised to {@code scheme://host:port}, or empty when
   * the text is not one ({@code null}, a path, a user, an unknown scheme).
   */
  static Optional<String> origin(String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      URI u = new URI(value.trim());
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      int defaultPort = switch (scheme) {
        case "http" -> 80;
        case "https" -> 443;
        default -> -2;
      };
      if (defaultPort == -2 || u.getRawUserInfo() != null || u.getHost() == null
          || !(u.getRawPath() == null || u.getRawPath().isEmpty()) || u.getRawQuery() != null || u.getRawFragment() != null) {
        return Optional.empty();
      }
      Optional<HostPort> hp = parseHost(u.getRawAuthority());
      if (hp.isEmpty()) {
        return Optional.empty();
      }
      int port = hp.get().port() < 0 ? defaultPort : hp.get().port();
      return Optional.of(scheme + "://" + hp.get().host() + ":" + port);
    } catch (java.net.URISyntaxException e) {
      return Optional.empty();
    }
  }
}
