package dev.shoal.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.orchestrator.streams.TopicProvisioner.Replication;
import org.junit.jupiter.api.Test;

class ReplicationTest {
  @Test
  void threeCopiesAndTwoInSyncFromThreeBrokersOn() {
    assertThat(Replication.forBrokers(1)).isEqualTo(new Replication((short) 1, 1));
    assertThat(Replication.forBrokers(2)).isEqualTo(new Replication((short) 2, 1));
    assertThat(Replication.forBrokers(3)).isEqualTo(new Replication((short) 3, 2));
    assertThat(Replication.forBrokers(7)).isEqualTo(new Replication((short) 3, 2));
  }

  @Test
  void anExplicitFactorKeepsTheSameInSyncRule() {
    assertThat(Replication.of((short) 2)).isEqualTo(new Replication((short) 2, 1));
    assertThat(Replication.of((short) 5)).isEqualTo(new Replication((short) 5, 2));
    assertThatThrownBy(() -> Replication.of((short) 0)).hasMessage("replication factor must be 1 or more, got 0");
  }
}
