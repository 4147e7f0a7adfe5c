package dev.shoal.agent.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shoal.agent.runtime.ProcessRuntime;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.LogBatch;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipper over the real process runtime (real processes, real files), into a recording sink. */
class LogShipperTest {
  static final String NODE = "node1";
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;
  private ProcessRuntime runtime;
  private final RecordingSink sink = new RecordingSink();
  private final CountingCounters counters = new CountingCounters();
  private final List<LogShipper> shippers = new ArrayList<>();

  @BeforeEach
  void runtime() {
    runtime = new ProcessRuntime(dir.resolve("process"), "test-node");
  }

  @AfterEach
  void close() {
    shippers.forEach(LogShipper::close);
    runtime.close();
  }

  static Task task(String id, String script) {
    ServiceSpec spec = new ServiceSpec("web", null, List.of("sh", "-c", script), null, null, null, null, 1, null, null, null,
        null, null, null, null, null, null, null, "1s", null, null, null).withDefaults();
    return new Task(id, "svc-web", "web", 1, NODE, 1, spec, DesiredState.RUNNING, null, 1, 1);
  }

  private void run(Task t) throws Exception {
    runtime.prepare(t);
    runtime.start(t.id());
  }

  private LogShipper shipper(LogSettings settings, RecordingSink into) {
    LogShipper s = new LogShipper(NODE, List.of(runtime.outputs().orElseThrow()), into,
        new LogCursors(dir.resolve("logs")), settings, counters);
    shippers.add(s);
    return s.start();
  }

  private static List<String> numbered(String prefix, int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> prefix + i).toList();
  }

  @Test
  void aThousandLinesShipInOrderWithStdoutAndStderrApart() throws Exception {
    run(task("t1", "i=1; while [ $i -le 1000 ]; do echo \"line $i\"; i=$((i+1)); done; echo oops >&2; printf tail"));
    shipper(LogSettings.DEFAULTS, sink);

    await().atMost(WAIT).until(() -> sink.lines("t1").size() == 1002);
    List<String> expected = new ArrayList<>(numbered("line ", 1, 1000));
    expected.add("tail"); // the last line had no line feed: shipped once the task ended
    assertThat(sink.texts("t1", LogBatch.STDOUT)).containsExactlyElementsOf(expected);
    assertThat(sink.texts("t1", LogBatch.STDERR)).containsExactly("oops");
    assertThat(sink.raw("t1")).as("nothing was sent twice").hasSize(1002);
    assertThat(sink.lines("t1")).noneMatch(LogBatch.Line::isMarker);
    assertThat(counters.droppedLines.get()).isZero();
    await().atMost(WAIT).until(() -> counters.shipped.get() == 1002);
    // The cursor is saved on the shipper's thread just after the acknowledgement is counted: it may come a moment later.
    await().atMost(WAIT).untilAsserted(() -> assertThat(dir.resolve("logs/t1.json")).exists().content()
        .contains("\"stdout\"").contains("\"stderr\""));
  }

  @Test
  void aRestartedShipperGoesOnFromItsCursorNeitherLosingNorRepeatingLines() throws Exception {
    Path go = dir.resolve("go");
    run(task("t2", "i=1; while [ $i -le 300 ]; do echo \"a $i\"; i=$((i+1)); done; "
        + "while [ ! -e " + go + " ]; do sleep 0.05; done; i=1; while [ $i -le 300 ]; do echo \"b $i\"; i=$((i+1)); done"));
    // A short drain: the task is still running, so the first shipper would wait for its end otherwise.
    LogShipper first = shipper(LogSettings.DEFAULTS.withDrainTimeout(Duration.ofMillis(200)), sink);
    await().atMost(WAIT).until(() -> sink.lines("t2").size() == 300);
    first.close();

    Files.createFile(go);
    RecordingSink second = new RecordingSink();
    shipper(LogSettings.DEFAULTS, second);
    await().atMost(WAIT).until(() -> second.lines("t2").size() == 300);
    assertThat(second.raw("t2")).extracting(LogBatch.Line::text).containsExactlyElementsOf(numbered("b ", 1, 300));
    assertThat(sink.raw("t2")).extracting(LogBatch.Line::text).containsExactlyElementsOf(numbered("a ", 1, 300));
  }

  @Test
  void aBatchStoredWithoutAnAcknowledgementIsSentAgainAndReadOnce() throws Exception {
    sink.mode(RecordingSink.Mode.STORE_BUT_FAIL);
    Path go = dir.resolve("go");
    run(task("t3", "i=1; while [ $i -le 50 ]; do echo \"c $i\"; i=$((i+1)); done; "
        + "while [ ! -e " + go + " ]; do sleep 0.05; done; echo last"));
    shipper(LogSettings.DEFAULTS, sink);
    await().atMost(WAIT).until(() -> sink.failures() >= 2);
    sink.mode(RecordingSink.Mode.STORE);
    Files.createFile(go);

    List<String> expected = new ArrayList<>(numbered("c ", 1, 50));
    expected.add("last");
    await().atMost(WAIT).untilAsserted(() -> assertThat(sink.texts("t3", LogBatch.STDOUT)).containsExactlyElementsOf(expected));
    assertThat(sink.raw("t3").size()).as("sent more than once, read once").isGreaterThan(51);
    assertThat(counters.failedBatches.get()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void linesSentAgainAfterAFailureAreNotChargedToTheRateLimitAgain() throws Exception {
    // 60 lines fit a burst of 100 once; five failed sends would charge them 300 times over if retries counted
    LogSettings tight = LogSettings.DEFAULTS.withRates(100, 100, 1024 * 1024, 4 * 1024 * 1024);
    sink.mode(RecordingSink.Mode.REFUSE);
    run(task("t5", "i=1; while [ $i -le 60 ]; do echo \"e $i\"; i=$((i+1)); done"));
    shipper(tight, sink);
    await().atMost(WAIT).until(() -> sink.failures() >= 5);
    sink.mode(RecordingSink.Mode.STORE);

    await().atMost(WAIT).untilAsserted(() -> assertThat(sink.texts("t5", LogBatch.STDOUT))
        .containsExactlyElementsOf(numbered("e ", 1, 60)));
    assertThat(sink.lines("t5")).noneMatch(LogBatch.Line::isMarker);
    assertThat(counters.droppedLines.get()).isZero();
  }

  @Test
  void aChattyTaskIsRateLimitedAndEveryDroppedLineIsCountedAndMarked() throws Exception {
    LogSettings tight = LogSettings.DEFAULTS.withRates(100, 200, 1024 * 1024, 4 * 1024 * 1024);
    run(task("t4", "i=1; while [ $i -le 5000 ]; do echo \"d $i\"; i=$((i+1)); done"));
    shipper(tight, sink);

    await().atMost(WAIT).until(() -> counters.droppedLines.get() + ownLines(sink.lines("t4")) == 5000
        && sink.lines("t4").stream().anyMatch(LogBatch.Line::isMarker));
    List<LogBatch.Line> lines = sink.lines("t4");
    assertThat(ownLines(lines)).isBetween(200L, 1000L);
    LogBatch.Line marker = lines.stream().filter(LogBatch.Line::isMarker).findFirst().orElseThrow();
    assertThat(marker.text()).matches("… \\d+ lines dropped by rate limit \\(\\d+ bytes\\)");
    assertThat(marker.stream()).isEqualTo(LogBatch.STDOUT);
    // What got through is still in order, and starts with the burst.
    List<Integer> numbers = lines.stream().filter(l -> !l.isMarker()).map(l -> Integer.parseInt(l.text().substring(2)))
        .toList();
    assertThat(numbers).isSorted().startsWith(IntStream.rangeClosed(1, 200).boxed().toArray(Integer[]::new));
  }

  private static long ownLines(List<LogBatch.Line> lines) {
    return lines.stream().filter(l -> !l.isMarker()).count();
  }

  @Test
  void aLongLineIsCutAndSaysHowMuchItLost() throws Exception {
    run(task("t5", "head -c 5000 /dev/zero | tr '\\0' x; echo; echo short"));
    shipper(LogSettings.DEFAULTS.withMaxLineBytes(1000), sink);

    await().atMost(WAIT).until(() -> sink.lines("t5").size() == 2);
    assertThat(sink.texts("t5", LogBatch.STDOUT)).containsExactly("x".repeat(1000) + LogBatch.cutNote(4000), "short");
    assertThat(counters.cut.get()).isEqualTo(1);
  }

  @Test
  void outputFarBeyondWhatTheShipperReadsIsSkippedUnreadAndSaysSo() throws Exception {
    LogSettings small = new LogSettings(1_000, 10_000, 1024 * 1024, 4 * 1024 * 1024, 1024, Duration.ofMillis(100),
        16 * 1024, 64 * 1024, 64 * 1024, Duration.ofSeconds(1));
    run(task("t6", "yes 0123456789 | head -c 4000000; echo done >&2"));
    shipper(small, sink);

    await().atMost(WAIT).until(() -> sink.lines("t6").stream().anyMatch(l -> l.text().equals("done")));
    // A tick may skip stdout while it is still being written, then read "done": the rest is skipped at the next tick.
    await().atMost(WAIT).until(() -> counters.skippedBytes.get() > 3_000_000L);
    assertThat(sink.lines("t6")).anyMatch(l -> l.isMarker() && l.text().contains("bytes dropped by rate limit without reading"));
    // Every line is whole, except one the skip cut short: the shipper flushes it as it stands (the
    // rest was skipped unread), and the skip's marker comes right after it.
    List<LogBatch.Line> stdout = sink.lines("t6").stream().filter(l -> l.stream().equals(LogBatch.STDOUT)).toList();
    for (int i = 0; i < stdout.size(); i++) {
      LogBatch.Line l = stdout.get(i);
      if (l.isMarker() || l.text().equals("0123456789")) {
        continue;
      }
      assertThat("0123456789").as("a cut line is the start of a whole one").startsWith(l.text());
      assertThat(i + 1).as("a cut line is followed by the skip's marker").isLessThan(stdout.size());
      assertThat(stdout.get(i + 1).isMarker() && stdout.get(i + 1).text().contains("without reading"))
          .as("after the cut line %s comes %s", l, stdout.get(i + 1)).isTrue();
    }
  }
}
