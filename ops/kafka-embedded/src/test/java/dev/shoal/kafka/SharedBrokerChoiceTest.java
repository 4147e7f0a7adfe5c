package dev.shoal.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shared test broker's kind comes from a system property; an unknown kind is refused, naming the known ones. */
class SharedBrokerChoiceTest {
  @AfterEach
  void clear() {
    System.clearProperty(SharedBroker.PROPERTY);
  }

  @Test
  void anUnknownKindIsRefusedWithTheKindsThisClassPathKnows() {
    System.setProperty(SharedBroker.PROPERTY, "zookeeper");
    assertThatThrownBy(KafkaBrokerExtension::startBroker).isInstanceOf(IllegalStateException.class)
        .hasMessage("shoal.test.broker=zookeeper: no such kind of test broker here (known: embedded)");
  }
}
