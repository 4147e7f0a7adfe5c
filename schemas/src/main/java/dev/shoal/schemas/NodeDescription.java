package dev.shoal.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What an agent says about its machine: hostname, address, resources, the drivers it offers
 * ({@link Drivers}), engine labels and platform. Sent with every heartbeat; the orchestrator
 * records it when a node comes up or its description changes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeDescription(
    String hostname,
    String address,
    NodeResources resources,
    List<String> drivers,
    Map<String, String> engineLabels,
    String os,
    String architecture,
    String engineVersion,
    String runtime) {}
