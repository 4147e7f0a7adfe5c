package dev.shoal.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.gateway.InMemoryClusterBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API's security settings as an operator gives them: which combinations make sense, which
 * listeners they may serve, and the TLS files {@code shoal dev --tls} makes.
 */
class SecurityConfigTest {
  @TempDir
  Path dir;

  @Test
  void aNonLoopbackListenerNeedsAuthenticationOrInsecure() throws Exception {
    ApiSecurity open = ApiSecurity.none();
    assertThat(open.checkListener("127.0.0.1")).isEmpty();
    assertThat(open.checkListener("127.0.0.2")).isEmpty();
    assertThat(open.checkListener("::1")).isEmpty();
    assertThat(open.checkListener("localhost")).isEmpty();
    for (String host : List.of("0.0.0.0", "::", "10.0.0.5", "gateway.example")) {
      assertThatThrownBy(() -> open.checkListener(host)).as(host).isInstanceOf(SecurityConfigException.class)
          .hasMessageStartingWith("refusing to serve the API on " + host + " without authentication");
    }
    assertThat(open.withInsecure(true).checkListener("0.0.0.0")).hasValueSatisfying(w ->
        assertThat(w).startsWith("INSECURE (--insecure): the API on 0.0.0.0 is served without authentication"));

    TlsFixture tls = new TlsFixture(dir);
    assertThat(tls.certificates().checkListener("0.0.0.0")).isEmpty();
    assertThat(tls.certificatesOrTokens().checkListener("0.0.0.0")).isEmpty();
    assertThatThrownBy(() -> ApiSecurity.none().withTokensFile(tls.tokens).checkListener("0.0.0.0"))
        .hasMessageContaining("with bearer tokens over plain HTTP: every token would cross the network in clear");
  }

  @Test
  void theGatewayRefusesAnOpenNonLoopbackListenerBeforeItListens() {
    GatewayConfig config = GatewayConfig.defaults("unused:9092").withListener("0.0.0.0", 0);
    assertThatThrownBy(() -> new GatewayServer(config, new InMemoryClusterBackend()))
        .isInstanceOf(SecurityConfigException.class).hasMessageContaining("--insecure");
    // Accepted with --insecure (not started here: this test opens no port to the network)
    new GatewayServer(config.withSecurity(ApiSecurity.none().withInsecure(true)), new InMemoryClusterBackend()).close();
  }

  @Test
  void settingsThatCannotWorkTogetherAreRefused() {
    Path p = dir.resolve("x.pem");
    assertThatThrownBy(() -> ApiSecurity.none().withTls(null, p, null, false)).hasMessageContaining("--tls-cert and --tls-key");
    assertThatThrownBy(() -> ApiSecurity.none().withTls(null, p, p, true)).hasMessageContaining("--tls-verify needs --tls-ca");
    assertThatThrownBy(() -> ApiSecurity.none().withTls(p, p, p, false)).hasMessageContaining("--tls-ca without --tls-verify");
    assertThatThrownBy(() -> ApiSecurity.none().withHostnames(List.of("host:2375"))).hasMessageContaining("without a port");
    assertThatThrownBy(() -> ApiSecurity.none().withAllowedOrigins(List.of("https://ui.example/app")))
        .hasMessageContaining("no path");
    assertThat(ApiSecurity.none().withAllowedOrigins(List.of("HTTPS://UI.example")).allowedOrigins())
        .containsExactly("https://ui.example:443");
  }

  @Test
  void pemFilesThatCannotBeUsedAreNamed() throws Exception {
    Path garbage = dir.resolve("garbage.pem");
    Files.writeString(garbage, "hello\n");
    assertThatThrownBy(() -> Pem.privateKey(garbage)).hasMessage(garbage + " holds no PEM private key");
    assertThatThrownBy(() -> Pem.certificates(garbage)).hasMessageContaining(garbage + " is not a PEM certificate file");
    Path encrypted = dir.resolve("enc.pem");
    Files.writeString(encrypted, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI\n"
        + "-----END ENCRYPTED PRIVATE KEY-----\n");
    assertThatThrownBy(() -> Pem.privateKey(encrypted)).isInstanceOf(SecurityConfigException.class);
    TlsFixture tls = new TlsFixture(dir);
    // a certificate with another's key: the gateway stops before it listens
    Path otherKey = tls.clientFiles("someone", Role.READER)[1];
    ApiSecurity mismatched = ApiSecurity.none().withTls(tls.caPem, tls.serverCert, otherKey, true);
    assertThatThrownBy(() -> SecurityLayer.create(mismatched, "127.0.0.1", 0)).isInstanceOf(SecurityConfigException.class)
        .hasMessage("the TLS key " + otherKey + " is not the key of the certificate " + tls.serverCert);
    ApiSecurity notAKey = ApiSecurity.none().withTls(tls.caPem, tls.serverCert, tls.tokens, true);
    assertThatThrownBy(() -> SecurityLayer.create(notAKey, "127.0.0.1", 0)).hasMessage(tls.tokens + " holds no PEM private key");
  }

  @Test
  void theDevCertificatesAreLaidOutAsDockersCertPathAndReused() throws Exception {
    Path tlsDir = dir.resolve("tls");
    ApiSecurity s = DockerCertDirectory.prepare(tlsDir, "ada", List.of("localhost", "127.0.0.1", "::1"));
    assertThat(s.tlsVerify()).isTrue();
    assertThat(s.tlsCert()).isEqualTo(tlsDir.resolve("server-cert.pem"));
    for (String key : List.of("ca-key.pem", "server-key.pem", "key.pem")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tlsDir.resolve(key)))).as(key).isEqualTo("rw-------");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tlsDir))).isEqualTo("rwx------");
    X509Certificate client = Pem.certificates(tlsDir.resolve("cert.pem")).get(0);
    assertThat(CertificateIdentity.of(client)).isEqualTo(new Identity("ada", Role.ADMIN, Identity.Source.CERTIFICATE));
    X509Certificate server = Pem.certificates(tlsDir.resolve("server-cert.pem")).get(0);
    assertThat(server.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList())
        .containsExactly("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
    server.verify(Pem.certificates(tlsDir.resolve("ca.pem")).get(0).getPublicKey());

    // A second start reuses everything; a certificate the CA did not issue is issued again.
    String caBefore = Files.readString(tlsDir.resolve("ca.pem"));
    String serverBefore = Files.readString(tlsDir.resolve("server-cert.pem"));
    CertificateAuthority stranger = CertificateAuthority.create("other", Duration.ofDays(1));
    CertificateAuthority.Issued foreign = stranger.issueClient("ada", Role.ADMIN, Duration.ofDays(1));
    Pem.writeCertificates(tlsDir.resolve("cert.pem"), List.of(foreign.certificate()));
    DockerCertDirectory.prepare(tlsDir, "ada", List.of("localhost"));
    assertThat(Files.readString(tlsDir.resolve("ca.pem"))).isEqualTo(caBefore);
    assertThat(Files.readString(tlsDir.resolve("server-cert.pem"))).isEqualTo(serverBefore);
    Pem.certificates(tlsDir.resolve("cert.pem")).get(0).verify(Pem.certificates(tlsDir.resolve("ca.pem")).get(0).getPublicKey());
  }

  @Test
  void hostAndOriginTextIsNormalised() {
    assertThat(HostNames.parseHost("[::1]:2375")).contains(new HostNames.HostPort("[::1]", 2375));
    assertThat(HostNames.parseHost("Example.COM.")).contains(new HostNames.HostPort("example.com", -1));
    assertThat(HostNames.parseHost("a:b")).isEmpty();
    assertThat(HostNames.parseHost("user@host")).isEmpty();
    assertThat(HostNames.isIpLiteral("127.0.0.1")).isTrue();
    assertThat(HostNames.isIpLiteral("[fe80::1]")).isTrue();
    assertThat(HostNames.isIpLiteral("256.0.0.1")).isFalse();
    assertThat(HostNames.isIpLiteral("127.0.0.1.nip.io")).isFalse();
    assertThat(HostNames.origin("http://localhost")).contains("http://localhost:80");
    assertThat(HostNames.origin("https://[::1]:8443")).contains("https://[::1]:8443");
    assertThat(HostNames.origin("null")).isEmpty();
    assertThat(HostNames.origin("file://")).isEmpty();
  }
}
