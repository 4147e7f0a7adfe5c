package dev.shoal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code shoal kafka}'s cluster flags go together or not at all: every bad combination is a one-line usage error
 * (exit 2) that says what is wrong, before any broker starts.
 */
class KafkaFlagsTest {
  private static final String VOTERS = "1@127.0.0.1:19093,2@127.0.0.1:19095,3@127.0.0.1:19097";
  private static final String CLUSTER_ID = "MkU3OEVBNTcwNTJENDM2Qk";

  @TempDir
  Path dir;

  private void assertUsageError(String reason, String... args) {
    StringWriter err = new StringWriter();
    CommandLine cmd = Shoal.commandLine();
    cmd.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("kafka", "--data-dir", dir.resolve("kafka").toString()));
    all.addAll(List.of(args));
    int code = cmd.execute(all.toArray(String[]::new));
    List<String> lines = err.toString().lines().toList();
    assertThat(code).as(err.toString()).isEqualTo(2);
    assertThat(lines.get(0)).startsWith("shoal kafka: ").contains(reason);
  }

  @Test
  void clusterFlagsNeedVoters() {
    String reason = "--node-id, --controller-port and --cluster-id go with --voters (cluster mode); without --voters"
        + " the broker is a single-node cluster";
    assertUsageError(reason, "--node-id", "1");
    assertUsageError(reason, "--controller-port", "19093");
    assertUsageError(reason, "--cluster-id", CLUSTER_ID);
  }

  @Test
  void votersNeedANodeIdAmongThemAndAClusterId() {
    assertUsageError("--voters needs --node-id: which of [1, 2, 3] this member is", "--voters", VOTERS,
        "--cluster-id", CLUSTER_ID);
    assertUsageError("--node-id 4 is not among --voters " + VOTERS, "--voters", VOTERS, "--node-id", "4",
        "--cluster-id", CLUSTER_ID);
    assertUsageError("--voters needs --cluster-id, the same for every member (e.g. ", "--voters", VOTERS,
        "--node-id", "1");
    assertUsageError("--cluster-id: cluster id \"my-cluster\" is not a Kafka cluster id", "--voters", VOTERS,
        "--node-id", "1", "--cluster-id", "my-cluster");
  }

  @Test
  void malformedVotersAreRefusedWithTheEntry() {
    assertUsageError("--voters: voter \"2@127.0.0.1\" is not id@host:port", "--voters", "1@127.0.0.1:19093,2@127.0.0.1",
        "--node-id", "1", "--cluster-id", CLUSTER_ID);
    assertUsageError("--voters: node id 1 is in the voters twice", "--voters", "1@127.0.0.1:19093,1@127.0.0.1:19095",
        "--node-id", "1", "--cluster-id", CLUSTER_ID);
    assertUsageError("--voters: port of voter \"1@127.0.0.1:65536\" is outside 1..65535", "--voters",
        "1@127.0.0.1:65536", "--node-id", "1", "--cluster-id", CLUSTER_ID);
  }

  @Test
  void portsMustNotClash() {
    assertUsageError("--controller-port 19095 is not node 1's entry in --voters (127.0.0.1:19093)", "--voters", VOTERS,
        "--node-id", "1", "--controller-port", "19095", "--cluster-id", CLUSTER_ID);
    assertUsageError("--kafka-port 19095 is the controller port of voter 2", "--voters", VOTERS, "--node-id", "1",
        "--kafka-port", "19095", "--cluster-id", CLUSTER_ID);
  }

  @Test
  void aClusterRunsWithoutAuthenticationForNow() {
    assertUsageError("--voters goes with --security none for now", "--voters", VOTERS, "--node-id", "1",
        "--cluster-id", CLUSTER_ID, "--security", "sasl-ssl");
  }
}
