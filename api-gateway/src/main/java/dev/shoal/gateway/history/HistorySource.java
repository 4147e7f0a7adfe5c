package dev.shoal.gateway.history;

import dev.shoal.gateway.ApiException;
import dev.shoal.schemas.audit.ServiceHistory;

/**
 * Where {@link HistoryRoutes} reads a page of a service's history: the logs
 * ({@link ControlLogHistory}) on a gateway over Kafka, {@link #NONE} on one over another backend,
 * so that every gateway serves the route its OpenAPI document describes.
 */
@FunctionalInterface
public interface HistorySource {
  /** A gateway without Kafka (an in-memory backend) has no logs to read: 503, said plainly. */
  HistorySource NONE = (service, limit, before) -> {
    throw ApiException.unavailable("service history is read from the Kafka logs, and this gateway has no Kafka"
        + " connection (it runs over an in-memory backend)");
  };

  /**
   * Up to {@code limit} requests about {@code service} made before control-log offset {@code before}
   * (null: the newest), oldest first, with their outcomes and the service's events among them.
   */
  ServiceHistory read(String service, int limit, Long before);
}
