package dev.shoal.schemas;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed placement constraint such as {@code node.labels.zone==a} or {@code node.role!=manager}.
 * Supported attributes, as in Swarm: {@code node.id}, {@code node.hostname}, {@code node.role},
 * {@code node.platform.os}, {@code node.platform.arch}, {@code node.labels.<key>},
 * {@code engine.labels.<key>}.
 */
public record PlacementConstraint(String attribute, boolean equals, String value) {
  private static final Pattern SYNTAX = Pattern.compile("^\\s*([A-Za-z0-9_.\\-]+)\\s*(==|!=)\\s*(.*?)\\s*$");
  private static final Pattern ATTRIBUTE = Pattern.compile(
      "^(node\\.id|node\\.hostname|node\\.role|node\\.platform\\.os|node\\.platform\\.arch"
          + "|node\\.labels\\.[A-Za-z0-9_.\\-]+|engine\\.labels\\.[A-Za-z0-9_.\\-]+)$");

  /** Empty when the text is not a valid constraint; {@link #explain} says why. */
  public static Optional<PlacementConstraint> parse(String text) {
    Matcher m = SYNTAX.matcher(text == null ? "" : text);
    if (!m.matches() || !ATTRIBUTE.matcher(m.group(1)).matches() || m.group(3).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new PlacementConstraint(m.group(1), m.group(2).equals("=="), m.group(3)));
  }

  /** Why {@code text} is not a valid constraint. */
  public static String explain(String text) {
    Matcher m = SYNTAX.matcher(text == null ? "" : text);
    if (!m.matches()) {
      return "invalid constraint \"" + text + "\": expected <attribute>==<value> or <attribute>!=<value>";
    }
    if (!ATTRIBUTE.matcher(m.group(1)).matches()) {
      return "invalid constraint \"" + text + "\": unknown attribute " + m.group(1)
          + " (use node.id, node.hostname, node.role, node.platform.os, node.platform.arch, node.labels.<key> or engine.labels.<key>)";
    }
    return "invalid constraint \"" + text + "\": empty value";
  }

  @Override
  public String toString() {
    return attribute + (equals ? "==" : "!=") + value;
  }
}
