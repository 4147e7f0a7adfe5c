package dev.shoal.orchestrator.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.Command;
import dev.shoal.schemas.ControlMessage;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Dispatch is exhaustive: every kind of control message and command has its one handler. */
class HandlersTest {
  private final Handlers handlers = new Handlers(JoinPolicy.OPEN);

  @Test
  void everyControlMessageKindHasAHandler() {
    assertThat(handlers.controlKinds()).containsExactlyInAnyOrderElementsOf(Set.of(ControlMessage.class.getPermittedSubclasses()));
  }

  @Test
  void everyCommandKindHasAHandler() {
    assertThat(handlers.commandKinds()).containsExactlyInAnyOrderElementsOf(Set.of(Command.class.getPermittedSubclasses()));
  }
}
