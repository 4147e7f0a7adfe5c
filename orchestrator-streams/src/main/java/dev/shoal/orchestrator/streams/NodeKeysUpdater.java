package dev.shoal.orchestrator.streams;

import dev.shoal.schemas.Json;
import dev.shoal.schemas.Node;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global store {@value OrchestratorTopology#NODE_KEYS_STORE} (node id → recorded public key)
 * from {@code shoal.nodes}, so that liveness, which cannot read the control processor's stores, can
 * check heartbeat signatures. A global store is not in step with stream time; that is acceptable
 * here because it only validates input, and the control processor checks keys again itself.
 */
final class NodeKeysUpdater implements Processor<String, String, Void, Void> {
  private static final Logger LOG = LoggerFactory.getLogger(NodeKeysUpdater.class);
  private KeyValueStore<String, String> keys;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    keys = context.getStateStore(OrchestratorTopology.NODE_KEYS_STORE);
  }

  @Override
  public void process(Record<String, String> record) {
    if (record.key() == null) {
      return;
    }
    String key = null;
    if (record.value() != null) {
      try {
        key = Json.fromString(record.value(), Node.class).publicKey();
      } catch (RuntimeException e) {
        // Only the orchestrator writes this topic; an unreadable record must not stop the global thread.
        LOG.warn("unreadable node record {} on the nodes topic: {}", record.key(), JsonIntake.rootMessage(e));
        return;
      }
    }
    if (key == null) {
      keys.delete(record.key());
    } else {
      keys.put(record.key(), key);
    }
  }
}
