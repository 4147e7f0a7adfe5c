package dev.shoal.gateway.ingress;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The ports a gateway should publish now ({@code routes}, by published port) and the claims it
 * refused: a port two services publish goes to the older one (the orchestrator refuses such specs,
 * but an automatic rollback can bring an old claim back), and the other is named in
 * {@code conflicts}, by port.
 */
public record IngressPlan(SortedMap<Integer, PortRoute> routes, Map<Integer, List<String>> conflicts) {}
