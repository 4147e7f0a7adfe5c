package dev.shoal.schemas;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;

/** One topic of the catalogue: its name, its key and value serdes, partitions and configs. */
public record TopicSpec<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions,
                              Map<String, String> configs) {}
