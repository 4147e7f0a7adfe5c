package dev.shoal.agent;

import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.NodeSignatures;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.TaskStatusBatch;
import java.util.List;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How the node proves that what it sends is its own (DESIGN principle 6): an Ed25519 key pair made at
 * the agent's first start and kept in {@code <data dir>/node-key} (mode 600, refused when others can
 * read it), and a boot number in {@code <data dir>/boot} that grows with every start. Every heartbeat
 * and task status goes out with the boot, a sequence that grows with every send, and the node's
 * signature over all of it ({@link NodeSignatures}), so the orchestrator can refuse forgeries and
 * copies. The join proof is bound to the public key, which the orchestrator records when the node
 * joins; losing the key file means joining again as a new node.
 */
final class NodeSigner {
  static final String KEY_FILE = "node-key";
  static final String BOOT_FILE = "boot";

  private final KeyPair keys;
  private final String publicKey;
  private final long boot;
  private final AtomicLong statusSequence = new AtomicLong();

  private NodeSigner(KeyPair keys, long boot) {
    this.keys = keys;
    this.publicKey = NodeSignatures.encode(keys.getPublic());
    this.boot = boot;
  }

  /**
   * Loads the node key from {@code dataDir} (making it the first time) and counts this start.
   *
   * @throws PrivateFiles.ExposedException when the key file can be read by others
   */
  static NodeSigner start(Path dataDir) {
    return new NodeSigner(loadOrCreate(dataDir.resolve(KEY_FILE)), nextBoot(dataDir.resolve(BOOT_FILE)));
  }

  /** The node's public key, as recorded on its node and bound to its join proof. */
  String publicKey() {
    return publicKey;
  }

  long boot() {
    return boot;
  }

  /**
   * {@code hb} (its own sequence and send time set, and a chain's top, length and interval when it
   * anchors one) with this start's boot, the key and the signature over all of it.
   */
  NodeHeartbeat sign(NodeHeartbeat hb) {
    return NodeSignatures.sign(new NodeHeartbeat(hb.nodeId(), hb.sequence(), hb.description(), hb.runningTaskIds(),
        hb.timestamp(), hb.joinProof(), boot, publicKey, hb.chainTop(), hb.chainLength(), hb.chainIntervalMs(), null,
        null, null), keys.getPrivate());
  }

  /**
   * {@code s} with this start's boot, the next status sequence and the signature. Callers send in
   * the order they sign: the orchestrator refuses a status not after the last one applied to its task.
   */
  TaskStatus sign(TaskStatus s) {
    return NodeSignatures.sign(s.withOrder(boot, statusSequence.incrementAndGet()), keys.getPrivate());
  }

  /**
   * {@code statuses} as one batch from {@code nodeId}, with this start's boot, the next
   * {@code statuses.size()} status sequences (the first is the batch's) and one signature.
   */
  TaskStatusBatch sign(String nodeId, List<TaskStatus> statuses) {
    long first = statusSequence.getAndAdd(statuses.size()) + 1;
    return NodeSignatures.sign(TaskStatusBatch.of(nodeId, boot, first, statuses), keys.getPrivate());
  }

  static KeyPair loadOrCreate(Path file) {
    try {
      if (Files.exists(file)) {
        PrivateFiles.requirePrivate(file, "node key file");
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          p.load(in);
        }
        PrivateKey priv = KeyFactory.getInstance("Ed25519").generatePrivate(
            new PKCS8EncodedKeySpec(Base64.getDecoder().decode(p.getProperty("private", ""))));
        return new KeyPair(NodeSignatures.publicKey(p.getProperty("public")), priv);
      }
      KeyPair keys = NodeSignatures.newKeyPair();
      PrivateFiles.writePrivate(file, "# Shoal node key (Ed25519). Whoever holds it speaks for this node: keep it"
          + " private (mode 600).\n"
          + "public=" + NodeSignatures.encode(keys.getPublic()) + "\n"
          + "private=" + Base64.getEncoder().encodeToString(keys.getPrivate().getEncoded()) + "\n");
      return keys;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the node key file " + file, e);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("the node key file " + file + " is damaged (" + e.getMessage()
          + "); move it away to join as a new node", e);
    }
  }

  /** The number of this start: one more than the last, kept before the agent sends anything. */
  static long nextBoot(Path file) {
    try {
      long last = 0;
      if (Files.exists(file)) {
        String text = Files.readString(file, StandardCharsets.UTF_8).trim();
        try {
          last = Long.parseLong(text);
        } catch (NumberFormatException e) {
          throw new IllegalStateException(file + " should hold a number, not \"" + text + "\"", e);
        }
      }
      long boot = last + 1;
      Path tmp = file.resolveSibling(BOOT_FILE + ".tmp");
      Files.writeString(tmp, boot + "\n", StandardCharsets.UTF_8);
      // Kept on disk before any message carries it: a boot number used twice would let copies of the
      // earlier start's messages pass as new ones.
      try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return boot;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot count this start in " + file, e);
    }
  }
}
