package dev.shoal.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchReadCommandTest {
  @Test
  void printsBothRecordsBothWays() {
    PrintStream before = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      code = new CommandLine(new BenchReadCommand()).execute("--rounds", "1", "--records", "200");
    } finally {
      System.setOut(before);
    }
    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("[read] ")))
        .hasSize(2)
        .allMatch(l -> l.matches(".*as input \\d+\\.\\d\\d µs, as an own record \\d+\\.\\d\\d µs \\(.*\\);"
            + " 5,000 records with specs new to the reader, in turn: as input \\d+\\.\\d\\d µs, as own records"
            + " \\d+\\.\\d\\d µs;.*"));
  }

  @Test
  void refusesNoRounds() {
    assertThat(new CommandLine(new BenchReadCommand()).execute("--rounds", "0")).isNotZero();
  }
}
