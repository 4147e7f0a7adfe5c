package dev.shoal.schemas;

import java.util.List;

/**
 * Checks a message on the control log as strictly as the intake checks its input, so the control
 * log is not a back door: whatever wrote it (the intake, a timer, or any Kafka client with write
 * access), an invalid message is refused with a reason and never reaches a decision. A valid
 * message comes back normalised (a spec with its defaults, long status texts cut).
 */
public final class ControlMessageValidator {
  static final List<String> TIMERS = List.of("update", "restart");
  private static final int MAX_PROOF = 256;

  private ControlMessageValidator() {}

  public static Validated<ControlMessage> validate(ControlMessage m) {
    if (m == null) {
      return invalid("empty control message");
    }
    if (m instanceof ControlMessage.SpecApplied s) {
      if (!optionalToken(s.principal()) || !optionalToken(s.requestId())) {
        return invalid("principal and requestId must be 1-256 printable characters without spaces");
      }
      if (s.expectedVersion() != null && s.expectedVersion() < 0) {
        return invalid("expectedVersion must be 0 (create) or a version");
      }
      SpecValidator.Result r = SpecValidator.validate(s.spec());
      if (!r.valid()) {
        return Validated.refused(r.code(), r.message());
      }
      return Validated.ok(new ControlMessage.SpecApplied(r.spec(), s.expectedVersion(), s.principal(), s.requestId()));
    }
    if (m instanceof ControlMessage.SpecRemoved s) {
      if (!optionalToken(s.principal()) || !optionalToken(s.requestId())) {
        return invalid("principal and requestId must be 1-256 printable characters without spaces");
      }
      return Identifiers.serviceName(s.name()) ? Validated.ok(m) : invalid(Identifiers.serviceNameProblem(s.name()));
    }
    if (m instanceof ControlMessage.CommandIssued c) {
      Validated<CommandEnvelope> v = CommandValidator.validate(c.envelope());
      return v.valid() ? Validated.ok(m) : Validated.refused(v.code(), v.reason());
    }
    if (m instanceof ControlMessage.TaskStatusReported t) {
      Validated<TaskStatus> v = TaskStatusValidator.validate(t.status());
      return v.valid() ? Validated.ok(new ControlMessage.TaskStatusReported(v.value()))
          : Validated.refused(v.code(), v.reason());
    }
    if (m instanceof ControlMessage.TaskStatusesReported t) {
      Validated<TaskStatusBatch> v = TaskStatusBatchValidator.validate(t.batch());
      return v.valid() ? Validated.ok(new ControlMessage.TaskStatusesReported(v.value()))
          : Validated.refused(v.code(), v.reason());
    }
    if (m instanceof ControlMessage.NodeUp n) {
      if (n.joinProof() != null && n.joinProof().length() > MAX_PROOF) {
        return invalid("joinProof is at most " + MAX_PROOF + " characters");
      }
      if (n.role() != null && !List.of(Node.ROLE_WORKER, Node.ROLE_MANAGER).contains(n.role())) {
        return invalid("role must be worker or manager");
      }
      Validated<NodeHeartbeat> hb = HeartbeatValidator.validate(
          new NodeHeartbeat(n.nodeId(), 0, n.description(), List.of(), 0), n.nodeId());
      return hb.valid() ? Validated.ok(m) : Validated.refused(hb.code(), hb.reason());
    }
    if (m instanceof ControlMessage.NodeDown n) {
      if (!Identifiers.id(n.nodeId())) {
        return invalid("invalid node id");
      }
      return Validated.ok(new ControlMessage.NodeDown(n.nodeId(), TaskStatusValidator.cut(n.reason())));
    }
    if (m instanceof ControlMessage.TimerFired t) {
      if (!TIMERS.contains(t.name())) {
        return invalid("timer name must be one of " + TIMERS);
      }
      return Identifiers.serviceName(t.target()) ? Validated.ok(m) : invalid(Identifiers.serviceNameProblem(t.target()));
    }
    return invalid("unknown control message " + m.getClass().getSimpleName());
  }

  private static boolean optionalToken(String s) {
    return s == null || Identifiers.token(s);
  }

  private static Validated<ControlMessage> invalid(String reason) {
    return Validated.refused(RejectionCode.INVALID, reason);
  }
}
