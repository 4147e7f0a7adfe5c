package dev.shoal.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The spec schema's patterns are cheap on hostile input. A JSON Schema validator applies a
 * {@code pattern} whatever the string's length ({@code maxLength} is a separate check), and every
 * door validates specs, the orchestrator's stream thread included: a pattern that backtracks
 * (quadratic time on a 60 KB name) or recurses per repetition of a group (Java's engine; a stack
 * overflow kills the stream thread, and the replaced thread reads the same record again) stops
 * the control plane. Found by {@code FuzzIT}.
 */
class SchemaPatternsTest {
  /** Strings up to a spec's size, built from pieces that fit the patterns' character classes. */
  private static final List<String> PIECES = List.of("a", "a-", "a_", "a-_", "1s", "1.5s", "1", "1ms", "a:", "a.",
      "/", "A", "-", "0", " ", "SIG", "node.labels.a");

  @Test
  void everyPatternOfTheSchemaIsLinearAndShallowOnHostileInput() throws Exception {
    for (String regex : patterns(Json.MAPPER.readTree(SpecValidator.schemaText()), new ArrayList<>())) {
      Pattern p = Pattern.compile(regex);
      for (String piece : PIECES) {
        String body = piece.repeat(60_000 / piece.length());
        for (String input : List.of(body, body + "!")) {
          long start = System.nanoTime();
          Throwable failure = matchOnSmallStack(p, input);
          long millis = (System.nanoTime() - start) / 1_000_000;
          assertThat(failure).as("pattern %s on %d × \"%s\"", regex, input.length(), piece).isNull();
          assertThat(millis).as("pattern %s on %d × \"%s\" (ms)", regex, input.length(), piece).isLessThan(2_000);
        }
      }
    }
  }

  @Test
  void hostileSpecsAreRefusedQuicklyAndWithoutAnError() {
    String base = "{\"command\":[\"sleep\",\"1\"],";
    for (String spec : List.of(
        base + "\"name\":\"" + "a".repeat(60_000) + "!\"}",
        base + "\"name\":\"" + "a-".repeat(30_000) + "a\"}",
        base + "\"name\":\"x\",\"stopGracePeriod\":\"" + "1s".repeat(30_000) + "\"}",
        base + "\"name\":\"x\",\"restartPolicy\":{\"delay\":\"" + "1.5s".repeat(15_000) + "\"}}")) {
      long start = System.nanoTime();
      SpecValidator.Result r = SpecValidator.validate(spec);
      assertThat(r.valid()).isFalse();
      assertThat(r.code()).isEqualTo(RejectionCode.INVALID);
      assertThat((System.nanoTime() - start) / 1_000_000).as(r.message()).isLessThan(5_000);
    }
  }

  @Test
  void theNamePatternAcceptsExactlyWhatTheFormerOneDid() {
    // The former, backtracking form of Docker's rule: the same language, checked on every string of
    // up to six characters over an alphabet that covers each case.
    Pattern former = Pattern.compile("^[a-zA-Z0-9](?:[-_]*[a-zA-Z0-9]+)*$");
    List<String> all = new ArrayList<>(List.of(""));
    List<String> level = List.of("");
    for (int len = 1; len <= 6; len++) {
      List<String> next = new ArrayList<>();
      for (String s : level) {
        for (char c : "aZ0-_.".toCharArray()) {
          next.add(s + c);
        }
      }
      all.addAll(next);
      level = next;
    }
    for (String s : all) {
      assertThat(Identifiers.SERVICE_NAME.matcher(s).matches()).as("\"%s\"", s).isEqualTo(former.matcher(s).matches());
    }
  }

  @Test
  void durationsOfUpToThirtyTwoPartsStillMatch() {
    Pattern duration = Pattern.compile(durationPattern());
    for (String ok : List.of("0", "5s", "1h2m3.5s", "500ms", "1us", "1µs", "10ns", "1s".repeat(32))) {
      assertThat(duration.matcher(ok).find()).as(ok).isTrue();
    }
    for (String bad : List.of("", "5", "5 s", "-1s", "1.s", "1y", "s")) {
      assertThat(duration.matcher(bad).find()).as(bad).isFalse();
    }
  }

  private static String durationPattern() {
    try {
      return Json.MAPPER.readTree(SpecValidator.schemaText()).get("$defs").get("duration").get("pattern").asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Matches on a thread with a 512 KiB stack (less than a stream thread's): recursion must stay shallow. */
  private static Throwable matchOnSmallStack(Pattern p, String input) throws InterruptedException {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = new Thread(null, () -> {
      try {
        p.matcher(input).find();
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "pattern", 512 * 1024);
    t.setDaemon(true);
    t.start();
    t.join(30_000);
    if (t.isAlive()) {
      t.interrupt();
      return new AssertionError("still matching after 30 s");
    }
    return failure.get();
  }

  private static List<String> patterns(JsonNode node, List<String> out) {
    if (node.isObject()) {
      node.properties().forEach(e -> {
        if (e.getKey().equals("pattern") && e.getValue().isTextual()) {
          out.add(e.getValue().asText());
        } else {
          patterns(e.getValue(), out);
        }
      });
    } else if (node.isArray()) {
      node.forEach(n -> patterns(n, out));
    }
    return out;
  }
}
