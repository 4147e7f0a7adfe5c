package dev.shoal.gateway.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM files as Docker, OpenSSL and Go read and write them: certificates ({@code CERTIFICATE}
 * blocks, a chain leaf first) and unencrypted private keys (PKCS#8 {@code PRIVATE KEY}, PKCS#1
 * {@code RSA PRIVATE KEY} or SEC1 {@code EC PRIVATE KEY}). Keys are written PKCS#8, readable by the
 * owner only.
 */
public final class Pem {
  private Pem() {}

  /** Every certificate in a PEM file, in file order. */
  public static List<X509Certificate> certificates(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(X509Certificate.class::cast).toList();
      if (certs.isEmpty()) {
        throw new SecurityConfigException(file + " holds no PEM certificate");
      }
      return certs;
    } catch (IOException e) {
      throw new SecurityConfigException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (CertificateException e) {
      throw new SecurityConfigException(file + " is not a PEM certificate file: " + e.getMessage(), e);
    }
  }

  /** The private key in a PEM file. */
  public static PrivateKey privateKey(Path file) {
    Object o;
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
      o = parser.readObject();
    } catch (IOException e) {
      throw new SecurityConfigException("cannot read the private key " + file + ": " + e.getMessage(), e);
    }
    try {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
    } catch (IOException e) {
      throw new SecurityConfigException("the private key " + file + " cannot be used: " + e.getMessage(), e);
    }
    if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
      throw new SecurityConfigException("the private key " + file + " is encrypted; give an unencrypted one"
          + " (openssl pkey -in " + file + " -out key.pem) and protect it with file permissions");
    }
    throw new SecurityConfigException(file + " holds no PEM private key");
  }

  /** Writes certificates, readable by all (mode 644). */
  public static void writeCertificates(Path file, List<X509Certificate> certs) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      for (X509Certificate c : certs) {
        w.writeObject(c);
      }
    }
    write(file, out.toString(), "rw-r--r--");
  }

  /** Writes a private key as PKCS#8, readable by the owner only (mode 600) from the first byte on. */
  public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(new JcaPKCS8Generator(key, null));
    }
    write(file, out.toString(), "rw-------");
  }

  /** A temporary file created with its final mode, then moved over the target: never a moment world-readable. */
  private static void write(Path file, String text, String mode) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
    try {
      Files.writeString(tmp, text, StandardCharsets.US_ASCII);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
