package dev.shoal.gateway.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * TLS material made for a test, as an operator would make it: a CA, a server certificate for the
 * loopback names, client certificates for the three roles (ada the admin, dora the deployer, rita
 * the reader), a client certificate with no role, one from a CA the API does not trust, and a
 * tokens file (mode 600) with one token per role.
 */
final class TlsFixture {
  static final String ADMIN_TOKEN = "admin-token-0123456789abcdef";
  static final String DEPLOYER_TOKEN = "deployer-token-0123456789abcdef";
  static final String READER_TOKEN = "reader-token-0123456789abcdef";
  private static final Duration DAY = Duration.ofDays(1);

  final Path dir;
  final CertificateAuthority ca = CertificateAuthority.create("Test CA", DAY);
  private final CertificateAuthority otherCa = CertificateAuthority.create("Someone else's CA", DAY);
  final Path caPem;
  final Path serverCert;
  final Path serverKey;
  final Path tokens;

  TlsFixture(Path dir) throws IOException {
    this.dir = dir;
    this.caPem = dir.resolve("ca.pem");
    Pem.writeCertificates(caPem, List.of(ca.certificate()));
    CertificateAuthority.Issued server = ca.issueServer(List.of("localhost", "127.0.0.1", "::1"), DAY);
    this.serverCert = dir.resolve("server-cert.pem");
    this.serverKey = dir.resolve("server-key.pem");
    Pem.writeCertificates(serverCert, List.of(server.certificate()));
    Pem.writePrivateKey(serverKey, server.key());
    this.tokens = privateFile("tokens", "# token principal role",
        ADMIN_TOKEN + " ci-admin admin", DEPLOYER_TOKEN + " ci-deploy deployer", READER_TOKEN + "\tdashboard  reader");
  }

  /** The API's settings: HTTPS, client certificates signed by the test CA required. */
  ApiSecurity certificates() {
    return ApiSecurity.none().withTls(caPem, serverCert, serverKey, true);
  }

  /** HTTPS, and either a client certificate or a bearer token. */
  ApiSecurity certificatesOrTokens() {
    return certificates().withTokensFile(tokens);
  }

  /** A client presenting a certificate of the test CA for {@code cn} in {@code role}. */
  SSLContext client(String cn, Role role) throws IOException {
    return client(ca.issueClient(cn, role, DAY), cn);
  }

  /** A client presenting a certificate of the test CA with any subject. */
  SSLContext clientWithSubject(String subject, String fileName) throws IOException {
    return client(ca.issueClient(subject, DAY), fileName);
  }

  /**
   * A client presenting an admin certificate from a CA the API does not trust, whatever CAs the
   * server names: the JDK's own key manager would hold it back, an attacker's client would not.
   */
  SSLContext stranger() throws GeneralSecurityException {
    CertificateAuthority.Issued issued = otherCa.issueClient("mallory", Role.ADMIN, DAY);
    X509Certificate[] chain = {issued.certificate()};
    X509ExtendedKeyManager always = new X509ExtendedKeyManager() {
      @Override
      public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return "mallory";
      }

      @Override
      public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return "mallory";
      }

      @Override
      public X509Certificate[] getCertificateChain(String alias) {
        return chain;
      }

      @Override
      public PrivateKey getPrivateKey(String alias) {
        return issued.key();
      }

      @Override
      public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {"mallory"};
      }

      @Override
      public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
      }

      @Override
      public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
      }
    };
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try {
      trust.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    trust.setCertificateEntry("ca", ca.certificate()); // mallory trusts our server, so only her certificate can fail
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(new KeyManager[] {always}, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** A client that trusts the API but presents no certificate. */
  SSLContext noCertificate() {
    return ClientTls.trusting(caPem);
  }

  /** Writes the PEM files of a client certificate as {@code <name>-cert.pem} and {@code <name>-key.pem}. */
  Path[] clientFiles(String cn, Role role) throws IOException {
    CertificateAuthority.Issued issued = ca.issueClient(cn, role, DAY);
    Path cert = dir.resolve(cn + "-cert.pem");
    Path key = dir.resolve(cn + "-key.pem");
    Pem.writeCertificates(cert, List.of(issued.certificate()));
    Pem.writePrivateKey(key, issued.key());
    return new Path[] {cert, key};
  }

  /** A file only its owner can read. */
  Path privateFile(String name, String... lines) throws IOException {
    Path f = dir.resolve(name);
    Files.deleteIfExists(f);
    Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(f, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return f;
  }

  private SSLContext client(CertificateAuthority.Issued issued, String name) throws IOException {
    Path cert = dir.resolve(name + "-cert.pem");
    Path key = dir.resolve(name + "-key.pem");
    Pem.writeCertificates(cert, List.of(issued.certificate()));
    Pem.writePrivateKey(key, issued.key());
    return ClientTls.of(caPem, cert, key);
  }
}
