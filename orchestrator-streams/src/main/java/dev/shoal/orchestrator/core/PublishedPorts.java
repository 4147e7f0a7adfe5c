package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Identifiers;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import java.util.Collection;
import java.util.Optional;

/**
 * Scope: one published port, one service. A port published in ingress mode is opened by every
 * gateway, so no other service may publish the same number and protocol, in either mode (a gateway
 * can share a host with a task that publishes in host mode). Two host-mode ports of one number may
 * coexist: the scheduler keeps them on different nodes.
 *
 * <p>Pure; the cost is one pass over the services and their ports.
 */
final class PublishedPorts {
  private PublishedPorts() {}

  /** Why {@code spec} cannot have its ports, or empty; {@code services} may include its own service. */
  static Optional<String> conflict(ServiceSpec spec, Collection<Service> services) {
    if (spec.ports() == null || spec.ports().isEmpty()) {
      return Optional.empty();
    }
    String self = Identifiers.serviceKey(spec.name());
    for (Service other : services) {
      if (other.spec() == null || other.spec().ports() == null || self.equals(Identifiers.serviceKey(other.name()))) {
        continue;
      }
      for (ServiceSpec.PortConfig mine : spec.ports()) {
        for (ServiceSpec.PortConfig theirs : other.spec().ports()) {
          if (clash(mine, theirs)) {
            return Optional.of("published port " + mine.published() + "/" + protocol(mine) + " is already published by"
                + " service " + other.name() + (theirs.isIngress() ? "" : " (mode host)")
                + ": an ingress port is one per cluster");
          }
        }
      }
    }
    return Optional.empty();
  }

  private static boolean clash(ServiceSpec.PortConfig a, ServiceSpec.PortConfig b) {
    if (a.published() == null || b.published() == null || !a.published().equals(b.published())
        || !protocol(a).equals(protocol(b))) {
      return false;
    }
    return a.isIngress() || b.isIngress();
  }

  private static String protocol(ServiceSpec.PortConfig p) {
    return p.protocol() == null ? "tcp" : p.protocol();
  }
}
