package dev.shoal.orchestrator.core;

import dev.shoal.schemas.ServiceSpec;
import java.util.Optional;

/**
 * One link of the placement chain: keeps a node or says, in words a user reads, why not.
 * Filters are cheap and side-effect free.
 */
public interface NodeFilter {

  /** Empty when the node can take a task of {@code spec}; otherwise the reason, e.g. "insufficient memory". */
  Optional<String> reject(ServiceSpec spec, String serviceId, NodeInfo node);
}
