package dev.shoal.ops.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates one batch of hostile requests or malformed records from the run's seed and the batch
 * number alone, so that {@code -Dfuzz.seed=} replays exactly the same inputs: every route and every
 * input topic gets its share in a fixed rotation, and each batch has its own {@link Random}.
 */
public final class FuzzBatches {
  /** Of every 20 records: 5 specs, 4 commands, 4 statuses, 3 heartbeats, 2 liveness and 2 timer messages. */
  private static final InputTopic[] ROTATION = rotation();

  private FuzzBatches() {}

  public static List<HttpCase> http(long seed, int batch, int n, List<String> routes, String decoy, String node) {
    HttpFaults faults = new HttpFaults(new Hostile(random(seed, batch, 1)), decoy, node);
    List<HttpCase> cases = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String tag = batch + "q" + i;
      int r = i % (routes.size() + 1);
      cases.add(r == routes.size() ? faults.unknown(tag) : faults.next(routes.get(r), tag));
    }
    return cases;
  }

  public static List<RecordCase> records(long seed, int batch, int n) {
    RecordFaults faults = new RecordFaults(new Hostile(random(seed, batch, 2)));
    List<RecordCase> cases = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      InputTopic t = ROTATION[i % ROTATION.length];
      cases.add(faults.next(t, batch + "scthlx".substring(t.ordinal(), t.ordinal() + 1) + i));
    }
    return cases;
  }

  private static Random random(long seed, int batch, int stream) {
    return new Random(seed * 1_000_003L + batch * 31L + stream);
  }

  private static InputTopic[] rotation() {
    List<InputTopic> r = new ArrayList<>();
    int[] weights = {5, 4, 4, 3, 2, 2};
    for (int i = 0; i < weights.length; i++) {
      for (int k = 0; k < weights[i]; k++) {
        r.add(InputTopic.values()[i]);
      }
    }
    return r.toArray(InputTopic[]::new);
  }
}
