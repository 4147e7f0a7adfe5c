package dev.shoal.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ingress fields of a spec: {@code appProtocol}, the ingress labels, and what the validator refuses. */
class IngressLabelsTest {

  private static SpecValidator.Result validate(String ports, String labels) {
    return SpecValidator.validate("{\"name\":\"web\",\"command\":[\"true\"],\"ports\":" + ports
        + (labels == null ? "" : ",\"labels\":" + labels) + "}");
  }

  private static ServiceSpec valid(String ports, String labels) {
    SpecValidator.Result r = validate(ports, labels);
    assertThat(r.errors()).isEmpty();
    return r.spec();
  }

  @Test
  void appProtocolHttpMakesAnIngressPortSpeakHttp() {
    ServiceSpec s = valid("[{\"target\":80,\"published\":8080,\"appProtocol\":\"http\"},{\"target\":81,\"published\":8081}]",
        null);
    assertThat(s.ports().get(0).appProtocol()).isEqualTo("http");
    assertThat(IngressLabels.speaksHttp(s, s.ports().get(0))).isTrue();
    assertThat(IngressLabels.speaksHttp(s, s.ports().get(1))).isFalse();
    assertThat(IngressLabels.balance(s)).isEqualTo(IngressLabels.ROUND_ROBIN);
  }

  @Test
  void theHttpLabelNamesPortsOrAllOfThemAndAnExplicitAppProtocolWins() {
    ServiceSpec listed = valid("[{\"target\":80,\"published\":8080},{\"target\":81,\"published\":8081}]",
        "{\"shoal.ingress.http\":\"8081\"}");
    assertThat(IngressLabels.speaksHttp(listed, listed.ports().get(0))).isFalse();
    assertThat(IngressLabels.speaksHttp(listed, listed.ports().get(1))).isTrue();

    ServiceSpec all = valid("[{\"target\":80,\"published\":8080},{\"target\":81,\"published\":8081,\"appProtocol\":\"tcp\"}]",
        "{\"shoal.ingress.http\":\"true\",\"shoal.ingress.balance\":\"least-connections\"}");
    assertThat(IngressLabels.speaksHttp(all, all.ports().get(0))).isTrue();
    assertThat(IngressLabels.speaksHttp(all, all.ports().get(1))).isFalse();
    assertThat(IngressLabels.balance(all)).isEqualTo(IngressLabels.LEAST_CONNECTIONS);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "udp through the ingress   | [{\"target\":53,\"published\":5353,\"protocol\":\"udp\"}] | | published port 5353/udp: the ingress routes tcp only; publish udp with mode host",
      "appProtocol on host mode  | [{\"target\":80,\"published\":8080,\"mode\":\"host\",\"appProtocol\":\"http\"}] | | appProtocol of target port 80 applies only to a port published in ingress mode",
      "appProtocol, no published | [{\"target\":80,\"appProtocol\":\"http\"}] | | appProtocol of target port 80 applies only",
      "unknown appProtocol       | [{\"target\":80,\"published\":8080,\"appProtocol\":\"grpc\"}] | | $.ports[0].appProtocol",
      "unknown balance           | [{\"target\":80,\"published\":8080}] | {\"shoal.ingress.balance\":\"random\"} | shoal.ingress.balance: must be round-robin or least-connections, got \"random\"",
      "http label not a list     | [{\"target\":80,\"published\":8080}] | {\"shoal.ingress.http\":\"yes\"} | shoal.ingress.http: must be true or a comma-separated list of published ports",
      "http label, other port    | [{\"target\":80,\"published\":8080}] | {\"shoal.ingress.http\":\"8080,9090\"} | shoal.ingress.http: port 9090 is not published by this service in ingress mode",
  })
  void refusedWithAReason(String what, String ports, String labels, String expected) {
    List<String> errors = validate(ports, labels).errors();
    assertThat(errors).as(what).anyMatch(e -> e.contains(expected));
  }

  @Test
  void udpPublishedInHostModeStaysValid() {
    valid("[{\"target\":53,\"published\":5353,\"protocol\":\"udp\",\"mode\":\"host\"}]", null);
  }
}
