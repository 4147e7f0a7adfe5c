package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Service;
import dev.shoal.schemas.UpdateStatus;

/** Starting a rolling update or rollback: the progress record and the service's update status. */
final class Updates {
  private Updates() {}

  static Service start(Service s, boolean rollback, Decision d) {
    d.state.put(s.id(), UpdateProgress.start(rollback, d.time));
    String st = rollback ? UpdateStatus.ROLLBACK_STARTED : UpdateStatus.UPDATING;
    String msg = rollback ? "rollback in progress" : "update in progress";
    return s.withUpdateStatus(new UpdateStatus(st, msg, d.time, null), d.time);
  }
}
