package dev.shoal.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A service as the orchestrator keeps it: value of {@code shoal.services}, key = service id.
 * {@code version} is taken from one cluster-wide index at every accepted change (spec, scale or
 * rollback), as Swarm's {@code Version.Index}: it grows, and it never repeats for a name, even after
 * the service was removed and created again. Clients send the version they read with an update and
 * get a conflict when it is stale.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Service(
    String id,
    String name,
    long version,
    ServiceSpec spec,
    ServiceSpec previousSpec,
    UpdateStatus updateStatus,
    long createdAt,
    long updatedAt) {

  /** The service with a new spec at {@code newVersion}; the current spec becomes the previous one. */
  public Service withSpec(ServiceSpec next, long newVersion, long time) {
    return new Service(id, name, newVersion, next, spec, updateStatus, createdAt, time);
  }

  public Service withUpdateStatus(UpdateStatus u, long time) {
    return new Service(id, name, version, spec, previousSpec, u, createdAt, time);
  }
}
