package dev.shoal.orchestrator.core;

import dev.shoal.schemas.ControlMessage;

/**
 * Handles one kind of control message: changes the state through {@code d.state}, emits the
 * request's outcome and any events, and says what the change may affect ({@link Scope}), so that
 * reconciliation looks only there. Pure: no I/O, no clock but {@code d.time}.
 */
@FunctionalInterface
interface ControlHandler<M extends ControlMessage> {
  Scope handle(M message, Decision d);
}
