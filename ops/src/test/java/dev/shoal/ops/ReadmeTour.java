package dev.shoal.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's tour as commands a shell runs one by one: the {@code sh} block of "A short tour", the
 * Kafka one ({@code kcat}) and the docker CLI one ({@code export DOCKER_HOST}), read from README.md
 * itself so that a test of them fails when the README changes under it.
 *
 * <p>A command is a line, with the lines a trailing backslash continues and the body of a here
 * document. Comment lines are the reader's, except one that follows a command and starts with
 * {@code {} or {@code [}: that is the output the README promises, kept with the command.
 */
final class ReadmeTour {
  /** One command as the README gives it, and the output it promises (null when it promises none). */
  record Command(String text, String promisedOutput) {}

  private static final Pattern SH_BLOCK = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern HEREDOC = Pattern.compile("<<-?'?([A-Za-z_]+)'?");
  private static final Pattern READY_LINE = Pattern.compile("it prints `([^`]+)`");

  final String readyLine;
  final List<Command> tour;
  final List<Command> kafka;
  final List<Command> docker;

  private ReadmeTour(String readyLine, List<Command> tour, List<Command> kafka, List<Command> docker) {
    this.readyLine = readyLine;
    this.tour = tour;
    this.kafka = kafka;
    this.docker = docker;
  }

  /** README.md of the repository: failsafe runs in {@code ops/}, an IDE may run in the root. */
  static Path readme() {
    for (Path p : List.of(Path.of("..", "README.md"), Path.of("README.md"))) {
      if (Files.isRegularFile(p) && text(p).contains("## A short tour")) {
        return p.toAbsolutePath().normalize();
      }
    }
    throw new IllegalStateException("no README.md with \"## A short tour\" in " + Path.of("").toAbsolutePath() + " or above");
  }

  static ReadmeTour read(Path readme) {
    return parse(text(readme).replace("\r\n", "\n"));
  }

  static ReadmeTour parse(String markdown) {
    int start = markdown.indexOf("## A short tour");
    if (start < 0) {
      throw new IllegalStateException("the README has no \"## A short tour\" section");
    }
    String fromTour = markdown.substring(start);
    Matcher ready = READY_LINE.matcher(fromTour);
    if (!ready.find()) {
      throw new IllegalStateException("the tour does not say what shoal dev prints when ready (\"it prints `...`\")");
    }
    List<String> blocks = new ArrayList<>();
    Matcher m = SH_BLOCK.matcher(fromTour);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    if (blocks.isEmpty()) {
      throw new IllegalStateException("the tour has no sh block");
    }
    return new ReadmeTour(ready.group(1), commands(blocks.get(0)),
        commands(firstContaining(blocks, "kcat ")), commands(firstContaining(blocks, "export DOCKER_HOST=")));
  }

  private static String firstContaining(List<String> blocks, String marker) {
    return blocks.stream().filter(b -> b.contains(marker)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no sh block after the tour contains " + marker));
  }

  static List<Command> commands(String block) {
    List<Command> commands = new ArrayList<>();
    List<String> lines = block.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String trimmed = line.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (trimmed.startsWith("#")) {
        String comment = trimmed.substring(1).strip();
        boolean promise = comment.startsWith("{") || comment.startsWith("[");
        int last = commands.size() - 1;
        if (promise && last >= 0 && commands.get(last).promisedOutput() == null && lines.get(i - 1).strip().equals(lastLine(commands.get(last)))) {
          commands.set(last, new Command(commands.get(last).text(), comment));
        }
        continue;
      }
      StringBuilder text = new StringBuilder(line);
      while (line.endsWith("\\") && i + 1 < lines.size()) {
        line = lines.get(++i);
        text.append('\n').append(line);
      }
      Matcher heredoc = HEREDOC.matcher(text);
      if (heredoc.find() && !text.toString().contains("<<<")) {
        String end = heredoc.group(1);
        do {
          if (i + 1 >= lines.size()) {
            throw new IllegalStateException("here document without its end " + end + ": " + text);
          }
          line = lines.get(++i);
          text.append('\n').append(line);
        } while (!line.strip().equals(end));
      }
      commands.add(new Command(text.toString(), null));
    }
    return commands;
  }

  private static String lastLine(Command c) {
    List<String> lines = c.text().lines().toList();
    return lines.get(lines.size() - 1).strip();
  }

  private static String text(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
