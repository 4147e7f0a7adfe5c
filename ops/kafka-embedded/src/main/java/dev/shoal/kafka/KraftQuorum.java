package dev.shoal.kafka;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The static KRaft quorum of a multi-broker cluster of {@link EmbeddedKafka} nodes, each a combined broker and
 * controller: {@code controller.quorum.voters} as {@code 1@127.0.0.1:9093,2@127.0.0.1:9095,…}. Every member is a
 * voter, so the cluster has as many brokers as voters, and the replication of what Kafka stores for itself
 * follows from that count ({@link #replicationFactor()}, {@link #minInsyncReplicas()}).
 *
 * @param voters node id → controller endpoint, in the order given
 */
public record KraftQuorum(Map<Integer, Endpoint> voters) {
    /** Where one voter's controller listener is. */
    public record Endpoint(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    public KraftQuorum {
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("a quorum needs at least one voter");
        }
        voters = Collections.unmodifiableMap(new LinkedHashMap<>(voters));
    }

    /**
     * Parses {@code id@host:port,…}. Refuses, with the reason, an empty list, a malformed entry, an id below 0 or
     * repeated, a port outside 1..65535 and one endpoint named twice.
     */
    public static KraftQuorum parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no voters: expected id@host:port[,id@host:port…]");
        }
        Map<Integer, Endpoint> voters = new LinkedHashMap<>();
        for (String entry : text.split(",", -1)) {
            String e = entry.strip();
            int at = e.indexOf('@');
            int colon = e.lastIndexOf(':');
            if (at <= 0 || colon < at + 2 || colon == e.length() - 1) {
                throw new IllegalArgumentException("voter \"" + e + "\" is not id@host:port");
            }
            int id = number(e.substring(0, at), "node id of voter \"" + e + "\"");
            int port = number(e.substring(colon + 1), "port of voter \"" + e + "\"");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port of voter \"" + e + "\" is outside 1..65535");
            }
            Endpoint endpoint = new Endpoint(e.substring(at + 1, colon), port);
            if (voters.containsValue(endpoint)) {
                throw new IllegalArgumentException("two voters at " + endpoint);
            }
            if (voters.put(id, endpoint) != null) {
                throw new IllegalArgumentException("node id " + id + " is in the voters twice");
            }
        }
        return new KraftQuorum(voters);
    }

    private static int number(String text, String what) {
        try {
            int n = Integer.parseInt(text);
            if (n < 0) {
                throw new IllegalArgumentException(what + " is negative: " + text);
            }
            return n;
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(what + " is not a number: \"" + text + "\"");
        }
    }

    /** A quorum of one: the node alone, its controller at {@code 127.0.0.1:port} (the single-node default). */
    public static KraftQuorum single(int nodeId, int port) {
        return new KraftQuorum(Map.of(nodeId, new Endpoint("127.0.0.1", port)));
    }

    public boolean contains(int nodeId) {
        return voters.containsKey(nodeId);
    }

    public Endpoint endpoint(int nodeId) {
        Endpoint e = voters.get(nodeId);
        if (e == null) {
            throw new IllegalArgumentException("node id " + nodeId + " is not among the voters " + this);
        }
        return e;
    }

    public List<Integer> nodeIds() {
        return new ArrayList<>(voters.keySet());
    }

    public int size() {
        return voters.size();
    }

    /**
     * Replicas of Kafka's own topics (consumer offsets, transaction state) and of topics created without one:
     * min(3, brokers). The same rule as Shoal's topics (orchestrator-streams' {@code TopicProvisioner}).
     */
    public short replicationFactor() {
        return (short) Math.min(3, size());
    }

    /**
     * In-sync replicas an {@code acks=all} write needs: 2 with three replicas, so one broker may be lost without
     * losing an acknowledged write or stopping writes; 1 below that (a lost broker then may lose writes).
     */
    public int minInsyncReplicas() {
        return replicationFactor() >= 3 ? 2 : 1;
    }

    /** The {@code controller.quorum.voters} value. */
    @Override
    public String toString() {
        return voters.entrySet().stream().map(v -> v.getKey() + "@" + v.getValue()).collect(Collectors.joining(","));
    }
}
