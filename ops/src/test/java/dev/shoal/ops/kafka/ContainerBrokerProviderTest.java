package dev.shoal.ops.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.kafka.SharedBroker;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** {@code -Dshoal.test.broker=container} finds its provider on the ops test class path. */
class ContainerBrokerProviderTest {
  @Test
  void theContainerKindIsProvided() {
    assertThat(ServiceLoader.load(SharedBroker.Provider.class).stream().map(p -> p.get().name()))
        .containsExactly("container");
  }
}
