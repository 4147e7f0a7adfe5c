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
 * they are. Replication is min(3, brokers) unless given.
 */
public final class TopicProvisioner {
  private TopicProvisioner() {}

  /** @return the names of the topics it created */
  public static List<String> ensure(Admin admin, Topics topics, Short replication) throws Exception {
    short rf = replication != null ? replication
        : (short) Math.min(3, admin.describeCluster().nodes().get().size());
    Set<String> existing = admin.listTopics().names().get();
    List<NewTopic> missing = new ArrayList<>();
    for (TopicSpec<?, ?> t : topics.all()) {
      if (!existing.contains(t.name())) {
        missing.add(new NewTopic(t.name(), t.partitions(), rf).configs(t.configs()));
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
    return created;
  }
}
