package dev.shoal.ops.audit;

import dev.shoal.orchestrator.audit.ClusterAt;
import dev.shoal.orchestrator.audit.ControlInputs;
import dev.shoal.orchestrator.audit.Divergence;
import dev.shoal.orchestrator.audit.TaskStory;
import dev.shoal.orchestrator.audit.VerifyReport;
import dev.shoal.orchestrator.core.PlacementExplanation;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.audit.FieldChange;
import dev.shoal.schemas.audit.HistoryEntry;
import dev.shoal.schemas.audit.HistoryEvent;
import dev.shoal.schemas.audit.ServiceHistory;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;

/** How {@code shoal audit} prints its findings for people (tables, diffs, stories); {@code --json} prints the records. */
final class AuditText {
  private static final int LONG_VALUE = 600;

  private AuditText() {}

  static String time(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).toString();
  }

  // ---- verify ----

  static void verify(VerifyReport r, PrintWriter out) {
    if (r.resumedFrom() != null) {
      out.println("Resumed from a verified snapshot after decision " + r.resumedFrom().sequence() + " (made "
          + time(r.resumedFrom().time()) + "): the decisions up to it were compared by an earlier run, with no divergence.");
    }
    int n = 0;
    for (Divergence d : r.shown()) {
      n++;
      out.println("divergence " + n + " (" + d.kind() + ") " + d.where()
          + (d.sequence() != null ? ", decision " + d.sequence() : "")
          + (d.controlOffset() != null ? " (control offset " + d.controlOffset() + ")" : ""));
      out.println("  " + d.detail());
      if (d.key() != null) {
        out.println("  key:      " + d.key());
      }
      if (d.expected() != null) {
        out.println("  expected: " + cut(d.expected()));
      }
      if (d.actual() != null) {
        out.println("  actual:   " + cut(d.actual()));
      }
    }
    if (r.divergences() > r.shown().size()) {
      out.println("… and " + (r.divergences() - r.shown().size()) + " more divergences (--max-shown shows more)");
    }
    out.println(r.summary());
    if (r.stoppedAt() != null) {
      out.println("  stopped before decision " + r.stoppedAt().sequence() + " (control offset "
          + r.stoppedAt().controlOffset() + ", made " + time(r.stoppedAt().time()) + "): made by decision code "
          + r.stoppedAt().decisionCode() + ", this build is decision code " + r.decisionCode()
          + "; the decisions from there on were not checked");
    }
    out.printf(Locale.ROOT, "  %d derived records matched; %d rejections and quarantines (not decisions);"
            + " %d compacted away; %d expired by retention%n", r.matched(), r.notDecisions(), r.compactedAway(),
        r.expired());
    out.println("  control log offsets " + r.fromOffset() + " to " + r.endOffset() + ", last decision " + r.lastSequence()
        + "; joins " + r.joins());
    r.notes().forEach(x -> out.println("  note: " + x));
    out.printf(Locale.ROOT, "  in %.1f s%n", r.seconds());
  }

  // ---- at ----

  static void at(ClusterAt c, PrintWriter out, boolean specs) {
    out.println("The cluster at " + time(c.at()) + (c.sequence() == 0 ? ": before any decision"
        : ": after decision " + c.sequence() + " (made " + time(c.decisionTime()) + ", control offset "
        + c.controlOffset() + ")"));
    out.println();
    out.println("SERVICES");
    TextTable s = new TextTable("NAME", "ID", "VERSION", "MODE", "REPLICAS", "UPDATE", "RUNS");
    for (Service x : c.services()) {
      s.row(x.name(), x.id(), x.version(), x.spec().mode(), x.spec().isGlobal() ? "global" : x.spec().replicas(),
          x.updateStatus() == null ? "" : x.updateStatus().state(), runs(x.spec()));
    }
    s.print(out, "  ");
    if (specs) {
      for (Service x : c.services()) {
        out.println("  spec of " + x.name() + " (version " + x.version() + "): " + Json.toString(x.spec()));
      }
    }
    out.println();
    out.println("TASKS");
    TextTable t = new TextTable("ID", "NAME", "VERSION", "NODE", "DESIRED", "STATE", "SINCE", "MESSAGE");
    c.tasks().stream().sorted(Comparator.comparing(Task::serviceName).thenComparing(Task::slot,
        Comparator.nullsFirst(Integer::compare)).thenComparingLong(Task::createdAt)).forEach(x -> t.row(x.id(), x.name(),
        x.specVersion(), x.nodeId(), lower(x.desiredState()), lower(x.state()),
        x.status() == null ? "" : time(x.status().timestamp()), x.status() == null ? "" : cut(x.status().message(), 60)));
    t.print(out, "  ");
    out.println();
    out.println("NODES");
    TextTable n = new TextTable("ID", "HOSTNAME", "ROLE", "AVAILABILITY", "STATUS", "LABELS", "SINCE");
    for (Node x : c.nodes()) {
      n.row(x.id(), x.hostname(), x.role(), x.availability(), x.status()
          + (x.statusMessage() == null ? "" : " (" + cut(x.statusMessage(), 50) + ")"),
          x.labels() == null || x.labels().isEmpty() ? "" : x.labels(), time(x.updatedAt()));
    }
    n.print(out, "  ");
    c.notes().forEach(x -> out.println("note: " + x));
  }

  // ---- why ----

  static void why(TaskStory s, PrintWriter out) {
    if (s.name() == null) {
      out.println("Task " + s.taskId() + ": not found");
    } else {
      out.println("Task " + s.taskId() + " (" + s.name() + ") of service " + s.service()
          + (s.slot() != null ? ", slot " + s.slot() : "") + ", spec version " + s.specVersion()
          + (s.nodeId() != null ? ", on node " + s.nodeId() : ", not placed")
          + (s.known() ? "" : "; forgotten since"));
    }
    for (TaskStory.Step st : s.steps()) {
      out.println();
      out.printf(Locale.ROOT, "#%-6d %s  %-8s %s%n", st.sequence(), time(st.time()), st.what(),
          st.input() == null ? "(as things stand after the last decision)" : st.input());
      out.println("        " + st.detail());
      if (st.placement() != null) {
        placement(st.placement(), out);
        if (Boolean.FALSE.equals(st.exact())) {
          out.println("        (re-computed over the nodes as they were after this decision)");
        }
      }
    }
    s.notes().forEach(x -> out.println("note: " + x));
    out.println();
    out.println("replayed up to decision " + s.upToSequence());
  }

  private static void placement(PlacementExplanation p, PrintWriter out) {
    TextTable t = new TextTable("NODE", "HOSTNAME", "VERDICT", "SPREAD", "TASKS OF SERVICE", "ALL TASKS");
    p.candidates().stream().sorted(Comparator.comparing((PlacementExplanation.Candidate c) -> c.rank() == null
        ? Integer.MAX_VALUE : c.rank()).thenComparing(PlacementExplanation.Candidate::nodeId)).forEach(c -> t.row(
        c.nodeId(), c.hostname(), c.excludedBy() != null ? "excluded: " + c.excludedBy()
            : ordinal(c.rank()) + (c.rank() == 1 ? " (chosen)" : ""),
        c.spread().isEmpty() ? "" : c.spread(), c.excludedBy() == null ? c.serviceTasks() : "",
        c.excludedBy() == null ? c.totalTasks() : ""));
    t.print(out, "        ");
    if (p.reason() != null) {
      out.println("        " + p.reason());
    }
  }

  // ---- history ----

  static void history(ServiceHistory h, PrintWriter out) {
    out.println("History of service " + h.service() + " (" + h.source() + ")");
    if (h.entries().isEmpty()) {
      out.println("  nothing: no decision concerned service " + h.service());
    }
    for (HistoryEntry e : h.entries()) {
      out.println();
      String who = e.principal() != null ? "by " + e.principal()
          : isRequest(e) ? "by " + ControlInputs.UNKNOWN_PRINCIPAL : "by the orchestrator";
      out.printf(Locale.ROOT, "%-5s %-9s %s  #%d  %s%s%n", e.version() != null ? "v" + e.version() : "", e.what(),
          time(e.time()), e.sequence(), who, e.requestId() != null ? "  request " + e.requestId() : "");
      if (e.inputText() != null && !(isRequest(e) && e.principal() != null)) {
        out.println("      input: " + e.inputText());
      }
      if ("created".equals(e.what()) && e.spec() != null) {
        out.println("      spec: " + cut(Json.toString(e.spec())));
      } else if (e.changes() != null) {
        for (FieldChange c : e.changes()) {
          out.println("      " + cut(c.line()));
        }
      }
      if (e.events() != null) {
        for (HistoryEvent ev : e.events()) {
          out.println("      event " + ev.type() + ": " + ev.message());
        }
      }
    }
    if (h.older() != null) {
      out.println();
      out.println("older entries: ask again with before=" + h.older());
    }
    if (h.notes() != null) {
      h.notes().forEach(x -> out.println("note: " + x));
    }
  }

  private static boolean isRequest(HistoryEntry e) {
    return e.input() != null && (e.input().startsWith("spec-") || e.input().startsWith("command:"));
  }

  private static String runs(ServiceSpec s) {
    if (s.image() != null) {
      return s.image() + (s.command().isEmpty() ? "" : " " + String.join(" ", s.command()));
    }
    return cut(String.join(" ", s.command()), 60);
  }

  private static String ordinal(int n) {
    String suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : switch (n % 10) {
      case 1 -> "st";
      case 2 -> "nd";
      case 3 -> "rd";
      default -> "th";
    };
    return n + suffix;
  }

  private static String lower(Enum<?> e) {
    return e == null ? "" : e.name().toLowerCase(Locale.ROOT);
  }

  private static String cut(String s) {
    return cut(s, LONG_VALUE);
  }

  private static String cut(String s, int max) {
    if (s == null) {
      return "";
    }
    return s.length() <= max ? s : s.substring(0, max) + "… (" + s.length() + " characters; --json shows all)";
  }


  static void json(Object value, PrintWriter out) {
    out.println(Json.toString(value));
  }
}
