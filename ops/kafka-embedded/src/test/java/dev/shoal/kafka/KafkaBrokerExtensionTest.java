package dev.shoal.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class KafkaBrokerExtensionTest {

    private static KafkaTestCluster outer;

    @BeforeAll
    static void rememberCluster(KafkaTestCluster cluster) {
        outer = cluster;
    }

    @Test
    void givesTheSameBrokerAndPrefixWithinAClass(KafkaTestCluster cluster) throws Exception {
        assertThat(cluster).isEqualTo(outer);
        assertThat(cluster.uniquePrefix()).matches("t\\d+-");
        assertThat(cluster.name("orders")).isEqualTo(cluster.uniquePrefix() + "orders");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(cluster.name("orders"), 1, (short) 1))).all().get();
            assertThat(admin.listTopics().names().get()).contains(cluster.name("orders"));
        }
    }

    @Nested
    class AnotherClass {
        @Test
        void sharesTheBrokerWithAnotherPrefix(KafkaTestCluster cluster) {
            assertThat(cluster.bootstrapServers()).isEqualTo(outer.bootstrapServers());
            assertThat(cluster.uniquePrefix()).isNotEqualTo(outer.uniquePrefix()).matches("t\\d+-");
        }
    }
}
