package dev.shoal.orchestrator.metrics;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a task waits for a node, as a short label from a fixed set, read from the scheduler's
 * sentence ({@code no suitable node (insufficient memory on 2 nodes; node down on 1 node)}). The
 * sentence counts nodes and may name a driver, so it is no label; its filter reasons are few. When
 * several filters refused nodes, the one that refused the most names the wait (ties: the later
 * filter in the chain, the one closer to fitting). {@code PendingReasonTest} runs the real scheduler
 * so a change of its words shows up there.
 */
final class PendingReason {
  /** A filter's words and the label they map to, in the order of the filter chain. */
  private record Kind(String words, String label) {}

  private static final List<Kind> KINDS = List.of(
      new Kind("node down", "node_not_ready"),
      new Kind("node availability", "node_availability"),
      new Kind("driver", "no_driver"),
      new Kind("scheduling constraints", "constraints"),
      new Kind("insufficient cpu", "insufficient_cpu"),
      new Kind("insufficient memory", "insufficient_memory"),
      new Kind("host-mode port", "host_port_in_use"),
      new Kind("max replicas per node", "max_replicas_per_node"));
  private static final Pattern PART = Pattern.compile("(.+?) on (\\d+) nodes?");

  static final String NO_NODES = "no_nodes";
  static final String OTHER = "other";

  private PendingReason() {}

  static String of(String message) {
    if (message == null) {
      return OTHER;
    }
    String text = message.toLowerCase(Locale.ROOT);
    if (text.contains("no nodes in the cluster")) {
      return NO_NODES;
    }
    int open = text.indexOf('(');
    int close = text.lastIndexOf(')');
    if (open < 0 || close < open) {
      return OTHER;
    }
    String best = OTHER;
    long bestCount = -1;
    for (String part : text.substring(open + 1, close).split("; ")) {
      Matcher m = PART.matcher(part.trim());
      String words = m.matches() ? m.group(1) : part;
      long count = m.matches() ? Long.parseLong(m.group(2)) : 0;
      String label = label(words);
      if (count > bestCount || (count == bestCount && rank(label) > rank(best))) {
        best = label;
        bestCount = count;
      }
    }
    return best;
  }

  private static String label(String words) {
    for (Kind k : KINDS) {
      if (words.contains(k.words)) {
        return k.label;
      }
    }
    return words.startsWith("node ") ? "node_not_ready" : OTHER;
  }

  private static int rank(String label) {
    for (int i = 0; i < KINDS.size(); i++) {
      if (KINDS.get(i).label.equals(label)) {
        return i;
      }
    }
    return -1;
  }
}
