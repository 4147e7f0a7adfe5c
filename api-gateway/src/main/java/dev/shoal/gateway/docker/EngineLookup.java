package dev.shoal.gateway.docker;

import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.ClusterBackend;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import java.util.List;
import java.util.Optional;

/**
 * Finds what a request names the way dockerd does: by full id, then by name (services) or
 * hostname (nodes), then by a unique id prefix. Not found is the engine's 404 sentence, which the
 * CLI turns into "no such service" and exit status 1.
 */
final class EngineLookup {
  private final ClusterBackend backend;
  private final ControlPlane controlPlane;

  EngineLookup(ClusterBackend backend, ControlPlane controlPlane) {
    this.backend = backend;
    this.controlPlane = controlPlane;
  }

  Optional<Service> findService(String ref) {
    Optional<Service> direct = backend.service(ref);
    if (direct.isPresent()) {
      return direct;
    }
    List<Service> byPrefix = backend.services().stream().filter(s -> s.id().startsWith(ref)).toList();
    if (byPrefix.size() > 1) {
      throw ApiException.badRequest("service " + ref + " is ambiguous (" + byPrefix.size() + " matches found)");
    }
    return byPrefix.stream().findFirst();
  }

  Service service(String ref) {
    return findService(ref).orElseThrow(() -> ApiException.notFound("service " + ref + " not found"));
  }

  /** A node agent; empty for the control plane, which is not one. */
  Optional<Node> findNode(String ref) {
    if (controlPlane.is(ref)) {
      return Optional.empty();
    }
    Optional<Node> direct = backend.node(ref);
    if (direct.isPresent()) {
      return direct;
    }
    List<Node> byPrefix = backend.nodes().stream().filter(n -> n.id().startsWith(ref)).toList();
    if (byPrefix.size() > 1) {
      throw ApiException.badRequest("node " + ref + " is ambiguous (" + byPrefix.size() + " matches found)");
    }
    return byPrefix.stream().findFirst();
  }

  boolean isControlPlane(String ref) {
    return controlPlane.is(ref) || (ref.length() >= 3 && controlPlane.nodeId().startsWith(ref)
        && backend.nodes().stream().noneMatch(n -> n.id().startsWith(ref)));
  }

  Node node(String ref) {
    return findNode(ref).orElseThrow(() -> ApiException.notFound("node " + ref + " not found"));
  }
}
