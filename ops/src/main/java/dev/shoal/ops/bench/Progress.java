package dev.shoal.ops.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Placed and running tasks over time, sampled by a benchmark: rates, the summary, a chart. */
final class Progress {
  private record Sample(double seconds, long placed, long running) {}

  private final List<Sample> samples = new ArrayList<>();

  void add(double seconds, long placed, long running) {
    samples.add(new Sample(seconds, placed, running));
  }

  /** Seconds until {@code count} tasks were placed, or null. */
  Double allPlacedAt(long count) {
    return samples.stream().filter(s -> s.placed >= count).map(Sample::seconds).findFirst().orElse(null);
  }

  /** Seconds until {@code count} tasks were running, or null. */
  Double allRunningAt(long count) {
    return samples.stream().filter(s -> s.running >= count).map(Sample::seconds).findFirst().orElse(null);
  }

  /** The best placement rate over any window of consecutive samples one second or more apart. */
  double peakPlacementRate() {
    double best = 0;
    for (int i = 1; i < samples.size(); i++) {
      Sample a = samples.get(i - 1);
      Sample b = samples.get(i);
      if (b.seconds > a.seconds) {
        best = Math.max(best, (b.placed - a.placed) / (b.seconds - a.seconds));
      }
    }
    return best;
  }

  String summary(long tasks) {
    Double placed = allPlacedAt(tasks);
    Double running = allRunningAt(tasks);
    return String.format(Locale.ROOT, "[scale] %d tasks: all placed after %s s, all running after %s s; placement"
        + " %s tasks/s on average, %.0f tasks/s at peak (1 s samples)", tasks, fmt(placed), fmt(running),
        placed == null ? "-" : String.format(Locale.ROOT, "%.0f", tasks / placed), peakPlacementRate());
  }

  private static String fmt(Double d) {
    return d == null ? "NOT" : String.format(Locale.ROOT, "%.1f", d);
  }

  void plot(Path file, int nodes, long tasks) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYSeries placed = new XYSeries("placed");
    XYSeries running = new XYSeries("running");
    for (Sample s : samples) {
      placed.add(s.seconds, s.placed);
      running.add(s.seconds, s.running);
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(placed);
    data.addSeries(running);
    JFreeChart chart = ChartFactory.createXYLineChart(
        String.format(Locale.ROOT, "shoal bench scale: %d tasks on %d hollow nodes", tasks, nodes),
        "seconds after the specs were published", "tasks", data, PlotOrientation.VERTICAL, true, false, false);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 500);
  }
}
