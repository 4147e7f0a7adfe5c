package dev.shoal.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small certificate authority for an authenticated embedded broker: a CA, the broker's certificate
 * (for 127.0.0.1 and localhost) and one client certificate per principal, as PKCS12 stores with
 * random passwords, in a directory only the owner can read. The principal of a client certificate is
 * its common name ({@code CN=orchestrator} is {@code User:orchestrator}, the same name as its SCRAM
 * user), so one set of ACLs serves both ways of logging in.
 *
 * <p>Made with BouncyCastle (certificate building only; keys and stores are the JDK's). Reused as it
 * is when the directory already holds a CA, so a restarted broker keeps its clients' certificates.
 * Certificates last ten years: this is for development and tests; production brings its own PKI.
 */
public final class KafkaPki {
  static final String CA_FILE = "ca.p12";
  static final String TRUSTSTORE_FILE = "truststore.p12";
  private static final String PASSWORD_FILE = "store-password";
  private static final Duration VALIDITY = Duration.ofDays(3650);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final char[] password;
  private final KeyPair caKeys;
  private final X509Certificate caCert;

  private KafkaPki(Path dir, char[] password, KeyPair caKeys, X509Certificate caCert) {
    this.dir = dir;
    this.password = password;
    this.caKeys = caKeys;
    this.caCert = caCert;
  }

  /** The CA in {@code dir}, made (with its truststore) the first time. */
  public static KafkaPki openOrCreate(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      Path ca = dir.resolve(CA_FILE);
      if (Files.exists(ca)) {
        char[] password = Files.readString(dir.resolve(PASSWORD_FILE)).trim().toCharArray();
        KeyStore store = load(ca, password);
        X509Certificate cert = (X509Certificate) store.getCertificate("ca");
        PrivateKey key = (PrivateKey) store.getKey("ca", password);
        return new KafkaPki(dir, password, new KeyPair(cert.getPublicKey(), key), cert);
      }
      char[] password = HexFormat.of().formatHex(random(16)).toCharArray();
      writePrivate(dir.resolve(PASSWORD_FILE), new String(password) + "\n");
      KeyPair keys = newKeys();
      X500Name name = new X500Name("CN=Shoal Kafka CA");
      X509v3CertificateBuilder b = builder(name, name, keys);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate cert = sign(b, keys.getPrivate());
      KafkaPki pki = new KafkaPki(dir, password, keys, cert);
      pki.store(ca, "ca", keys.getPrivate(), cert);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", cert);
      pki.save(trust, dir.resolve(TRUSTSTORE_FILE));
      return pki;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make or read the certificates in " + dir, e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make or read the certificates in " + dir, e);
    }
  }

  /** The password of every store here (kept in {@code store-password}, mode 600). */
  public String password() {
    return new String(password);
  }

  /** The truststore clients and the broker use: the CA's certificate. */
  public Path truststore() {
    return dir.resolve(TRUSTSTORE_FILE);
  }

  /**
   * The keystore of {@code name} ({@code CN=name}), made the first time. A broker's certificate also
   * names 127.0.0.1 and localhost, which clients check.
   */
  public Path keystore(String name, boolean broker) {
    Path file = dir.resolve(name + ".p12");
    if (Files.exists(file)) {
      return file;
    }
    try {
      KeyPair keys = newKeys();
      X509v3CertificateBuilder b = builder(new X500Name("CN=Shoal Kafka CA"), new X500Name("CN=" + name), keys);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      b.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      if (broker) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
      }
      store(file, name, keys.getPrivate(), sign(b, caKeys.getPrivate()), caCert);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make the certificate of " + name, e);
    }
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
        Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)), subject, keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException {
    ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
    return new JcaX509CertificateConverter().getCertificate(b.build(signer));
  }

  private static KeyPair newKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private void store(Path file, String alias, PrivateKey key, Certificate... chain)
      throws GeneralSecurityException, IOException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry(alias, key, password, chain);
    save(ks, file);
  }

  private void save(KeyStore ks, Path file) throws GeneralSecurityException, IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (OutputStream out = Files.newOutputStream(tmp)) {
      ks.store(out, password);
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static KeyStore load(Path file, char[] password) throws GeneralSecurityException, IOException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, password);
    }
    return ks;
  }

  static void writePrivate(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, text);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  static byte[] random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return b;
  }
}
