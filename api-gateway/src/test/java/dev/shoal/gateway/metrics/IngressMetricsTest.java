package dev.shoal.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** The interface ingress reports through: per service, bounded labels, series gone with the service. */
class IngressMetricsTest {
  @Test
  void requestsErrorsAndConnectionsPerService() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    IngressMetrics ingress = new IngressMetrics(registry);
    ingress.request("web", 200, 2_000_000);
    ingress.request("web", 204, 1_000_000);
    ingress.request("web", 502, 1_000_000);
    ingress.error("web", "connect_failed");
    ingress.connectionOpened("web");
    ingress.connectionOpened("web");
    ingress.connectionClosed("web");
    String text = registry.scrape();
    assertThat(text).contains("shoal_gateway_ingress_requests_seconds_count{service=\"web\",status=\"2xx\"} 2")
        .contains("shoal_gateway_ingress_requests_seconds_count{service=\"web\",status=\"5xx\"} 1")
        .contains("shoal_gateway_ingress_errors_total{reason=\"connect_failed\",service=\"web\"} 1.0")
        .contains("shoal_gateway_ingress_connections{service=\"web\"} 1.0");

    ingress.forget("web");
    assertThat(registry.scrape()).doesNotContain("service=\"web\"");
    ingress.connectionOpened("web");
    assertThat(registry.scrape()).as("published again, counted afresh")
        .contains("shoal_gateway_ingress_connections{service=\"web\"} 1.0");
  }
}
