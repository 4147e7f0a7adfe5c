package dev.shoal.ops.kafka;

import dev.shoal.schemas.TopicSpec;
import dev.shoal.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka ACLs each Shoal component needs, and no more (DESIGN principle 6), for one topic prefix:
 *
 * <ul>
 *   <li><b>agent</b>: write {@code shoal.heartbeats}, {@code shoal.task-status} and its tasks' output
 *       to {@code shoal.logs}; read {@code shoal.assignments} (its own partition, without a consumer
 *       group).</li>
 *   <li><b>gateway</b>: write {@code shoal.specs} and {@code shoal.commands}; read the topics its read
 *       model shows (services, tasks, nodes, events, cluster) and {@code shoal.logs} for log requests,
 *       without a consumer group. It cannot write {@code shoal.control} or any derived topic.</li>
 *   <li><b>orchestrator</b>: create and read every topic of the catalogue; write the control log and the
 *       derived topics, which no one else may; and everything under its Kafka Streams application id
 *       (internal topics, consumer group, transactional ids: prefixed ACLs).</li>
 * </ul>
 *
 * <p>Kafka ACLs stop at topics: any agent may write a heartbeat or status under any node's key, and
 * read every node's assignment. That a node speaks only for itself is the node signatures' job.
 */
public final class ShoalAcls {
  /** The principals of the three components, e.g. {@code User:orchestrator}. */
  public record Principals(String orchestrator, String gateway, String agent) {
    /** The users an authenticated {@code shoal kafka} or {@code shoal dev} makes. */
    public static final Principals DEFAULT = new Principals("User:orchestrator", "User:gateway", "User:agent");
  }

  private ShoalAcls() {}

  /** Every ACL for the catalogue {@code topics} and the orchestrator's Streams {@code applicationId}. */
  public static List<AclBinding> bindings(Topics topics, String applicationId, Principals p) {
    List<AclBinding> out = new ArrayList<>();
    // Agents: their two input logs, and their assignments.
    allow(out, p.agent(), topic(topics.heartbeats), AclOperation.WRITE);
    allow(out, p.agent(), topic(topics.taskStatus), AclOperation.WRITE);
    allow(out, p.agent(), topic(topics.logs), AclOperation.WRITE);
    allow(out, p.agent(), topic(topics.assignments), AclOperation.READ);
    // Gateway: the two doors it writes, the topics its read model reads.
    allow(out, p.gateway(), topic(topics.specs), AclOperation.WRITE);
    allow(out, p.gateway(), topic(topics.commands), AclOperation.WRITE);
    // The control log too: a service's history is read from it. It holds the specs the gateway already
    // serves, with who asked and when; reading it lets the gateway write nothing.
    for (TopicSpec<?, ?> t : List.of(topics.services, topics.tasks, topics.nodes, topics.events, topics.cluster,
        topics.logs, topics.control)) {
      allow(out, p.gateway(), topic(t), AclOperation.READ);
    }
    // Orchestrator: creates every topic; reads the inputs (and nodes, for liveness's keys); writes the rest.
    for (TopicSpec<?, ?> t : topics.all()) {
      allow(out, p.orchestrator(), topic(t), AclOperation.CREATE);
    }
    for (TopicSpec<?, ?> t : List.of(topics.specs, topics.commands, topics.taskStatus, topics.heartbeats,
        topics.liveness, topics.timers, topics.control, topics.nodes)) {
      allow(out, p.orchestrator(), topic(t), AclOperation.READ);
    }
    // Liveness and timers are the orchestrator's own inputs: it writes them and reads them back.
    for (TopicSpec<?, ?> t : List.of(topics.control, topics.liveness, topics.timers, topics.services, topics.tasks,
        topics.assignments, topics.nodes, topics.events, topics.cluster)) {
      allow(out, p.orchestrator(), topic(t), AclOperation.WRITE);
    }
    // Kafka Streams: changelogs and repartition topics, the group and the EOS transactional ids all
    // start with the application id.
    allow(out, p.orchestrator(), new ResourcePattern(ResourceType.TOPIC, applicationId, PatternType.PREFIXED),
        AclOperation.ALL);
    allow(out, p.orchestrator(), new ResourcePattern(ResourceType.GROUP, applicationId, PatternType.PREFIXED),
        AclOperation.ALL);
    allow(out, p.orchestrator(), new ResourcePattern(ResourceType.TRANSACTIONAL_ID, applicationId,
        PatternType.PREFIXED), AclOperation.ALL);
    return out;
  }

  /**
   * Shoal's ACLs for {@code topics} on an authenticated embedded broker, for its users
   * {@link Principals#DEFAULT}, created as its {@code admin}. Nothing to do on a plaintext one.
   */
  public static void applyTo(dev.shoal.kafka.EmbeddedKafka kafka, Topics topics) throws Exception {
    if (kafka.security() == dev.shoal.kafka.KafkaSecurity.PLAINTEXT) {
      return;
    }
    java.util.Map<String, Object> admin = new java.util.HashMap<>(kafka.clientConfig(dev.shoal.kafka.EmbeddedKafka.ADMIN_USER));
    admin.put(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (Admin a = Admin.create(admin)) {
      apply(a, bindings(topics, topics.prefix() + APPLICATION_ID, Principals.DEFAULT));
    }
  }

  /** The orchestrator's Kafka Streams application id, after the topic prefix. */
  public static final String APPLICATION_ID = "shoal-orchestrator";

  /** The users an authenticated embedded broker makes for Shoal (beside {@code admin}). */
  public static final List<String> USERS = List.of("orchestrator", "gateway", "agent");

  /** Creates {@code bindings} (creating one that exists changes nothing). */
  public static void apply(Admin admin, List<AclBinding> bindings) throws Exception {
    admin.createAcls(bindings).all().get(60, TimeUnit.SECONDS);
  }

  /** One line per binding, as {@code shoal acls} prints them. */
  public static String describe(AclBinding b) {
    ResourcePattern r = b.pattern();
    return String.format("%-20s %-10s %-16s %-9s %s", b.entry().principal(), b.entry().operation(), r.resourceType(),
        r.patternType(), r.name());
  }

  private static ResourcePattern topic(TopicSpec<?, ?> t) {
    return new ResourcePattern(ResourceType.TOPIC, t.name(), PatternType.LITERAL);
  }

  private static void allow(List<AclBinding> out, String principal, ResourcePattern r, AclOperation op) {
    out.add(new AclBinding(r, new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)));
  }
}
