package dev.shoal.ops;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes components in the reverse order they were started, once, on Ctrl-C or at the end of a
 * command — so that agents stop their tasks while Kafka still runs, and Kafka goes last.
 */
final class Shutdown {
  private static final Logger LOG = LoggerFactory.getLogger(Shutdown.class);
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final CountDownLatch done = new CountDownLatch(1);
  private boolean closed;

  <T extends AutoCloseable> T register(T component) {
    started.push(component);
    return component;
  }

  /**
   * Closes several components at once when their turn comes: agents stop their tasks in parallel,
   * so stopping takes one stop grace period, not one per agent.
   */
  static AutoCloseable inParallel(java.util.List<? extends AutoCloseable> components) {
    return () -> {
      java.util.List<Thread> threads = new java.util.ArrayList<>();
      for (AutoCloseable c : components) {
        Thread t = new Thread(() -> {
          try {
            c.close();
          } catch (Exception e) {
            LOG.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
          }
        }, "shoal-close-" + c.getClass().getSimpleName());
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        t.join();
      }
    };
  }

  /** Blocks until the JVM is asked to stop, then closes everything. */
  void awaitSignal() throws InterruptedException {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      closeAll();
      done.countDown();
    }, "shoal-shutdown"));
    done.await();
  }

  synchronized void closeAll() {
    if (closed) {
      return;
    }
    closed = true;
    System.out.println("Stopping Shoal...");
    while (!started.isEmpty()) {
      AutoCloseable c = started.pop();
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
    System.out.println("Shoal stopped.");
  }
}
