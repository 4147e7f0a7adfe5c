package dev.shoal.ops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.ops.stack.ApiClient;
import dev.shoal.ops.stack.ProcessStack;
import dev.shoal.ops.stack.SleeperSpecs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The API load of {@code shoal bench chaos}: one client thread that creates services and scales one, and one that
 * keeps a rolling update going, both through every gateway in turn and each write retried with its own
 * {@code Idempotency-Key} until a gateway accepts it (200 or 201; a 202 is asked again for its verdict). It remembers what was accepted — the model the
 * checks hold the cluster to — and can be paused between writes so that the cluster can settle.
 */
final class ChaosLoad implements AutoCloseable {
  static final String STEADY = "steady";
  static final String SCALED = "scaled";
  static final String ROLLING = "rolling";
  static final int STEADY_REPLICAS = 2;
  static final int ROLLING_REPLICAS = 3;
  private static final int MAX_SCALE = 4;
  private static final Duration PACE = Duration.ofMillis(250);

  private final ProcessStack stack;
  private final List<ApiClient> gateways = new ArrayList<>();
  private final Random random;
  private final List<String> acceptedCreates = new CopyOnWriteArrayList<>();
  private final AtomicInteger scaledReplicas = new AtomicInteger(1);
  private final AtomicInteger rollingGeneration = new AtomicInteger(1);
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong attempts = new AtomicLong();
  private final AtomicLong updatesStarted = new AtomicLong();
  private final Gate gate = new Gate();
  /** Answers that did not accept a write, by status (-1: no answer), and the last such answer. */
  private final Map<Integer, Integer> refusals = new java.util.concurrent.ConcurrentSkipListMap<>();
  private volatile String lastRefusal = "";
  private final java.util.concurrent.BlockingQueue<String> errors = new java.util.concurrent.LinkedBlockingQueue<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean closed;
  private int next;

  ChaosLoad(ProcessStack stack, long seed) {
    this.stack = stack;
    this.random = new Random(seed);
  }

  /** Creates the three services the load works on (the stack is up) and waits until each is accepted. */
  void createServices() {
    stack.gatewayNames().forEach(g -> gateways.add(stack.api(g)));
    for (String service : List.of(STEADY, SCALED, ROLLING)) {
      String spec = switch (service) {
        case STEADY -> SleeperSpecs.sleeper(stack, STEADY, STEADY_REPLICAS).toString();
        case SCALED -> SleeperSpecs.sleeper(stack, SCALED, 1).toString();
        default -> rollingSpec(1).toString();
      };
      if (!untilAccepted("create " + service, "create-" + service,
          api -> api.call("POST", "/v1/services", spec, key("create-" + service)), api -> exists(api, service))) {
        throw new IllegalStateException("cannot create " + service + ": " + lastRefusal);
      }
    }
  }

  /** Starts the writer and the updater. */
  void start() {
    for (Runnable loop : List.<Runnable>of(this::writeLoop, this::updateLoop)) {
      Thread t = new Thread(loop, "chaos-" + (threads.isEmpty() ? "writer" : "updater"));
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /**
   * Lets each thread finish the write it is on (until accepted) and blocks them before the next.
   *
   * @return false if a write was still not accepted after {@code timeout}
   */
  boolean pause(Duration timeout) {
    return gate.close(threads.size(), timeout);
  }

  void resume() {
    gate.open();
  }

  List<String> acceptedCreates() {
    return List.copyOf(acceptedCreates);
  }

  /** The replicas of {@link #SCALED} the last accepted scale asked for. */
  int scaledReplicas() {
    return scaledReplicas.get();
  }

  /** The generation of {@link #ROLLING}'s spec the last accepted update asked for. */
  int rollingGeneration() {
    return rollingGeneration.get();
  }

  long acceptedWrites() {
    return writes.get();
  }

  long attempts() {
    return attempts.get();
  }

  /** Valid writes refused outright (4xx other than 409 and 429) since the last call. */
  List<String> takeErrors() {
    List<String> out = new ArrayList<>();
    errors.drainTo(out);
    return out;
  }

  /** What the writes that were not accepted got, by status, and the last such answer. */
  String refusals() {
    return refusals.isEmpty() ? "none" : refusals + ", last: " + lastRefusal;
  }

  long updatesStarted() {
    return updatesStarted.get();
  }

  /** The rolling service's spec at {@code generation}: the generation is an argument, so each is a new spec. */
  ObjectNode rollingSpec(int generation) {
    ObjectNode spec = SleeperSpecs.sleeper(stack, ROLLING, ROLLING_REPLICAS);
    spec.withArray("command").add(generationArgument(generation));
    ObjectNode update = spec.putObject("updateConfig");
    update.put("parallelism", 1);
    update.put("delay", "0s");
    update.put("monitor", "1s");
    // A task lost to a killed agent is not a failed update: go on rather than pause for an operator.
    update.put("failureAction", "continue");
    return spec;
  }

  static String generationArgument(int generation) {
    return "generation-" + generation;
  }

  private void writeLoop() {
    int n = 0;
    while (!closed) {
      gate.pass();
      if (closed) {
        return;
      }
      if (random.nextInt(3) == 0) {
        int replicas = 1 + random.nextInt(MAX_SCALE);
        String key = "scale-" + n + "-" + replicas;
        // A scale's 409 is a stale or out-of-sequence verdict: the replicas stay as the last accepted one set them.
        if (untilAccepted("scale " + SCALED + " to " + replicas, key, api -> api.call("POST",
            "/v1/services/" + SCALED + "/scale", "{\"replicas\":" + replicas + "}", key(key)), api -> false)) {
          scaledReplicas.set(replicas);
        }
      } else {
        String name = "w-" + n;
        if (untilAccepted("create " + name, "create-" + name, api -> api.call("POST", "/v1/services",
            "{\"name\":\"" + name + "\",\"command\":[\"true\"],\"replicas\":0}", key("create-" + name)),
            api -> exists(api, name))) {
          acceptedCreates.add(name);
        }
      }
      n++;
      pace(PACE);
    }
  }

  /** Starts the next generation of {@link #ROLLING} whenever the last update completed. */
  private void updateLoop() {
    while (!closed) {
      gate.pass();
      if (closed) {
        return;
      }
      JsonNode service = read(ROLLING);
      if (service != null && "completed".equals(service.path("updateStatus").path("state").asText("completed"))
          && service.path("version").asLong() > 0) {
        int generation = rollingGeneration.get() + 1;
        // A key per attempt: a 409 (the version moved between the read and the PUT) is final for its key.
        String key = "update-" + ROLLING + "-" + generation + "-" + attempts.get();
        // Each attempt names the version it read: a retry after a lost answer re-sends the same spec, a no-op.
        if (untilAccepted("update " + ROLLING + " to generation " + generation, key, api -> {
          ApiClient.Response current = api.get("/v1/services/" + ROLLING);
          if (!current.ok()) {
            return current;
          }
          return api.call("PUT", "/v1/services/" + ROLLING + "?version=" + current.json().path("version").asLong(),
              rollingSpec(generation).toString(), key(key));
        }, api -> atGeneration(api, generation))) {
          rollingGeneration.set(generation);
          updatesStarted.incrementAndGet();
        }
      }
      pace(Duration.ofMillis(500));
    }
  }

  private JsonNode read(String service) {
    for (int i = 0; i < gateways.size(); i++) {
      ApiClient.Response r = gateway().get("/v1/services/" + service);
      if (r.ok()) {
        return r.json();
      }
    }
    return null;
  }

  /**
   * Sends a write until a gateway accepts it, the same idempotency key every time, moving to the next gateway
   * after a failure. A 409 after an attempt whose answer was lost may mean that attempt applied it: then
   * {@code appliedEarlier} says so, and that is an acceptance too. Any other 409 refuses the write for good (a
   * retry with its key gets the same verdict), so the caller may try again under a new key.
   *
   * @return whether it was accepted
   */
  private boolean untilAccepted(String what, String key, java.util.function.Function<ApiClient, ApiClient.Response> call,
                                java.util.function.Predicate<ApiClient> appliedEarlier) {
    boolean retried = false;
    while (!closed) {
      attempts.incrementAndGet();
      ApiClient api = gateway();
      ApiClient.Response r = call.apply(api);
      // 202: recorded but its verdict not seen in time; it may still be refused (a stale version), so it is
      // not an acceptance yet: the same key again returns the verdict once there is one.
      if ((r.ok() && r.status() != 202) || (retried && r.status() == 409 && appliedEarlier.test(api))) {
        writes.incrementAndGet();
        return true;
      }
      refusals.merge(r.status(), 1, Integer::sum);
      lastRefusal = what + ": " + r.status() + " " + r.body().substring(0, Math.min(200, r.body().length()));
      if (r.status() == 409) {
        return false;
      }
      // 404: that gateway's read model has not seen the service yet (it lags the one that answered the create).
      if (r.status() >= 400 && r.status() < 500 && r.status() != 429 && r.status() != 404) {
        // A valid write refused outright is wrong in itself: reported, and the load goes on with the next one.
        errors.add(what + " refused: " + r.status() + " " + r.body());
        return false;
      }
      retried = true;
      pace(Duration.ofMillis(200));
    }
    return false;
  }

  private static boolean exists(ApiClient api, String service) {
    return api.get("/v1/services/" + service).ok();
  }

  private static boolean atGeneration(ApiClient api, int generation) {
    ApiClient.Response r = api.get("/v1/services/" + ROLLING);
    return r.ok() && r.json().path("spec").path("command").toString().contains("\"" + generationArgument(generation) + "\"");
  }

  private ApiClient gateway() {
    synchronized (gateways) {
      return gateways.get(next++ % gateways.size());
    }
  }

  private static Map<String, String> key(String key) {
    return Map.of("Idempotency-Key", key);
  }

  private void pace(Duration d) {
    try {
      Thread.sleep(d.toMillis()); // the load's rate, not synchronisation
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  @Override
  public void close() {
    closed = true;
    gate.open();
    for (Thread t : threads) {
      t.interrupt();
    }
  }

  /** Where the load's threads stop between writes while the cluster is checked. */
  private static final class Gate {
    private boolean closed;
    private int waiting;
    private int expected;

    synchronized void pass() {
      waiting++;
      notifyAll();
      try {
        while (closed) {
          wait();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        waiting--;
      }
    }

    /** Closes the gate and waits until {@code threads} stand at it, at most {@code timeout}. */
    synchronized boolean close(int threads, Duration timeout) {
      closed = true;
      expected = threads;
      long deadline = System.nanoTime() + timeout.toNanos();
      try {
        while (waiting < expected) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          wait(Math.max(1, left / 1_000_000));
        }
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    synchronized void open() {
      closed = false;
      notifyAll();
    }
  }
}
