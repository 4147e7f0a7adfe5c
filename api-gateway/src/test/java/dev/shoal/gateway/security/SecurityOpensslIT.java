package dev.shoal.gateway.security;

import static dev.shoal.gateway.Fixtures.node;
import static dev.shoal.gateway.Fixtures.specJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.gateway.Http;
import dev.shoal.gateway.InMemoryClusterBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates made by another CA implementation, OpenSSL, with the commands docs/security.md gives
 * operators (the block is read from the page and run as written): the API serves with them and
 * reads the principal and role from the client certificate.
 */
class SecurityOpensslIT {
  private static final String BLOCK_MARK = "# openssl: a CA, a server certificate and one client certificate";
  @TempDir
  Path dir;

  /** The shell block of docs/security.md that starts with {@link #BLOCK_MARK}, unindented. */
  private static String docsBlock() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("..", "docs", "security.md"), StandardCharsets.UTF_8);
    int start = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().startsWith(BLOCK_MARK)) {
        start = i;
        break;
      }
    }
    assertThat(start).as("docs/security.md has the OpenSSL block").isPositive();
    StringBuilder script = new StringBuilder();
    for (int i = start; !lines.get(i).strip().startsWith("```"); i++) {
      script.append(lines.get(i).strip()).append('\n');
    }
    return script.toString();
  }

  @Test
  void certificatesMadeAsTheDocsSayServeTheApi() throws Exception {
    TestTools.require(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
    Files.writeString(dir.resolve("make.sh"), docsBlock());
    Process p = new ProcessBuilder("bash", "-euo", "pipefail", "make.sh").directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(dir.resolve("make.log").toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("make.log"))).isZero();

    InMemoryClusterBackend backend = new InMemoryClusterBackend();
    backend.add(node("n1", "alpha"));
    ApiSecurity security = ApiSecurity.none().withTls(dir.resolve("ca.pem"), dir.resolve("server-cert.pem"),
        dir.resolve("server-key.pem"), true);
    try (GatewayServer server = new GatewayServer(new GatewayConfig(null, null, "127.0.0.1", 0, null, null)
        .withSecurity(security), backend, Clock.systemUTC(), List.of()).start()) {
      Http alice = new Http(server.url(), ClientTls.ofDockerCertPath(dir));
      Http.Response created = alice.post("/v1/services", specJson("web", 1));
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      assertThat(backend.published.get(0).caller().principal()).isEqualTo("alice");
      Http.Response drain = alice.patch("/v1/nodes/n1", "{\"availability\": \"drain\"}");
      assertThat(drain.status()).isEqualTo(403);
      assertThat(drain.message()).endsWith("you are alice (deployer)");
    }
  }
}
