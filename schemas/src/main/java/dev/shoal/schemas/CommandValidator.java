package dev.shoal.schemas;

import java.util.List;

/**
 * Checks a command envelope, at every door (gateway, the intake of {@code shoal.commands}, the
 * control processor): a command with a target of the right shape and arguments within limits.
 * Existence and versions are the orchestrator's business; this only checks the command itself.
 */
public final class CommandValidator {
  private CommandValidator() {}

  public static Validated<CommandEnvelope> validate(CommandEnvelope e) {
    if (e == null || e.command() == null) {
      return invalid("a command envelope needs a command");
    }
    if (e.principal() != null && !Identifiers.token(e.principal())) {
      return invalid("principal must be 1-256 printable characters without spaces");
    }
    if (e.requestId() != null && !Identifiers.token(e.requestId())) {
      return invalid("requestId must be 1-256 printable characters without spaces");
    }
    String problem = problem(e.command());
    return problem == null ? Validated.ok(e) : invalid(problem);
  }

  /** Why the command is not acceptable, or null. */
  static String problem(Command c) {
    if (c instanceof Command.ScaleService s) {
      if (!Identifiers.serviceName(s.service())) {
        return Identifiers.serviceNameProblem(s.service());
      }
      if (s.replicas() < 0 || s.replicas() > Limits.MAX_REPLICAS) {
        return "replicas must be between 0 and " + Limits.MAX_REPLICAS + ", not " + s.replicas();
      }
      return null;
    }
    if (c instanceof Command.RollbackService r) {
      return Identifiers.serviceName(r.service()) ? null : Identifiers.serviceNameProblem(r.service());
    }
    if (c instanceof Command.UpdateNode u) {
      if (!Identifiers.id(u.nodeId())) {
        return "invalid node id";
      }
      if (u.availability() != null && !List.of(Node.ACTIVE, Node.PAUSE, Node.DRAIN).contains(u.availability())) {
        return "availability must be active, pause or drain, not " + Labels.shorten(u.availability());
      }
      if (u.role() != null && !List.of(Node.ROLE_WORKER, Node.ROLE_MANAGER).contains(u.role())) {
        return "role must be worker or manager, not " + Labels.shorten(u.role());
      }
      if (u.availability() == null && u.role() == null && u.labels() == null) {
        return "nothing to change: give availability, role or labels";
      }
      List<String> labels = Labels.problems(u.labels());
      return labels.isEmpty() ? null : String.join("; ", labels);
    }
    if (c instanceof Command.RemoveNode r) {
      return Identifiers.id(r.nodeId()) ? null : "invalid node id";
    }
    if (c instanceof Command.RotateJoinToken r) {
      return JoinTokens.WORKER.equals(r.role()) || JoinTokens.MANAGER.equals(r.role()) ? null
          : "role must be worker or manager, not " + (r.role() == null ? "null" : Labels.shorten(r.role()));
    }
    return "unknown command " + c.getClass().getSimpleName();
  }

  private static Validated<CommandEnvelope> invalid(String reason) {
    return Validated.refused(RejectionCode.INVALID, reason);
  }
}
