package dev.shoal.schemas;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a node label (user or engine label) may be, decided once: a key and a value that a placement
 * constraint ({@code node.labels.<key>==<value>}) can name and match. The constraint grammar
 * ({@link PlacementConstraint}) uses the same patterns, so a label the API accepts can always be
 * used in a constraint, and a constraint can only name labels that could exist.
 */
public final class Labels {
  /** Swarm's constraint key characters, after {@code node.labels.}. */
  public static final Pattern KEY = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9_.-]*$");
  /** Swarm's constraint value characters: no operators ({@code = ! < > ~}) and nothing outside ASCII. */
  public static final Pattern VALUE = Pattern.compile("^[A-Za-z0-9:\\-_ .*()?+\\[\\]\\\\^$|/]+$");
  static final String VALUE_CHARACTERS = "letters a-z and A-Z, digits, spaces and : - _ . * ( ) ? + [ ] \\ ^ $ | /";

  private Labels() {}

  /** Why these node labels are not acceptable, one sentence each; empty when they are. */
  public static List<String> problems(Map<String, String> labels) {
    List<String> out = new ArrayList<>();
    if (labels == null) {
      return out;
    }
    if (labels.size() > Limits.MAX_NODE_LABELS) {
      out.add("a node has at most " + Limits.MAX_NODE_LABELS + " labels, not " + labels.size());
      return out;
    }
    for (Map.Entry<String, String> e : labels.entrySet()) {
      keyProblem(e.getKey()).ifPresent(out::add);
      valueProblem(e.getKey(), e.getValue()).ifPresent(out::add);
    }
    return out;
  }

  static java.util.Optional<String> keyProblem(String key) {
    if (key == null || key.isEmpty()) {
      return java.util.Optional.of("a label needs a non-empty key");
    }
    if (key.length() > Limits.MAX_NODE_LABEL_KEY) {
      return java.util.Optional.of("label key " + shorten(key) + " is longer than " + Limits.MAX_NODE_LABEL_KEY
          + " characters");
    }
    if (!KEY.matcher(key).matches()) {
      return java.util.Optional.of("label key " + shorten(key) + " may only contain letters, digits, _ . and -"
          + " (and start with a letter, digit or _), so that a placement constraint can name it");
    }
    return java.util.Optional.empty();
  }

  static java.util.Optional<String> valueProblem(String key, String value) {
    if (value == null) {
      return java.util.Optional.of("label " + shorten(key) + " needs a string value");
    }
    if (value.isEmpty()) {
      return java.util.Optional.empty();
    }
    if (value.length() > Limits.MAX_NODE_LABEL_VALUE) {
      return java.util.Optional.of("label " + shorten(key) + ": value is longer than " + Limits.MAX_NODE_LABEL_VALUE
          + " characters");
    }
    if (!VALUE.matcher(value).matches()) {
      return java.util.Optional.of("label " + shorten(key) + ": value " + shorten(value) + " may only contain "
          + VALUE_CHARACTERS + ", so that a placement constraint can match it");
    }
    return java.util.Optional.empty();
  }

  /** Quotes a possibly long or odd user string for a message. */
  static String shorten(String s) {
    String t = s.length() > 64 ? s.substring(0, 64) + "…" : s;
    return Json.toString(t);
  }
}
