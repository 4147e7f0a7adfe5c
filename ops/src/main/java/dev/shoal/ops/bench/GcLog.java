package dev.shoal.ops.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap figures of a JVM's {@code -Xlog:gc} file: the most heap in use before any collection
 * (the peak the process reached, to within what it allocated after its last collection) and the
 * most still in use after one (the live set it kept). A run of a child JVM cannot be asked its heap
 * once it has exited; its GC log can.
 */
record GcLog(int collections, long peakBeforeBytes, long maxAfterBytes) {
  // "GC(12) Pause Young (Normal) (G1 Evacuation Pause) 52M->10M(256M) 3.456ms"
  private static final Pattern PAUSE = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

  static GcLog read(Path file) {
    try {
      return parse(Files.exists(file) ? Files.readAllLines(file) : List.of());
    } catch (IOException e) {
      return new GcLog(0, 0, 0);
    }
  }

  static GcLog parse(List<String> lines) {
    int n = 0;
    long peak = 0;
    long after = 0;
    for (String line : lines) {
      Matcher m = PAUSE.matcher(line);
      if (m.find()) {
        n++;
        peak = Math.max(peak, bytes(m.group(1), m.group(2)));
        after = Math.max(after, bytes(m.group(3), m.group(4)));
      }
    }
    return new GcLog(n, peak, after);
  }

  /** "peak 412 MB, live ≤ 58 MB (31 GCs)", or that no collection happened. */
  String text() {
    if (collections == 0) {
      return "no GC (heap never filled its initial size)";
    }
    return String.format(java.util.Locale.ROOT, "peak %d MB, after GC ≤ %d MB (%d GCs)", peakBeforeBytes >> 20,
        maxAfterBytes >> 20, collections);
  }

  private static long bytes(String n, String unit) {
    long v = Long.parseLong(n);
    return switch (unit) {
      case "K" -> v << 10;
      case "M" -> v << 20;
      default -> v << 30;
    };
  }
}
