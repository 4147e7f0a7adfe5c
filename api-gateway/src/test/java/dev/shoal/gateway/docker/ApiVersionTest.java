package dev.shoal.gateway.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.gateway.ApiException;
import org.junit.jupiter.api.Test;

class ApiVersionTest {
  @Test
  void versionsCompareNumericallyNotAsText() {
    assertThat(ApiVersion.parse("1.9")).isLessThan(ApiVersion.parse("1.41"));
    assertThat(ApiVersion.parse("1.41")).isEqualByComparingTo(ApiVersion.MAX);
  }

  @Test
  void aVersionAboveTheMaximumGetsTheEnginesMessage() {
    // 94-raw-curl-probes: GET /v1.99/version
    assertThatThrownBy(() -> ApiVersion.requireSupported("1.99"))
        .isInstanceOf(ApiException.class)
        .hasMessage("client version 1.99 is too new. Maximum supported API version is 1.41")
        .extracting(e -> ((ApiException) e).status()).isEqualTo(400);
  }

  @Test
  void aVersionBelowSwarmServicesIsRefused() {
    assertThatThrownBy(() -> ApiVersion.requireSupported("1.12"))
        .hasMessageStartingWith("client version 1.12 is too old. Minimum supported API version is 1.24");
  }

  @Test
  void everyVersionTheCliMayNegotiateIsServed() {
    for (String v : new String[] {"1.24", "1.30", "1.40", "1.41"}) {
      assertThat(ApiVersion.requireSupported(v)).hasToString(v);
    }
  }

  @Test
  void shoalsRestPrefixIsNotAnApiVersion() {
    assertThat(ApiVersion.isVersionSegment("v1.41")).isTrue();
    assertThat(ApiVersion.isVersionSegment("v1")).isFalse();
    assertThat(ApiVersion.isVersionSegment("version")).isFalse();
    assertThat(ApiVersion.isVersionSegment("1.41")).isFalse();
  }
}
