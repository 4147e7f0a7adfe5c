package dev.shoal.ops.kafka;

import dev.shoal.agent.PrivateFiles;
import dev.shoal.ops.UsageException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * {@code --kafka-config FILE}: Kafka client properties (Java properties format) given to every Kafka
 * client a component makes — producers, consumers, admin clients and Kafka Streams — for
 * security ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}) or any other setting. They
 * override the component's own settings, except {@code bootstrap.servers}, which only
 * {@code --bootstrap-servers} gives. A file holding a password or key, and a keystore it names,
 * must not be readable by group or others.
 */
public final class KafkaClientConfig {
  private KafkaClientConfig() {}

  /**
   * The properties of {@code file}, or none for null.
   *
   * @throws UsageException when the file is missing, unreadable, names bootstrap servers, or holds a
   *     secret others can read
   */
  public static Map<String, String> load(Path file) {
    if (file == null) {
      return Map.of();
    }
    if (!Files.isRegularFile(file)) {
      throw new UsageException("--kafka-config " + file + " does not exist");
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException("cannot read --kafka-config " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> m = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).trim()));
    if (m.containsKey("bootstrap.servers")) {
      throw new UsageException("--kafka-config " + file + " sets bootstrap.servers; give it with --bootstrap-servers");
    }
    try {
      if (m.keySet().stream().anyMatch(KafkaClientConfig::secret)) {
        PrivateFiles.requirePrivate(file, "Kafka client config");
      }
      String keystore = m.get("ssl.keystore.location");
      if (keystore != null && Files.exists(Path.of(keystore))) {
        PrivateFiles.requirePrivate(Path.of(keystore), "keystore");
      }
    } catch (PrivateFiles.ExposedException e) {
      throw new UsageException(e.getMessage(), e);
    }
    return m;
  }

  /** The same, typed as Kafka's client factories take them. */
  public static Map<String, Object> loadObjects(Path file) {
    return new TreeMap<>(load(file));
  }

  private static boolean secret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.equals("ssl.keystore.key");
  }
}
