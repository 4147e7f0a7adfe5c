package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Service;
import dev.shoal.schemas.UpdateStatus;

/** Starting a rolling update or rollback: the progress record and the service's update status. */
final class Updates {
  private Updates() {}

  /**
   * A new version that starts no update forgets a finished update's status, as swarmkit does, so a
   * client waiting on the next change does not read the last one's "completed". A paused update
   * stays visible: it still needs a new spec or a rollback.
   */
  static Service clearFinished(Service s, long time) {
    UpdateStatus u = s.updateStatus();
    if (u != null && (UpdateStatus.COMPLETED.equals(u.state()) || UpdateStatus.ROLLBACK_COMPLETED.equals(u.state()))) {
      return s.withUpdateStatus(null, time);
    }
    return s;
  }

  static Service start(Service s, boolean rollback, Decision d) {
    d.state.put(s.id(), UpdateProgress.start(rollback, d.time));
    String st = rollback ? UpdateStatus.ROLLBACK_STARTED : UpdateStatus.UPDATING;
    String msg = rollback ? "rollback in progress" : "update in progress";
    return s.withUpdateStatus(new UpdateStatus(st, msg, d.time, null), d.time);
  }
}
