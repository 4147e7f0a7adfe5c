package dev.shoal.gateway.ingress;

import java.util.List;

/**
 * What one published port serves: the service holding it, whether it speaks HTTP, how it balances,
 * the tasks that may take traffic now ({@code backends}), in a stable order, and the tasks told to
 * stop that their agents still run for the drain delay ({@code draining}): tried only when none of
 * the others can be, as kube-proxy falls back to serving-terminating endpoints.
 */
public record PortRoute(int port, String serviceId, String serviceName, boolean http, Balance balance,
                        List<Backend> backends, List<Backend> draining) {
  public PortRoute {
    backends = List.copyOf(backends);
    draining = List.copyOf(draining);
  }

  /** A route without draining tasks. */
  public PortRoute(int port, String serviceId, String serviceName, boolean http, Balance balance,
                   List<Backend> backends) {
    this(port, serviceId, serviceName, http, balance, backends, List.of());
  }

  /** Whether a listener opened for {@code other} can serve this route: same service, same protocol. */
  boolean sameListener(PortRoute other) {
    return other != null && port == other.port && http == other.http && serviceId.equals(other.serviceId);
  }

  /** The same port without any task: a service about to go, whose connections still close. */
  PortRoute withoutBackends() {
    return new PortRoute(port, serviceId, serviceName, http, balance, List.of(), List.of());
  }
}
