package dev.shoal.gateway.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * A directory of TLS material laid out as Docker's documentation lays it out, so that
 * {@code DOCKER_CERT_PATH} can point at it: {@code ca.pem}, {@code cert.pem} and {@code key.pem}
 * for the client, {@code server-cert.pem} and {@code server-key.pem} for the API, and the CA's key
 * {@code ca-key.pem}. Keys are mode 600, the directory 700. Made once and reused; a missing or
 * nearly expired certificate is issued again from the same CA, so copies of the others stay valid.
 */
public final class DockerCertDirectory {
  public static final String CA = "ca.pem";
  public static final String CA_KEY = "ca-key.pem";
  public static final String SERVER_CERT = "server-cert.pem";
  public static final String SERVER_KEY = "server-key.pem";
  public static final String CLIENT_CERT = "cert.pem";
  public static final String CLIENT_KEY = "key.pem";
  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  static final Duration LEAF_VALIDITY = Duration.ofDays(825);
  /** A certificate this close to its end is replaced at the next start rather than let lapse in use. */
  static final Duration RENEW_BEFORE = Duration.ofDays(30);

  private DockerCertDirectory() {}

  /**
   * Makes what is missing in {@code dir}: a CA, a server certificate for {@code serverNames}, an
   * admin client certificate for {@code principal}.
   *
   * @return the API's settings to serve with it: TLS, client certificates required
   */
  public static ApiSecurity prepare(Path dir, String principal, List<String> serverNames) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    CertificateAuthority ca;
    if (Files.exists(dir.resolve(CA)) && Files.exists(dir.resolve(CA_KEY))) {
      ca = CertificateAuthority.load(dir.resolve(CA), dir.resolve(CA_KEY));
    } else {
      ca = CertificateAuthority.create("Shoal dev CA", CA_VALIDITY);
      Pem.writePrivateKey(dir.resolve(CA_KEY), ca.key());
      Pem.writeCertificates(dir.resolve(CA), List.of(ca.certificate()));
    }
    if (!current(ca, dir.resolve(SERVER_CERT), dir.resolve(SERVER_KEY))) {
      write(ca.issueServer(serverNames, LEAF_VALIDITY), dir.resolve(SERVER_CERT), dir.resolve(SERVER_KEY));
    }
    if (!current(ca, dir.resolve(CLIENT_CERT), dir.resolve(CLIENT_KEY))) {
      write(ca.issueClient(principal, Role.ADMIN, LEAF_VALIDITY), dir.resolve(CLIENT_CERT), dir.resolve(CLIENT_KEY));
    }
    return ApiSecurity.none().withTls(dir.resolve(CA), dir.resolve(SERVER_CERT), dir.resolve(SERVER_KEY), true);
  }

  private static void write(CertificateAuthority.Issued issued, Path cert, Path key) throws IOException {
    Pem.writePrivateKey(key, issued.key());
    Pem.writeCertificates(cert, List.of(issued.certificate()));
  }

  /** Whether the certificate exists, was issued by {@code ca} and stays valid a while longer. */
  private static boolean current(CertificateAuthority ca, Path cert, Path key) {
    if (!Files.exists(cert) || !Files.exists(key)) {
      return false;
    }
    try {
      X509Certificate c = Pem.certificates(cert).get(0);
      c.verify(ca.certificate().getPublicKey());
      c.checkValidity(Date.from(Instant.now().plus(RENEW_BEFORE)));
      return true;
    } catch (GeneralSecurityException | SecurityConfigException e) {
      return false;
    }
  }
}
