package dev.shoal.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A service as the orchestrator keeps it: value of {@code shoal.services}, key = service id.
 * {@code version} grows by one with every accepted change (spec or scale); clients send the
 * version they read with an update and get a conflict when it is stale.
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

  public Service withSpec(ServiceSpec next, long time) {
    return new Service(id, name, version + 1, next, spec, updateStatus, createdAt, time);
  }

  public Service withUpdateStatus(UpdateStatus u, long time) {
    return new Service(id, name, version, spec, previousSpec, u, createdAt, time);
  }
}
