package dev.shoal.gateway.security;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for a Java client of the API, from the files Docker clients use ({@code DOCKER_CERT_PATH}
 * holds {@code ca.pem}, {@code cert.pem} and {@code key.pem}): trust the API's CA and, when given,
 * present a client certificate. For tools and tests; any HTTPS client that takes PEM files works.
 */
public final class ClientTls {
  private ClientTls() {}

  /** Trusts {@code ca} and presents {@code cert} with {@code key}. */
  public static SSLContext of(Path ca, Path cert, Path key) {
    return context(ca, Pem.certificates(cert), key);
  }

  /** Trusts {@code ca} and presents no certificate (bearer tokens, or to see the handshake refused). */
  public static SSLContext trusting(Path ca) {
    return context(ca, null, null);
  }

  /** The three files of a Docker cert path directory. */
  public static SSLContext ofDockerCertPath(Path dir) {
    return of(dir.resolve("ca.pem"), dir.resolve("cert.pem"), dir.resolve("key.pem"));
  }

  private static SSLContext context(Path ca, List<X509Certificate> chain, Path key) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      int i = 0;
      for (X509Certificate c : Pem.certificates(ca)) {
        trust.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (chain != null) {
        char[] password = "in-memory".toCharArray(); // the store never leaves this method
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", Pem.privateKey(key), password, chain.toArray(X509Certificate[]::new));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new SecurityConfigException("cannot make a TLS client context from " + ca + ": " + e.getMessage(), e);
    }
  }
}
