package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import java.util.Map;
import java.util.Set;

/**
 * Paces a change of a service's task template over its slots: which slots may be replaced now,
 * and what to do after observing the current group (wait, go on, pause, roll back, done).
 */
public interface UpdateStrategy {

  /** What to do now. */
  enum Action { WAIT, PROCEED, PAUSE, ROLLBACK, COMPLETE }

  /**
   * @param progress   where the update stands
   * @param mayReplace slot keys whose outdated task may be replaced now
   * @param wakeAt     when to look again (a monitor window or delay ends), or null
   */
  record Step(Action action, UpdateProgress progress, Set<String> mayReplace, Long wakeAt, String message) {}

  Step step(Service service, Map<String, SlotView> slots, UpdateProgress progress, Map<String, Node> nodes, long now);
}
