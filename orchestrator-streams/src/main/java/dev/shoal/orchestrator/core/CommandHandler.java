package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Command;

/** Handles one kind of {@link Command}, as {@link ControlHandler} does for control messages. */
@FunctionalInterface
interface CommandHandler<C extends Command> {
  Scope handle(C command, Decision d);
}
