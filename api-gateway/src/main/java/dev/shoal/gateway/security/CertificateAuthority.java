package dev.shoal.gateway.security;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small certificate authority for the API's TLS, built on Bouncy Castle: it makes a self-signed
 * CA and issues server certificates (with the names clients connect to as subject alternative
 * names, which Go's TLS, and so the docker CLI, requires) and client certificates whose CN is the
 * principal and whose OU is the role ({@link CertificateIdentity}). Keys are ECDSA P-256, which
 * Java, Go and OpenSSL all accept. {@code shoal dev --tls} uses it; production clusters may use it
 * or any other CA that issues the same fields.
 */
public final class CertificateAuthority {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Certificates start an hour back, so a client whose clock is a little behind accepts them. */
  private static final Duration BACKDATE = Duration.ofHours(1);

  private final X509Certificate certificate;
  private final PrivateKey key;

  /** A certificate with its private key. */
  public record Issued(X509Certificate certificate, PrivateKey key) {}

  private CertificateAuthority(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** A new self-signed CA named {@code commonName}, valid for {@code validity}. */
  public static CertificateAuthority create(String commonName, Duration validity) {
    KeyPair pair = newKeyPair();
    X500Name name = x500("CN=" + commonName);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = builder(name, name, pair.getPublic(), validity)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new CertificateAuthority(sign(b, pair.getPrivate()), pair.getPrivate());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot make a CA certificate", e);
    }
  }

  /** The CA in a certificate file and its key file (PEM). */
  public static CertificateAuthority load(Path certificateFile, Path keyFile) {
    return new CertificateAuthority(Pem.certificates(certificateFile).get(0), Pem.privateKey(keyFile));
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public PrivateKey key() {
    return key;
  }

  /**
   * A server certificate for {@code names} (host names and IP addresses, all put in the subject
   * alternative names; the first is also the CN).
   */
  public Issued issueServer(List<String> names, Duration validity) {
    GeneralName[] sans = names.stream().map(n -> HostNames.isIpLiteral(n)
        ? new GeneralName(GeneralName.iPAddress, n.replace("[", "").replace("]", ""))
        : new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
    return issue("CN=" + names.get(0), KeyPurposeId.id_kp_serverAuth, new GeneralNames(sans), validity);
  }

  /** A client certificate for {@code principal} in {@code role} ({@code CN=principal, OU=role}). */
  public Issued issueClient(String principal, Role role, Duration validity) {
    return issueClient("CN=" + principal + ",OU=" + role.id(), validity);
  }

  /** A client certificate with any subject ({@code CN=alice,OU=deployer}), as other CAs may issue. */
  public Issued issueClient(String subject, Duration validity) {
    return issue(subject, KeyPurposeId.id_kp_clientAuth, null, validity);
  }

  private Issued issue(String subject, KeyPurposeId purpose, GeneralNames sans, Duration validity) {
    KeyPair pair = newKeyPair();
    X500Name issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    X500Name name = x500(subject);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = builder(issuer, name, pair.getPublic(), validity)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
      if (sans != null) {
        b.addExtension(Extension.subjectAlternativeName, false, sans);
      }
      return new Issued(sign(b, key), pair.getPrivate());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot issue a certificate for " + subject, e);
    }
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey publicKey, Duration validity) {
    Instant now = Instant.now();
    BigInteger serial = new BigInteger(127, RANDOM).add(BigInteger.ONE);
    return new JcaX509v3CertificateBuilder(issuer, serial, Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)),
        subject, publicKey);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws GeneralSecurityException {
    String algorithm = signer.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    try {
      return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(algorithm).build(signer)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /** The JDK parses the name, so the DER is what Java itself would write for it. */
  private static X500Name x500(String rfc2253) {
    return X500Name.getInstance(new X500Principal(rfc2253).getEncoded());
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot make P-256 keys", e);
    }
  }
}
