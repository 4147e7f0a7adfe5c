package dev.shoal.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * The client side of an authenticated {@link EmbeddedKafka}: for each user, a SCRAM credential on the
 * broker (random password) and a client certificate ({@link KafkaPki}), and a Kafka client properties
 * file per way of logging in, {@code <dir>/<user>.properties} (SCRAM over TLS, or mTLS when that is the
 * broker's only way) and {@code <dir>/<user>-mtls.properties}, mode 600: what {@code --kafka-config}
 * takes. Files and passwords are reused across restarts.
 */
final class BrokerAccounts {
  private static final int SCRAM_ITERATIONS = 8192;

  private final Path dir;
  private final KafkaPki pki;

  BrokerAccounts(Path dir, KafkaPki pki) {
    this.dir = dir;
    this.pki = pki;
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make " + dir, e);
    }
  }

  /** Creates (or re-asserts) the users' SCRAM credentials through {@code admin}, a super user's client. */
  void provisionScram(Admin admin, List<String> users) throws Exception {
    List<org.apache.kafka.clients.admin.UserScramCredentialAlteration> upserts = users.stream()
        .map(u -> (org.apache.kafka.clients.admin.UserScramCredentialAlteration) new UserScramCredentialUpsertion(u,
            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), password(u)))
        .toList();
    admin.alterUserScramCredentials(upserts).all().get(60, TimeUnit.SECONDS);
  }

  /** The SCRAM client settings of {@code user} (no bootstrap servers). */
  Map<String, Object> scram(String user) {
    Map<String, Object> m = tls();
    m.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
    m.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
    m.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user + "\" password=\"" + password(user) + "\";");
    return m;
  }

  /** The mTLS client settings of {@code user}: its certificate, {@code CN=user}. */
  Map<String, Object> mtls(String user) {
    Map<String, Object> m = tls();
    m.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
    m.putAll(keystore(pki.keystore(user, false)));
    return m;
  }

  /** The broker's own certificate, as a client of itself (inter-broker, controller, provisioning). */
  Map<String, Object> broker() {
    Map<String, Object> m = tls();
    m.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
    m.putAll(keystore(pki.keystore(EmbeddedKafka.BROKER_USER, true)));
    return m;
  }

  Map<String, Object> keystore(Path file) {
    Map<String, Object> m = new TreeMap<>();
    m.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, file.toString());
    m.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
    m.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, pki.password());
    m.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, pki.password());
    return m;
  }

  private Map<String, Object> tls() {
    Map<String, Object> m = new TreeMap<>();
    m.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, pki.truststore().toString());
    m.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
    m.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, pki.password());
    return m;
  }

  /** Writes {@code settings} as {@code <dir>/<name>.properties} (mode 600) and returns the file. */
  Path write(String name, Map<String, Object> settings) {
    Path file = dir.resolve(name + ".properties");
    Properties p = new Properties();
    settings.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
    try {
      Files.createDirectories(dir);
      java.io.StringWriter text = new java.io.StringWriter();
      p.store(text, "Kafka client settings of " + name + " for the Shoal embedded broker: pass with --kafka-config."
          + " Holds a password: keep it private.");
      KafkaPki.writePrivate(file, text.toString());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private String password(String user) {
    Path file = dir.resolve(user + ".password");
    try {
      if (Files.exists(file)) {
        return Files.readString(file).trim();
      }
      Files.createDirectories(dir);
      String password = HexFormat.of().formatHex(KafkaPki.random(24));
      KafkaPki.writePrivate(file, password + "\n");
      return password;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + file, e);
    }
  }

}
