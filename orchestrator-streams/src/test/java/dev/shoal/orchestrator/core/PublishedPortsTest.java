package dev.shoal.orchestrator.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class PublishedPortsTest {
  private static Service service(String name, String ports) {
    ServiceSpec spec = Fixtures.spec("{\"name\":\"" + name + "\",\"command\":[\"true\"],\"ports\":" + ports + "}");
    return new Service("id-" + name, name, 1, spec, null, null, 0, 0);
  }

  private static ServiceSpec spec(String name, String ports) {
    return service(name, ports).spec();
  }

  @Test
  void anIngressPortHeldByAnotherServiceIsNamedWithItsHolder() {
    List<Service> cluster = List.of(service("api", "[{\"target\":80,\"published\":8080}]"));
    assertThat(PublishedPorts.conflict(spec("web", "[{\"target\":8000,\"published\":8080}]"), cluster))
        .hasValue("published port 8080/tcp is already published by service api: an ingress port is one per cluster");
  }

  @Test
  void ingressAndHostModeOfOneNumberClashEitherWay() {
    List<Service> host = List.of(service("api", "[{\"target\":80,\"published\":8080,\"mode\":\"host\"}]"));
    assertThat(PublishedPorts.conflict(spec("web", "[{\"target\":80,\"published\":8080}]"), host))
        .get().asString().contains("service api (mode host)");
    List<Service> ingress = List.of(service("api", "[{\"target\":80,\"published\":8080}]"));
    assertThat(PublishedPorts.conflict(spec("web", "[{\"target\":80,\"published\":8080,\"mode\":\"host\"}]"), ingress))
        .isPresent();
  }

  @Test
  void whatDoesNotClash() {
    List<Service> cluster = List.of(
        service("api", "[{\"target\":80,\"published\":8080,\"mode\":\"host\"},{\"target\":53,\"published\":53,"
            + "\"protocol\":\"udp\",\"mode\":\"host\"}]"),
        service("web", "[{\"target\":80,\"published\":9090},{\"target\":81}]"));
    // host beside host (the scheduler keeps them apart), another protocol, another number, the service itself
    assertThat(PublishedPorts.conflict(spec("db", "[{\"target\":80,\"published\":8080,\"mode\":\"host\"}]"), cluster))
        .isEmpty();
    assertThat(PublishedPorts.conflict(spec("dns", "[{\"target\":53,\"published\":53}]"), cluster)).isEmpty();
    assertThat(PublishedPorts.conflict(spec("WEB", "[{\"target\":80,\"published\":9090}]"), cluster)).isEmpty();
    assertThat(PublishedPorts.conflict(spec("x", "[{\"target\":80}]"), cluster)).isEmpty();
    assertThat(PublishedPorts.conflict(spec("y", "[]"), cluster)).isEmpty();
  }
}
