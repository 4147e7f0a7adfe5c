package dev.shoal.gateway.docker;

import java.util.Map;
import java.util.Optional;

/**
 * The one kind of network Shoal accepts: the default network {@code docker stack deploy} creates
 * for a stack ({@code <stack>_default}, labelled {@code com.docker.stack.namespace=<stack>}) and
 * attaches every service of the stack to. Shoal has no overlay networking — a task runs on its
 * node's engine and is reached through its published ports — so such a network is accepted to let
 * compose files deploy, and a service attached to it gets a warning saying what it does not get.
 * Its id is derived from its name, so any gateway recognises it.
 */
final class StackNetworks {
  static final String NAMESPACE_LABEL = "com.docker.stack.namespace";
  static final String DEFAULT_SUFFIX = "_default";

  private StackNetworks() {}

  static String idOf(String name) {
    return EngineIds.of("network", name);
  }

  static String defaultNetworkOf(String stack) {
    return stack + DEFAULT_SUFFIX;
  }

  /** The stack a set of labels places an object in, if any. */
  static Optional<String> stackOf(Map<String, String> labels) {
    String ns = labels == null ? null : labels.get(NAMESPACE_LABEL);
    return ns == null || ns.isBlank() ? Optional.empty() : Optional.of(ns);
  }

  /** Whether {@code target} (a network name or id) is the default network of {@code stack}. */
  static boolean isDefaultNetworkOf(String target, String stack) {
    String name = defaultNetworkOf(stack);
    return name.equals(target) || idOf(name).equals(target);
  }
}
