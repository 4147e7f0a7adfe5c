package dev.shoal.ops.bench;

import dev.shoal.ops.stack.ProcessStack;
import dev.shoal.ops.stack.ShoalProcess;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The rounds of {@code shoal bench chaos} on a {@link ProcessStack} of 3 brokers, 2 orchestrators (one standby),
 * 2 gateways and 3 agents, under {@link ChaosLoad}. Each round SIGKILLs one component — a broker, the active
 * orchestrator, a gateway or an agent, the kinds taken in a seeded shuffled order so that every four rounds meet
 * each once, the victim of that kind and how long it stays down seeded too — starts it again, then pauses the load
 * and waits for {@link ChaosChecks} to find nothing. What it still finds after the settle timeout is a violation.
 */
public final class ChaosRun {
  /** The kinds of component a round kills. */
  public enum Kind { BROKER, ORCHESTRATOR, GATEWAY, AGENT }

  /** One round: what was killed and for how long, how long the cluster took to settle after the restart, what was wrong. */
  public record Round(int round, Kind kind, String victim, Duration down, double settleSeconds, int mostPerSlot,
                      long acceptedWrites, List<String> violations) {}

  /** How a run is set up. */
  public record Settings(int rounds, long seed, Duration maxDown, Duration settleTimeout, Duration nodeDownTimeout) {}

  private static final List<String> HOSTS = List.of("node-1", "node-2", "node-3");
  private static final Duration POLL = Duration.ofMillis(200);

  private final Settings settings;
  private final PrintStream out;

  public ChaosRun(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  /** Runs every round in a stack under {@code dir}; returns the rounds (fewer if the stack broke, with the reason). */
  public List<Round> run(Path dir) throws Exception {
    Files.createDirectories(dir);
    Random random = new Random(settings.seed());
    List<Round> rounds = new ArrayList<>();
    try (ProcessStack stack = ProcessStack.builder(dir).brokers(3).gateways(2).standbyReplicas(1)
        .sessionTimeout(Duration.ofSeconds(6)).nodeDownTimeout(settings.nodeDownTimeout())
        .fencingTimeout(settings.nodeDownTimeout().multipliedBy(2)).progress(out).build();
         ChaosLoad load = new ChaosLoad(stack, settings.seed())) {
      try {
        stack.start(2, HOSTS.size());
        ChaosChecks checks = new ChaosChecks(stack, load);
        load.createServices();
        load.start();
        out.println("[chaos] load running: creates and scales, and a rolling update of " + ChaosLoad.ROLLING);
        List<Kind> order = new ArrayList<>();
        for (int r = 1; r <= settings.rounds(); r++) {
          if (order.isEmpty()) {
            order.addAll(List.of(Kind.values()));
            Collections.shuffle(order, random);
          }
          Round round = round(r, order.remove(0), stack, load, checks, random);
          rounds.add(round);
          out.printf(Locale.ROOT, "[chaos] round %d: %s %s down %.1f s; settled %s after the restart; at most %d"
              + " process(es) in one slot during the round; %d writes accepted of %d attempts so far, %d updates;"
              + " %s; refused: %s%n", r, round.kind().name().toLowerCase(Locale.ROOT), round.victim(), round.down().toMillis() / 1e3,
              round.settleSeconds() < 0 ? "never" : String.format(Locale.ROOT, "%.2f s", round.settleSeconds()),
              round.mostPerSlot(), load.acceptedWrites(), load.attempts(), load.updatesStarted(),
              round.violations().isEmpty() ? "no violation" : "VIOLATIONS " + round.violations(), load.refusals());
          load.resume();
        }
      } catch (RuntimeException e) {
        out.println("[chaos] the run broke: " + e.getMessage());
        out.println(stack.logs(80));
        throw e;
      }
    }
    return rounds;
  }

  private Round round(int r, Kind kind, ProcessStack stack, ChaosLoad load, ChaosChecks checks, Random random) {
    Duration down = Duration.ofMillis(1000 + random.nextInt((int) Math.max(1, settings.maxDown().toMillis() - 1000)));
    ShoalProcess victim = victim(kind, stack, random);
    out.printf(Locale.ROOT, "[chaos] round %d: SIGKILL %s (%s), down for %.1f s%n", r, victim.name(),
        kind.name().toLowerCase(Locale.ROOT), down.toMillis() / 1e3);
    int most = checks.mostProcessesInOneSlot();
    victim.kill();
    long upAgain = System.nanoTime() + down.toNanos();
    while (System.nanoTime() < upAgain) {
      most = Math.max(most, checks.mostProcessesInOneSlot());
      pause(POLL);
    }
    List<String> violations = new ArrayList<>();
    restart(kind, victim, stack);
    long restarted = System.nanoTime();
    if (!load.pause(settings.settleTimeout())) {
      violations.add("a write was not accepted within " + settings.settleTimeout().toSeconds() + " s of the restart");
    }
    long deadline = restarted + settings.settleTimeout().toNanos();
    List<String> problems = checks.problems();
    while (!problems.isEmpty() && System.nanoTime() < deadline) {
      most = Math.max(most, checks.mostProcessesInOneSlot());
      pause(POLL);
      problems = checks.problems();
    }
    load.takeErrors().forEach(e -> violations.add("a valid write was refused: " + e));
    double settled = problems.isEmpty() ? (System.nanoTime() - restarted) / 1e9 : -1;
    if (!problems.isEmpty()) {
      violations.add("not settled " + settings.settleTimeout().toSeconds() + " s after the restart: " + problems);
    }
    return new Round(r, kind, victim.name(), down, settled, most, load.acceptedWrites(), violations);
  }

  private static ShoalProcess victim(Kind kind, ProcessStack stack, Random random) {
    return switch (kind) {
      case BROKER -> stack.broker(1 + random.nextInt(stack.brokers().size()));
      case ORCHESTRATOR -> {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
          var active = stack.activeOrchestrator();
          if (active.isPresent()) {
            yield active.get();
          }
          pause(POLL);
        }
        throw new IllegalStateException("no orchestrator owns the decision task after 30 s");
      }
      case GATEWAY -> stack.gateway(stack.gatewayNames().get(random.nextInt(stack.gatewayNames().size())));
      case AGENT -> stack.agent(HOSTS.get(random.nextInt(HOSTS.size())));
    };
  }

  private static void restart(Kind kind, ShoalProcess victim, ProcessStack stack) {
    switch (kind) {
      case BROKER -> stack.restartBroker(Integer.parseInt(victim.name().substring("kafka-".length())));
      case ORCHESTRATOR -> stack.startOrchestrator(victim.name()).awaitOutput("Orchestrator ", Duration.ofSeconds(120));
      case GATEWAY -> {
        stack.startGateway(victim.name());
        stack.awaitApi(victim.name());
      }
      case AGENT -> {
        stack.startAgent(victim.name());
        stack.awaitReady(List.of(victim.name()));
      }
    }
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis()); // sampling interval
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The {@code p}-th percentile (0–100) of {@code values}, nearest rank. */
  static double percentile(List<Double> values, double p) {
    List<Double> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
