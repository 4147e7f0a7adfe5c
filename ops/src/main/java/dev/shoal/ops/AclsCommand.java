package dev.shoal.ops;

import dev.shoal.ops.kafka.KafkaClientConfig;
import dev.shoal.ops.kafka.ShoalAcls;
import dev.shoal.schemas.Topics;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AclBinding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shoal acls}: the Kafka ACLs Shoal's components need ({@link ShoalAcls}), printed, or created on
 * a cluster with an administrator's credentials. An authenticated {@code shoal kafka} creates them itself.
 */
@Command(name = "acls", mixinStandardHelpOptions = true,
    description = "Print (or, with --apply, create) the Kafka ACLs of the orchestrator, gateway and agents.")
final class AclsCommand implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka (default ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(names = "--kafka-config", description = "Kafka client properties of an administrator (with --apply).")
  Path kafkaConfig;

  @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of every topic name (default none).")
  String prefix;

  @Option(names = "--orchestrator-principal", defaultValue = "User:orchestrator", description = "(default ${DEFAULT-VALUE})")
  String orchestrator;

  @Option(names = "--gateway-principal", defaultValue = "User:gateway", description = "(default ${DEFAULT-VALUE})")
  String gateway;

  @Option(names = "--agent-principal", defaultValue = "User:agent", description = "(default ${DEFAULT-VALUE})")
  String agent;

  @Option(names = "--apply", description = "Create the ACLs on the cluster (default: only print them).")
  boolean apply;

  @Override
  public Integer call() throws Exception {
    for (String p : List.of(orchestrator, gateway, agent)) {
      if (!p.matches("[A-Za-z]+:.+")) {
        throw new UsageException("a principal has a type, e.g. User:orchestrator; got '" + p + "'");
      }
    }
    Topics topics = new Topics(prefix);
    List<AclBinding> bindings = ShoalAcls.bindings(topics, prefix + ShoalAcls.APPLICATION_ID,
        new ShoalAcls.Principals(orchestrator, gateway, agent));
    bindings.forEach(b -> System.out.println(ShoalAcls.describe(b)));
    if (apply) {
      Map<String, Object> config = new HashMap<>(KafkaClientConfig.load(kafkaConfig));
      config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      try (Admin admin = Admin.create(config)) {
        ShoalAcls.apply(admin, bindings);
      }
      System.out.println("created " + bindings.size() + " ACLs on " + bootstrap);
    }
    return 0;
  }
}
