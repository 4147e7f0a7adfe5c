package dev.shoal.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class KraftQuorumTest {
    @Test
    void parsesVotersInTheirOrderAndPrintsThemBack() {
        KraftQuorum q = KraftQuorum.parse("2@127.0.0.1:9095,1@127.0.0.1:9093, 3@127.0.0.2:65535");
        assertThat(q.nodeIds()).containsExactly(2, 1, 3);
        assertThat(q.endpoint(3)).isEqualTo(new KraftQuorum.Endpoint("127.0.0.2", 65535));
        assertThat(q).hasToString("2@127.0.0.1:9095,1@127.0.0.1:9093,3@127.0.0.2:65535");
    }

    @Test
    void replicationFollowsTheNumberOfBrokers() {
        assertThat(KraftQuorum.single(1, 9093).replicationFactor()).isEqualTo((short) 1);
        assertThat(KraftQuorum.single(1, 9093).minInsyncReplicas()).isEqualTo(1);
        KraftQuorum two = KraftQuorum.parse("1@h:1,2@h:2");
        assertThat(two.replicationFactor()).isEqualTo((short) 2);
        assertThat(two.minInsyncReplicas()).isEqualTo(1);
        KraftQuorum three = KraftQuorum.parse("1@h:1,2@h:2,3@h:3");
        assertThat(three.replicationFactor()).isEqualTo((short) 3);
        assertThat(three.minInsyncReplicas()).isEqualTo(2);
        KraftQuorum five = KraftQuorum.parse("1@h:1,2@h:2,3@h:3,4@h:4,5@h:5");
        assertThat(five.replicationFactor()).isEqualTo((short) 3);
        assertThat(five.minInsyncReplicas()).isEqualTo(2);
    }

    @Test
    void refusesWhatIsNotAQuorum() {
        for (List<String> c : List.of(
                List.of("", "no voters"),
                List.of("1@127.0.0.1", "voter \"1@127.0.0.1\" is not id@host:port"),
                List.of("127.0.0.1:9093", "is not id@host:port"),
                List.of("1@:9093", "is not id@host:port"),
                List.of("1@h:", "is not id@host:port"),
                List.of("1@h:1,", "voter \"\" is not id@host:port"),
                List.of("x@h:1", "node id of voter \"x@h:1\" is not a number"),
                List.of("-1@h:1", "node id of voter \"-1@h:1\" is negative"),
                List.of("1@h:0", "port of voter \"1@h:0\" is outside 1..65535"),
                List.of("1@h:65536", "port of voter \"1@h:65536\" is outside 1..65535"),
                List.of("1@h:1,1@h:2", "node id 1 is in the voters twice"),
                List.of("1@h:1,2@h:1", "two voters at h:1"))) {
            assertThatThrownBy(() -> KraftQuorum.parse(c.get(0))).as(c.get(0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(c.get(1));
        }
    }

    @Test
    void aNodeOutsideTheQuorumHasNoEndpoint() {
        assertThatThrownBy(() -> KraftQuorum.parse("1@h:1,2@h:2").endpoint(3))
                .hasMessage("node id 3 is not among the voters 1@h:1,2@h:2");
    }

    @Test
    void aClusterMemberNeedsAKafkaClusterIdAndNoAuthentication() {
        KraftQuorum q = KraftQuorum.parse("1@127.0.0.1:1,2@127.0.0.1:2,3@127.0.0.1:3");
        assertThatThrownBy(() -> EmbeddedKafka.builder().cluster(1, q, "not-a-uuid"))
                .hasMessageStartingWith("cluster id \"not-a-uuid\" is not a Kafka cluster id");
        assertThatThrownBy(() -> EmbeddedKafka.builder().cluster(4, q, "MkU3OEVBNTcwNTJENDM2Qk"))
                .hasMessageContaining("node id 4 is not among the voters");
        assertThatThrownBy(() -> EmbeddedKafka.builder().cluster(1, q, "MkU3OEVBNTcwNTJENDM2Qg")
                .security(KafkaSecurity.SASL_SSL).build())
                .hasMessageStartingWith("a multi-node cluster runs without authentication");
    }
}
