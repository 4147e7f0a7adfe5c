package dev.shoal.gateway.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.gateway.Fixtures;
import dev.shoal.gateway.kafka.ReadModel;
import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.Service;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The read model as the ingress's source: its reads, and a call after each change of a service, task or node. */
class IngressSourceTest {
  @Test
  void aSubscriberHearsOfServiceTaskAndNodeChangesUntilItUnsubscribes() throws Exception {
    ReadModel model = new ReadModel();
    IngressSource source = IngressSource.of(model);
    AtomicInteger calls = new AtomicInteger();
    AutoCloseable subscription = source.subscribe(calls::incrementAndGet);

    Service web = IngressFixtures.httpService("web", 8080);
    model.putService(web.id(), web);
    model.putTask("t1", IngressFixtures.running(web, 1, 4001));
    model.putNode("node-1", Fixtures.node("node-1", "host-1"));
    model.addEvent(new ClusterEvent("service.created", "service", "web", "created", Map.of(), 1));
    assertThat(calls).hasValue(3);
    assertThat(source.services()).containsExactly(web);
    assertThat(source.tasksOfService(web.id())).hasSize(1);
    assertThat(source.node("node-1")).isPresent();

    model.removeTask("t1");
    assertThat(calls).hasValue(4);
    subscription.close();
    model.removeService(web.id());
    assertThat(calls).hasValue(4);
  }
}
