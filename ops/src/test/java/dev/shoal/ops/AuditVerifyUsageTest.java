package dev.shoal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code shoal audit verify}'s flags just over their limits are a one-line usage error (exit 2)
 * before it connects to anything: the bootstrap address below has no broker behind it.
 */
class AuditVerifyUsageTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--follow --interval 0s       | --interval must be positive and at most 1h, got 0s",
      "--follow --interval 1h1s     | --interval must be positive and at most 1h, got 1h1s",
      "--follow --interval 3601s    | --interval must be positive and at most 1h, got 3601s",
      "--max-shown -1               | --max-shown must be 0 or more, got -1"})
  void flagsJustOverTheirLimitsAreUsageErrors(String args, String reason) {
    StringWriter err = new StringWriter();
    CommandLine cmd = Shoal.commandLine();
    cmd.setErr(new PrintWriter(err, true));
    String[] argv = ("audit verify --bootstrap-servers 127.0.0.1:9 " + args.trim()).split("\\s+");
    int code = cmd.execute(argv);
    assertThat(code).as(err.toString()).isEqualTo(2);
    assertThat(err.toString()).contains(reason.trim());
  }
}
