package dev.shoal.orchestrator.streams;

import dev.shoal.schemas.NodeDescription;

/** What liveness remembers of a node: last heartbeat time (broker time), its sequence, up or not. */
public record LivenessEntry(long lastSeen, long sequence, boolean up, NodeDescription description) {}
