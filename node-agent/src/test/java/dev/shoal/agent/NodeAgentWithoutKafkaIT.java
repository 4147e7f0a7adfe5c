package dev.shoal.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kafka unreachable: the agent starts, keeps trying without crashing, and closes in bounded time. */
class NodeAgentWithoutKafkaIT {
  @TempDir
  Path dataDir;

  @Test
  void startsAndClosesWhileKafkaIsAway() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    NodeAgent agent = new NodeAgent(NodeAgentConfig.builder("127.0.0.1:" + port, dataDir)
        .heartbeatInterval(Duration.ofMillis(100)).closeTimeout(Duration.ofSeconds(2)).build());
    agent.start();
    Thread.sleep(1500); // let heartbeats fail for a while: nothing to synchronise with
    long t0 = System.nanoTime();
    agent.close();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void aStartThatFailsCleansUpAndCannotBeRepeated() {
    NodeAgent agent = new NodeAgent(NodeAgentConfig.builder("no-such-host.invalid:9092", dataDir).build());
    assertThatThrownBy(agent::start).isInstanceOf(KafkaException.class);
    assertThatThrownBy(agent::start).isInstanceOf(IllegalStateException.class);
    agent.close();
  }
}
