package dev.shoal.gateway.ingress;

import java.util.List;

/**
 * What one published port serves: the service holding it, whether it speaks HTTP, how it balances,
 * and the tasks that may take traffic now, in a stable order.
 */
public record PortRoute(int port, String serviceId, String serviceName, boolean http, Balance balance,
                        List<Backend> backends) {
  public PortRoute {
    backends = List.copyOf(backends);
  }

  /** Whether a listener opened for {@code other} can serve this route: same service, same protocol. */
  boolean sameListener(PortRoute other) {
    return other != null && port == other.port && http == other.http && serviceId.equals(other.serviceId);
  }

  /** The same port without any task: a service about to go, whose connections still close. */
  PortRoute withoutBackends() {
    return new PortRoute(port, serviceId, serviceName, http, balance, List.of());
  }
}
