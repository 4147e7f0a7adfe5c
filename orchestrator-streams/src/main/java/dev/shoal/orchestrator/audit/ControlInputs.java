package dev.shoal.orchestrator.audit;

import dev.shoal.schemas.Command;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.TaskStatusBatch;
import java.util.Locale;

/**
 * What a control-log input was, who sent it and on whose behalf, in words a person reads. The
 * principal is the one recorded with the input: the gateway's authenticated caller, or whatever a
 * Kafka client wrote in its header or envelope — Kafka does not tell a consumer who produced a
 * record, so a spec without one is "unknown (a Kafka client)".
 */
public final class ControlInputs {
  /** Shown for a change whose record names nobody. */
  public static final String UNKNOWN_PRINCIPAL = "unknown (a Kafka client)";

  private ControlInputs() {}

  /** The principal recorded with a spec or command, or null when it carries none (or is not a request). */
  public static String principal(ControlMessage m) {
    if (m instanceof ControlMessage.SpecApplied s) {
      return s.principal();
    }
    if (m instanceof ControlMessage.SpecRemoved s) {
      return s.principal();
    }
    if (m instanceof ControlMessage.CommandIssued c) {
      return c.envelope().principal();
    }
    return null;
  }

  /** Whether the input is a request someone made (a spec, a removal, a command), not an observation or a timer. */
  public static boolean isRequest(ControlMessage m) {
    return m instanceof ControlMessage.SpecApplied || m instanceof ControlMessage.SpecRemoved
        || m instanceof ControlMessage.CommandIssued;
  }

  /** The kind as the control log names it ({@code spec-applied}, {@code command:scale}, {@code task-status}…). */
  public static String kind(ControlMessage m) {
    if (m instanceof ControlMessage.SpecApplied) {
      return "spec-applied";
    }
    if (m instanceof ControlMessage.SpecRemoved) {
      return "spec-removed";
    }
    if (m instanceof ControlMessage.CommandIssued c) {
      return "command:" + commandKind(c.envelope().command());
    }
    if (m instanceof ControlMessage.TaskStatusReported) {
      return "task-status";
    }
    if (m instanceof ControlMessage.TaskStatusesReported) {
      return "task-statuses";
    }
    if (m instanceof ControlMessage.NodeUp) {
      return "node-up";
    }
    if (m instanceof ControlMessage.NodeDown) {
      return "node-down";
    }
    if (m instanceof ControlMessage.TimerFired) {
      return "timer";
    }
    return m.getClass().getSimpleName();
  }

  /** The service a spec, removal, service command or timer is about (as written), else null. */
  public static String service(ControlMessage m) {
    if (m instanceof ControlMessage.SpecApplied s) {
      return s.spec().name();
    }
    if (m instanceof ControlMessage.SpecRemoved s) {
      return s.name();
    }
    if (m instanceof ControlMessage.CommandIssued c && c.envelope().command() instanceof Command.ScaleService s) {
      return s.service();
    }
    if (m instanceof ControlMessage.CommandIssued c && c.envelope().command() instanceof Command.RollbackService r) {
      return r.service();
    }
    if (m instanceof ControlMessage.TimerFired t) {
      return t.target();
    }
    return null;
  }

  /** One line: what the input said. */
  public static String describe(ControlMessage m) {
    if (m instanceof ControlMessage.SpecApplied s) {
      return "spec of " + s.spec().name() + by(s.principal());
    }
    if (m instanceof ControlMessage.SpecRemoved s) {
      return "removal of " + s.name() + by(s.principal());
    }
    if (m instanceof ControlMessage.CommandIssued c) {
      return describe(c.envelope().command()) + by(c.envelope().principal());
    }
    if (m instanceof ControlMessage.TaskStatusReported t) {
      TaskStatus s = t.status();
      return "status of task " + s.taskId() + " from node " + s.nodeId() + ": " + s.state().name().toLowerCase(Locale.ROOT)
          + (s.health() != null ? " (" + s.health() + ")" : "")
          + (s.error() != null ? ": " + s.error() : s.exitCode() != null ? " (exit " + s.exitCode() + ")" : "");
    }
    if (m instanceof ControlMessage.TaskStatusesReported t) {
      TaskStatusBatch b = t.batch();
      return b.size() + (b.size() == 1 ? " status" : " statuses") + " from node " + b.nodeId()
          + (b.size() == 0 ? "" : ", first of task " + b.statuses().get(0).taskId() + ": "
          + b.statuses().get(0).state().name().toLowerCase(Locale.ROOT));
    }
    if (m instanceof ControlMessage.NodeUp n) {
      return "node " + n.nodeId() + " up" + (n.description() == null ? "" : " (" + n.description().hostname() + ")");
    }
    if (m instanceof ControlMessage.NodeDown n) {
      return "node " + n.nodeId() + " down: " + n.reason();
    }
    if (m instanceof ControlMessage.TimerFired t) {
      return t.name() + " timer of " + t.target();
    }
    return m.toString();
  }

  private static String describe(Command c) {
    if (c instanceof Command.ScaleService s) {
      return "scale of " + s.service() + " to " + s.replicas();
    }
    if (c instanceof Command.RollbackService r) {
      return "rollback of " + r.service();
    }
    if (c instanceof Command.UpdateNode u) {
      StringBuilder b = new StringBuilder("update of node " + u.nodeId());
      if (u.availability() != null) {
        b.append(": availability ").append(u.availability());
      }
      if (u.role() != null) {
        b.append(", role ").append(u.role());
      }
      if (u.labels() != null) {
        b.append(", labels ").append(new java.util.TreeMap<>(u.labels()));
      }
      return b.toString();
    }
    if (c instanceof Command.RemoveNode r) {
      return "removal of node " + r.nodeId() + (r.force() ? " (forced)" : "");
    }
    if (c instanceof Command.RotateJoinToken r) {
      return "rotation of the " + r.role() + " join token";
    }
    return c.toString();
  }

  private static String commandKind(Command c) {
    if (c instanceof Command.ScaleService) {
      return "scale";
    }
    if (c instanceof Command.RollbackService) {
      return "rollback";
    }
    if (c instanceof Command.UpdateNode) {
      return "node-update";
    }
    if (c instanceof Command.RemoveNode) {
      return "node-remove";
    }
    if (c instanceof Command.RotateJoinToken) {
      return "join-token-rotate";
    }
    return c.getClass().getSimpleName();
  }

  private static String by(String principal) {
    return " by " + (principal == null ? UNKNOWN_PRINCIPAL : principal);
  }
}
