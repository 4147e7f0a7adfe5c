package dev.shoal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * No open door by accident: the orchestrator needs a cluster secret unless told to admit anyone, and
 * files holding secrets must be private. Each refusal is a one-line usage error (exit 2) that names
 * the file and the fix, before anything starts.
 */
class SecurityFlagsTest {
  @TempDir
  Path dir;

  private record Run(int exitCode, List<String> stderr) {}

  private static Run run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cmd = Shoal.commandLine();
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Run(code, err.toString().lines().toList());
  }

  private static void assertUsageError(Run r, String command, String reason) {
    assertThat(r.exitCode()).as(String.join("\n", r.stderr())).isEqualTo(2);
    assertThat(r.stderr()).hasSize(2);
    assertThat(r.stderr().get(0)).startsWith("shoal " + command + ": ").contains(reason);
  }

  private Path file(String name, String text, String mode) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    return f;
  }

  private String stateDir() {
    return dir.resolve("state").toString();
  }

  @Test
  void theOrchestratorRefusesToStartWithoutAClusterSecret() {
    assertUsageError(run("orchestrator", "--state-dir", stateDir()), "orchestrator",
        "no --cluster-secret-file: without it any agent could join; give the cluster secret (see README), or"
            + " --insecure-open-join to admit any agent (development only)");
  }

  @Test
  void openJoinAndASecretExcludeEachOther() throws Exception {
    Path secret = file("secret", "00".repeat(32), "rw-------");
    assertUsageError(run("orchestrator", "--state-dir", stateDir(), "--cluster-secret-file", secret.toString(),
        "--insecure-open-join"), "orchestrator", "--cluster-secret-file and --insecure-open-join exclude each other");
  }

  @Test
  void aSecretFileOthersCanReadIsRefusedWithTheFix() throws Exception {
    Path secret = file("secret", "00".repeat(32), "rw-r--r--");
    String reason = "cluster secret file " + secret + " must not be readable by group or others (it is rw-r--r--);"
        + " run: chmod 600 " + secret;
    assertUsageError(run("orchestrator", "--state-dir", stateDir(), "--cluster-secret-file", secret.toString()),
        "orchestrator", reason);
    assertUsageError(run("gateway", "--cluster-secret-file", secret.toString()), "gateway", reason);
  }

  @Test
  void kafkaConfigFilesAreCheckedBeforeAnythingStarts() throws Exception {
    Path secret = file("secret", "00".repeat(32), "rw-------");
    String orchestrator = "orchestrator";
    assertUsageError(run(orchestrator, "--state-dir", stateDir(), "--cluster-secret-file", secret.toString(),
        "--kafka-config", dir.resolve("missing.properties").toString()), orchestrator, "does not exist");
    Path withPassword = file("kafka.properties", "security.protocol=SASL_SSL\nsasl.jaas.config=x password=\"p\";\n",
        "rw-r--r--");
    assertUsageError(run("gateway", "--kafka-config", withPassword.toString()), "gateway",
        "Kafka client config " + withPassword + " must not be readable by group or others");
    Path withBootstrap = file("bootstrap.properties", "bootstrap.servers=elsewhere:9092\n", "rw-r--r--");
    assertUsageError(run("agent", "--data-dir", dir.resolve("a").toString(), "--kafka-config",
        withBootstrap.toString()), "agent", "sets bootstrap.servers; give it with --bootstrap-servers");
  }

  @Test
  void anAgentRefusesANodeKeyOthersCanReadAndRelativeBindMountPrefixes() throws Exception {
    Path data = Files.createDirectories(dir.resolve("agent"));
    Path key = data.resolve("node-key");
    Files.writeString(key, "public=x\nprivate=y\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
    assertUsageError(run("agent", "--data-dir", data.toString(), "--runtime", "process"), "agent",
        "node key file " + key + " must not be readable by group or others (it is rw-r-----); run: chmod 600 " + key);
    assertUsageError(run("agent", "--data-dir", data.toString(), "--allow-bind-mount", "srv/data"), "agent",
        "'srv/data' is not an absolute path");
  }
}
