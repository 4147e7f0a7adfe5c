package dev.shoal.ops.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.Topics;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/** Each component gets what it needs and no more; only the orchestrator writes derived topics. */
class ShoalAclsTest {
  private final Topics topics = new Topics("p-");
  private final List<AclBinding> acls = ShoalAcls.bindings(topics, "p-shoal-orchestrator",
      ShoalAcls.Principals.DEFAULT);

  private Set<String> topicsWith(String principal, AclOperation op) {
    return acls.stream().filter(b -> b.entry().principal().equals(principal) && b.entry().operation() == op
            && b.pattern().resourceType() == ResourceType.TOPIC && b.pattern().patternType() == PatternType.LITERAL)
        .map(b -> b.pattern().name()).collect(Collectors.toSet());
  }

  @Test
  void agentsWriteTheirInputsAndReadTheirAssignmentsOnly() {
    assertThat(topicsWith("User:agent", AclOperation.WRITE)).containsExactlyInAnyOrder("p-shoal.heartbeats",
        "p-shoal.task-status", "p-shoal.logs");
    assertThat(topicsWith("User:agent", AclOperation.READ)).containsExactly("p-shoal.assignments");
    assertThat(acls).filteredOn(b -> b.entry().principal().equals("User:agent")).hasSize(4);
  }

  @Test
  void theGatewayWritesSpecsAndCommandsButNeverTheControlLogOrDerivedTopics() {
    assertThat(topicsWith("User:gateway", AclOperation.WRITE)).containsExactlyInAnyOrder("p-shoal.specs",
        "p-shoal.commands");
    assertThat(topicsWith("User:gateway", AclOperation.READ))
        .contains("p-shoal.logs", "p-shoal.control") // a service's history is read from the control log
        .doesNotContain("p-shoal.heartbeats", "p-shoal.task-status", "p-shoal.assignments", "p-shoal.liveness",
            "p-shoal.timers");
    assertThat(acls).filteredOn(b -> b.entry().principal().equals("User:gateway"))
        .noneMatch(b -> b.entry().operation() == AclOperation.ALL || b.pattern().patternType() != PatternType.LITERAL);
  }

  @Test
  void onlyTheOrchestratorWritesTheControlLogAndDerivedTopicsAndOwnsItsStreamsPrefix() {
    for (String derived : List.of("p-shoal.control", "p-shoal.liveness", "p-shoal.timers", "p-shoal.services", "p-shoal.tasks", "p-shoal.assignments",
        "p-shoal.nodes", "p-shoal.events", "p-shoal.cluster")) {
      assertThat(acls).filteredOn(b -> b.pattern().name().equals(derived) && b.entry().operation() == AclOperation.WRITE)
          .extracting(b -> b.entry().principal()).containsExactly("User:orchestrator");
    }
    assertThat(acls).filteredOn(b -> b.pattern().patternType() == PatternType.PREFIXED)
        .allSatisfy(b -> {
          assertThat(b.entry().principal()).isEqualTo("User:orchestrator");
          assertThat(b.pattern().name()).isEqualTo("p-shoal-orchestrator");
        })
        .extracting(b -> b.pattern().resourceType())
        .containsExactlyInAnyOrder(ResourceType.TOPIC, ResourceType.GROUP, ResourceType.TRANSACTIONAL_ID);
  }
}
