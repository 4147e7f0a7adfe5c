package dev.shoal.schemas;

import java.util.regex.Pattern;

/**
 * The shapes of names and ids that travel between components: service names (Docker's DNS-label
 * rule), node ids, task ids, principals and request ids. Every door checks with these.
 */
public final class Identifiers {
  /**
   * Docker's service name rule (swarmkit): letters and digits, with - or _ only between them, at
   * most 63. Written with character classes only, no repeated group: Java's regex engine
   * backtracks quadratically on {@code (?:[-_]*[a-zA-Z0-9]+)*} and recurses once per repetition
   * of a group, so a 60 KB name in a spec (the JSON Schema checks the pattern whatever the length)
   * cost a minute of CPU or overflowed the stack of the thread validating it.
   */
  public static final Pattern SERVICE_NAME = Pattern.compile("^[a-zA-Z0-9](?:[-_a-zA-Z0-9]*[a-zA-Z0-9])?$");
  /** Node and task ids: Swarm's are 25 lowercase alphanumerics; configured ones may be longer. */
  public static final Pattern ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$");
  private static final int MAX_ID_LENGTH = 128;
  /** A principal or request id: printable, no spaces, bounded. */
  public static final Pattern TOKEN = Pattern.compile("^[\\x21-\\x7e]{1,256}$");

  private Identifiers() {}

  public static boolean serviceName(String s) {
    return s != null && s.length() <= Limits.MAX_NAME_LENGTH && SERVICE_NAME.matcher(s).matches();
  }

  /**
   * Whether {@code s} matches {@link #ID}, checked character by character: every task status is
   * checked this way more than once, and the regex was a twentieth of the decision thread under
   * 100,000 statuses (issue 14). {@code IdentifiersTest} holds the two equal.
   */
  public static boolean id(String s) {
    if (s == null || s.isEmpty() || s.length() > MAX_ID_LENGTH || !asciiAlnum(s.charAt(0))) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!asciiAlnum(c) && c != '_' && c != '.' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean asciiAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  public static boolean token(String s) {
    return s != null && TOKEN.matcher(s).matches();
  }

  /** Why {@code s} is not a service name. */
  public static String serviceNameProblem(String s) {
    return "invalid service name " + (s == null ? "null" : Labels.shorten(s)) + ": at most "
        + Limits.MAX_NAME_LENGTH + " letters and digits, with - or _ only between them";
  }

  /** The key services are known by: Swarm compares service names regardless of case. */
  public static String serviceKey(String name) {
    return name.toLowerCase(java.util.Locale.ROOT);
  }
}
