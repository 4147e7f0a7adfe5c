package dev.shoal.gateway.docker;

import dev.shoal.schemas.Service;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The stack default networks this gateway knows ({@link StackNetworks}): those a client created
 * here, and those implied by the services of a stack. They are kept in memory only, since they
 * carry nothing the cluster acts on: after a restart, a stack's network is still implied by its
 * services, and {@code docker stack deploy} creates it again if they are gone.
 */
final class StackNetworkRegistry {
  /** A stack default network: its name, stack, and when it was first seen. */
  record StackNetwork(String name, String stack, long createdAt) {
    String id() {
      return StackNetworks.idOf(name);
    }

    Map<String, String> labels() {
      return Map.of(StackNetworks.NAMESPACE_LABEL, stack);
    }
  }

  /** Bounded: every stack network ever shown, so a later DELETE by id finds its name. */
  private static final int MAX_KNOWN = 10_000;

  private final Map<String, StackNetwork> created = new TreeMap<>();
  private final Map<String, StackNetwork> known = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, StackNetwork> eldest) {
      return size() > MAX_KNOWN;
    }
  };

  /** Every network created here or implied by a service's stack label, by name. */
  synchronized Map<String, StackNetwork> all(Collection<Service> services, long now) {
    Map<String, StackNetwork> out = new TreeMap<>(created);
    for (Service s : services) {
      StackNetworks.stackOf(s.spec().labels()).ifPresent(stack -> {
        String name = StackNetworks.defaultNetworkOf(stack);
        out.putIfAbsent(name, new StackNetwork(name, stack, s.createdAt() > 0 ? s.createdAt() : now));
      });
    }
    out.values().forEach(n -> known.put(n.id(), n));
    return out;
  }

  /** Records a new network; false if one of that name exists. */
  synchronized boolean create(StackNetwork n, Collection<Service> services) {
    if (all(services, n.createdAt()).containsKey(n.name())) {
      return false;
    }
    created.put(n.name(), n);
    known.put(n.id(), n);
    return true;
  }

  /** A network by name, id or id prefix, among those that exist or were shown before. */
  synchronized Optional<StackNetwork> find(String ref, Collection<Service> services, long now) {
    Map<String, StackNetwork> all = all(services, now);
    if (all.containsKey(ref)) {
      return Optional.of(all.get(ref));
    }
    if (known.containsKey(ref)) {
      return Optional.of(known.get(ref));
    }
    return all.values().stream().filter(n -> n.id().startsWith(ref)).findFirst();
  }

  synchronized void remove(StackNetwork n) {
    created.remove(n.name());
    known.remove(n.id());
  }
}
