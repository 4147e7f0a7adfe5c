package dev.shoal.orchestrator.core;

import dev.shoal.schemas.ControlMessage;

/** A timer came due (a restart delay, an update's monitor window or delay): look at its service again. */
final class TimerHandler implements ControlHandler<ControlMessage.TimerFired> {
  @Override
  public Scope handle(ControlMessage.TimerFired m, Decision d) {
    return Scope.service(m.target());
  }
}
