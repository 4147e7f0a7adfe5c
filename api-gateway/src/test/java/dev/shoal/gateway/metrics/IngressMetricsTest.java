package dev.shoal.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.gateway.metrics.IngressMetrics.Connections;
import dev.shoal.gateway.metrics.IngressMetrics.Reason;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** The interface ingress reports through: per service, bounded labels, series gone with the service. */
class IngressMetricsTest {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final IngressMetrics ingress = new IngressMetrics(registry);

  @Test
  void requestsErrorsRetriesAndConnectionsPerService() {
    ingress.publish("web");
    assertThat(registry.scrape()).as("a published service shows zeros before any traffic")
        .contains("shoal_gateway_ingress_connections{service=\"web\"} 0.0")
        .contains("shoal_gateway_ingress_retries_total{service=\"web\"} 0.0");
    ingress.request("web", 200, 2_000_000);
    ingress.request("web", 204, 1_000_000);
    ingress.request("web", 502, 1_000_000);
    ingress.request("web", 999, 1_000_000);
    ingress.error("web", Reason.CONNECT_FAILED);
    ingress.error("web", Reason.NO_TASK);
    ingress.error("web", Reason.NO_TASK);
    ingress.retried("web");
    Connections web = ingress.connections("web");
    web.opened();
    web.opened();
    web.closed();
    String text = registry.scrape();
    assertThat(text).contains("shoal_gateway_ingress_requests_seconds_count{service=\"web\",status=\"2xx\"} 2")
        .contains("shoal_gateway_ingress_requests_seconds_sum{service=\"web\",status=\"2xx\"} 0.003")
        .contains("shoal_gateway_ingress_requests_seconds_bucket{service=\"web\",status=\"2xx\",le=\"0.001\"} 1")
        .contains("shoal_gateway_ingress_requests_seconds_count{service=\"web\",status=\"5xx\"} 1")
        .contains("shoal_gateway_ingress_requests_seconds_count{service=\"web\",status=\"other\"} 1")
        .contains("shoal_gateway_ingress_errors_total{reason=\"connect_failed\",service=\"web\"} 1.0")
        .contains("shoal_gateway_ingress_errors_total{reason=\"no_task\",service=\"web\"} 2.0")
        .contains("shoal_gateway_ingress_retries_total{service=\"web\"} 1.0")
        .contains("shoal_gateway_ingress_connections{service=\"web\"} 1.0");
  }

  @Test
  void aForgottenServiceLeavesNoSeriesAndLateEventsDoNotBringThemBack() {
    ingress.publish("web");
    ingress.publish("api");
    ingress.request("web", 200, 1_000_000);
    ingress.request("api", 200, 1_000_000);
    Connections before = ingress.connections("web");
    before.opened();

    ingress.forget("web");
    ingress.request("web", 200, 1_000_000);
    ingress.error("web", Reason.TIMEOUT);
    assertThat(registry.scrape()).doesNotContain("service=\"web\"")
        .as("another service keeps its series")
        .contains("shoal_gateway_ingress_requests_seconds_count{service=\"api\",status=\"2xx\"} 1");

    ingress.publish("web");
    ingress.connections("web").opened();
    before.closed(); // a connection of the first publication, closing late
    assertThat(registry.scrape()).as("published again, counted afresh")
        .contains("shoal_gateway_ingress_connections{service=\"web\"} 1.0")
        .doesNotContain("shoal_gateway_ingress_requests_seconds_count{service=\"web\"");
  }

  @Test
  void aServiceNeverPublishedIsNotMetered() {
    ingress.request("ghost", 200, 1_000_000);
    ingress.error("ghost", Reason.NO_TASK);
    ingress.connections("ghost").opened();
    assertThat(registry.scrape()).doesNotContain("ghost");
  }
}
