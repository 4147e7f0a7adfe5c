package dev.shoal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's help renders as written. Picocli reads descriptions as format strings, so a bare
 * "%" makes it print a warning to stderr and show the raw text, once per rendering.
 */
class HelpTextTest {

  @Test
  void everyCommandsHelpRendersWithoutAWarning() {
    List<CommandLine> commands = new ArrayList<>();
    collect(Shoal.commandLine(), commands);
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      for (CommandLine command : commands) {
        assertThat(command.getUsageMessage()).isNotBlank();
      }
    } finally {
      System.setErr(stderr);
    }
    assertThat(commands).hasSizeGreaterThan(10);
    assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  private static void collect(CommandLine command, List<CommandLine> into) {
    into.add(command);
    command.getSubcommands().values().forEach(sub -> collect(sub, into));
  }
}
