package dev.shoal.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Parsing wrk 4.1's report, as Debian's wrk prints it. */
class WrkResultTest {
  private static final String REPORT = """
      Running 10s test @ http://127.0.0.1:8080/
        2 threads and 64 connections
        Thread Stats   Avg      Stdev     Max   +/- Stdev
          Latency     2.10ms    1.52ms  41.73ms   91.02%
          Req/Sec    16.21k     1.90k   21.09k    70.50%
        Latency Distribution
           50%  812.00us
           75%    2.35ms
           90%    3.41ms
           99%    1.02s
        322727 requests in 10.00s, 49.86MB read
        Socket errors: connect 0, read 3, write 0, timeout 2
        Non-2xx or 3xx responses: 7
      Requests/sec:  32260.45
      Transfer/sec:      4.98MB
      """;

  @Test
  void readsRateLatenciesInMillisecondsAndErrors() {
    WrkResult r = WrkResult.parse(REPORT);
    assertThat(r.requestsPerSecond()).isEqualTo(32260.45);
    assertThat(r.p50Millis()).isEqualTo(0.812);
    assertThat(r.p99Millis()).isEqualTo(1020.0);
    assertThat(r.requests()).isEqualTo(322727);
    assertThat(r.errors()).isEqualTo(12);
  }

  @Test
  void aReportWithoutTheLatencyDistributionIsRefused() {
    assertThatThrownBy(() -> WrkResult.parse(REPORT.replaceAll("(?m)^\\s+99%.*$", "")))
        .hasMessageContaining("no 99% latency");
  }
}
