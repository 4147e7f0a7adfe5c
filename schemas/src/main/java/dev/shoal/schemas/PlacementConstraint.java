package dev.shoal.schemas;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed placement constraint such as {@code node.labels.zone==a} or {@code node.role!=manager}:
 * the one grammar every door uses. Supported attributes, as in Swarm: {@code node.id},
 * {@code node.hostname}, {@code node.role}, {@code node.platform.os}, {@code node.platform.arch},
 * {@code node.labels.<key>}, {@code engine.labels.<key>}. Keys and values use the characters of
 * {@link Labels}, so {@code node.hostname!==node-1} is an error, not {@code != "=node-1"}.
 */
public record PlacementConstraint(String attribute, boolean equals, String value) {
  private static final Pattern SYNTAX = Pattern.compile("^\\s*([^=!\\s]+)\\s*(==|!=)\\s*(.*?)\\s*$");
  private static final Pattern ATTRIBUTE = Pattern.compile(
      "^(node\\.id|node\\.hostname|node\\.role|node\\.platform\\.os|node\\.platform\\.arch"
          + "|(node|engine)\\.labels\\.[A-Za-z0-9_][A-Za-z0-9_.-]*)$");
  private static final int MAX_LENGTH = 512;

  /** Empty when the text is not a valid constraint; {@link #explain} says why. */
  public static Optional<PlacementConstraint> parse(String text) {
    if (text == null || text.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    Matcher m = SYNTAX.matcher(text);
    if (!m.matches() || !ATTRIBUTE.matcher(m.group(1)).matches() || !Labels.VALUE.matcher(m.group(3)).matches()) {
      return Optional.empty();
    }
    return Optional.of(new PlacementConstraint(m.group(1), m.group(2).equals("=="), m.group(3)));
  }

  /** Why {@code text} is not a valid constraint. */
  public static String explain(String text) {
    String shown = text == null ? "null" : Labels.shorten(text);
    if (text == null || text.length() > MAX_LENGTH) {
      return "invalid constraint " + shown + ": longer than " + MAX_LENGTH + " characters";
    }
    Matcher m = SYNTAX.matcher(text);
    if (!m.matches()) {
      return "invalid constraint " + shown + ": expected <attribute>==<value> or <attribute>!=<value>";
    }
    if (!ATTRIBUTE.matcher(m.group(1)).matches()) {
      return "invalid constraint " + shown + ": unknown attribute " + Labels.shorten(m.group(1))
          + " (use node.id, node.hostname, node.role, node.platform.os, node.platform.arch, node.labels.<key> or engine.labels.<key>)";
    }
    if (m.group(3).isEmpty()) {
      return "invalid constraint " + shown + ": empty value";
    }
    return "invalid constraint " + shown + ": the value may only contain " + Labels.VALUE_CHARACTERS;
  }

  @Override
  public String toString() {
    return attribute + (equals ? "==" : "!=") + value;
  }
}
