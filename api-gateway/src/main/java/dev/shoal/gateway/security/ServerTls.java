package dev.shoal.gateway.security;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The API's HTTPS listener: Jetty's TLS with the PEM files of {@link ApiSecurity}, loaded into
 * in-memory key and trust stores (nothing is written). With {@code tlsVerify} the handshake asks
 * for a client certificate signed by the CA: it requires one (as dockerd) when certificates are
 * the only way in, and only asks when bearer tokens are accepted too. A certificate that does not
 * verify fails the handshake either way.
 */
final class ServerTls {
  private final SslContextFactory.Server factory;

  private ServerTls(SslContextFactory.Server factory) {
    this.factory = factory;
  }

  /**
   * Loads the PEM files now, so a bad one stops the gateway before it listens.
   *
   * @throws SecurityConfigException naming the file that cannot be used
   */
  static ServerTls load(ApiSecurity security) {
    List<X509Certificate> chain = Pem.certificates(security.tlsCert());
    PrivateKey key = Pem.privateKey(security.tlsKey());
    checkPair(key, chain.get(0), security);
    char[] password = HexFormat.of().formatHex(SecureRandom.getSeed(16)).toCharArray(); // guards nothing on disk
    SslContextFactory.Server f = new SslContextFactory.Server();
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("server", key, password, chain.toArray(X509Certificate[]::new));
      f.setKeyStore(keys);
      f.setKeyStorePassword(new String(password));
      f.setKeyManagerPassword(new String(password));
      if (security.tlsVerify()) {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (X509Certificate ca : Pem.certificates(security.tlsCa())) {
          trust.setCertificateEntry("ca-" + i++, ca);
        }
        f.setTrustStore(trust);
        if (security.tokensFile() == null) {
          f.setNeedClientAuth(true);
        } else {
          f.setWantClientAuth(true);
        }
      }
    } catch (GeneralSecurityException | IOException e) {
      throw new SecurityConfigException("the TLS key " + security.tlsKey() + " and certificate " + security.tlsCert()
          + " cannot be used together: " + e.getMessage(), e);
    }
    f.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    return new ServerTls(f);
  }

  /** Refuses a key that is not the certificate's: Jetty would start, and every handshake would fail. */
  private static void checkPair(PrivateKey key, X509Certificate cert, ApiSecurity security) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm(); // Ed25519, Ed448
    };
    byte[] probe = "shoal".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    boolean matches;
    try {
      Signature s = Signature.getInstance(algorithm);
      s.initSign(key);
      s.update(probe);
      byte[] signature = s.sign();
      s.initVerify(cert.getPublicKey());
      s.update(probe);
      matches = s.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new SecurityConfigException("the TLS key " + security.tlsKey() + " is not the key of the certificate "
          + security.tlsCert());
    }
  }

  /** A connector on {@code host:port} speaking HTTP/1.1 over TLS, with Javalin's HTTP settings. */
  ServerConnector connector(Server server, HttpConfiguration base, String host, int port) {
    HttpConfiguration https = new HttpConfiguration(base);
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    // Jetty would compare SNI with the certificate's names; the Host check covers names, and an
    // IP address in the URL sends no SNI at all.
    secure.setSniHostCheck(false);
    https.addCustomizer(secure);
    ServerConnector c = new ServerConnector(server, new SslConnectionFactory(factory, HttpVersion.HTTP_1_1.asString()),
        new HttpConnectionFactory(https));
    c.setHost(host);
    c.setPort(port);
    return c;
  }
}
