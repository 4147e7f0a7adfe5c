package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Command;
import dev.shoal.schemas.ControlMessage;
import java.util.Map;
import java.util.Set;

/**
 * The one table from message kind to handler: every kind of {@link ControlMessage} and of
 * {@link Command} has exactly one handler, so a reader finds each decision in one place.
 * {@code HandlersTest} checks the table against the sealed interfaces' permitted subclasses, so a
 * new kind without a handler fails the build's tests.
 */
final class Handlers {
  private final Map<Class<?>, ControlHandler<?>> control;
  private final Map<Class<?>, CommandHandler<?>> commands;

  Handlers(JoinPolicy joinPolicy) {
    this(joinPolicy, NodeIdentityCheck.SIGNED);
  }

  Handlers(JoinPolicy joinPolicy, NodeIdentityCheck identity) {
    commands = Map.of(
        Command.ScaleService.class, new ScaleHandler(),
        Command.RollbackService.class, new RollbackHandler(),
        Command.UpdateNode.class, new NodeUpdateHandler(),
        Command.RemoveNode.class, new NodeRemoveHandler(),
        Command.RotateJoinToken.class, new JoinTokenRotateHandler());
    control = Map.of(
        ControlMessage.SpecApplied.class, new SpecAppliedHandler(),
        ControlMessage.SpecRemoved.class, new SpecRemovedHandler(),
        ControlMessage.CommandIssued.class, (ControlHandler<ControlMessage.CommandIssued>) this::command,
        ControlMessage.TaskStatusReported.class, new TaskStatusHandler(identity),
        ControlMessage.TaskStatusesReported.class, new TaskStatusesHandler(identity),
        ControlMessage.NodeUp.class, new NodeUpHandler(joinPolicy, identity),
        ControlMessage.NodeDown.class, new NodeDownHandler(),
        ControlMessage.TimerFired.class, new TimerHandler());
  }

  @SuppressWarnings("unchecked")
  Scope handle(ControlMessage message, Decision d) {
    ControlHandler<ControlMessage> h = (ControlHandler<ControlMessage>) control.get(message.getClass());
    if (h == null) {
      throw new IllegalStateException("no handler for control message " + message.getClass().getSimpleName());
    }
    return h.handle(message, d);
  }

  @SuppressWarnings("unchecked")
  private Scope command(ControlMessage.CommandIssued m, Decision d) {
    Command c = m.envelope().command();
    CommandHandler<Command> h = (CommandHandler<Command>) commands.get(c.getClass());
    if (h == null) {
      throw new IllegalStateException("no handler for command " + c.getClass().getSimpleName());
    }
    return h.handle(c, d);
  }

  Set<Class<?>> controlKinds() {
    return control.keySet();
  }

  Set<Class<?>> commandKinds() {
    return commands.keySet();
  }
}
