package dev.shoal.orchestrator.streams;

import dev.shoal.schemas.TopicSpec;
import dev.shoal.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the catalogue's topics with their configs, idempotently: topics that exist are left as
 * they are. Replication is min(3, brokers) unless given, with {@code min.insync.replicas} 2 from
 * three replicas on (1 below): with {@code acks=all} producers a write Shoal acknowledged survives
 * the loss of any one broker, and writes go on while one is lost.
 */
public final class TopicProvisioner {
  private TopicProvisioner() {}

  /** How many copies of each partition, and how many must have a write before it is acknowledged. */
  public record Replication(short factor, int minInsync) {
    public Replication {
      if (factor < 1) {
        throw new IllegalArgumentException("replication factor must be 1 or more, got " + factor);
      }
    }

    /** The rule for a cluster of {@code brokers}; the same as the embedded broker's for its own topics. */
    public static Replication forBrokers(int brokers) {
      return of((short) Math.min(3, brokers));
    }

    public static Replication of(short factor) {
      return new Replication(factor, factor >= 3 ? 2 : 1);
    }
  }

  /** {@code explicit} if given, else from the number of brokers the cluster reports now. */
  public static Replication replication(Admin admin, Short explicit) throws Exception {
    return explicit != null ? Replication.of(explicit)
        : Replication.forBrokers(admin.describeCluster().nodes().get().size());
  }

  /** @return the names of the topics it created */
  public static List<String> ensure(Admin admin, Topics topics, Replication replication) throws Exception {
    Set<String> existing = admin.listTopics().names().get();
    List<NewTopic> missing = new ArrayList<>();
    for (TopicSpec<?, ?> t : topics.all()) {
      if (!existing.contains(t.name())) {
        java.util.Map<String, String> configs = new java.util.HashMap<>(t.configs());
        configs.putIfAbsent("min.insync.replicas", String.valueOf(replication.minInsync()));
        missing.add(new NewTopic(t.name(), t.partitions(), replication.factor()).configs(configs));
      }
    }
    List<String> created = new ArrayList<>();
    for (var e : admin.createTopics(missing).values().entrySet()) {
      try {
        e.getValue().get();
        created.add(e.getKey());
      } catch (ExecutionException ex) {
        if (!(ex.getCause() instanceof TopicExistsException)) {
          throw ex;
        }
      }
    }
    checkInputPartitions(admin, topics);
    return created;
  }

  /** Topics just created may take a moment to show in metadata: retried for a few seconds. */
  private static java.util.Map<String, org.apache.kafka.clients.admin.TopicDescription> describeWhenKnown(
      Admin admin, List<String> names) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return admin.describeTopics(names).allTopicNames().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) || attempt == 50) {
          throw e;
        }
        Thread.sleep(100); // metadata propagation, not synchronisation with a test
      }
    }
  }

  /**
   * Input logs must have one partition (see {@link Topics}): a topic made by an older Shoal with
   * more would let two producers' records for one key take different paths. Refused with the fix.
   */
  static void checkInputPartitions(Admin admin, Topics topics) throws Exception {
    List<String> names = topics.inputs().stream().map(TopicSpec::name).toList();
    for (var d : describeWhenKnown(admin, names).values()) {
      if (d.partitions().size() != 1) {
        throw new IllegalStateException("topic " + d.name() + " has " + d.partitions().size()
            + " partitions; Shoal's input logs need exactly 1 (one owner and one order per key whatever the"
            + " producer's partitioner). Recreate it with one partition, or use a fresh --topic-prefix.");
      }
    }
  }
}
