package dev.shoal.gateway.ingress;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One task behind a published port as {@code GET /v1/ingress} shows it: where it answers, whether
 * it takes new traffic ({@code serving}), has not been seen accepting a connection yet
 * ({@code starting}: it takes traffic only if no task serves), is passed over after a refused
 * connection ({@code failing}) or has left the pool with traffic still in flight ({@code draining}), and its
 * counters: requests (HTTP) or connections (TCP) in flight, served since the task joined, and failed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackendView(String taskId, String task, String node, String address, String state, int active,
                          long served, long failures) {
  static final String SERVING = "serving";
  static final String FAILING = "failing";
  static final String DRAINING = "draining";
  static final String STARTING = "starting";

  static BackendView of(Backend b, BackendStats s, String state) {
    return new BackendView(b.taskId(), b.taskName(), b.nodeId(), b.authority(), state, s.active.get(), s.served.get(),
        s.failures.get());
  }
}
