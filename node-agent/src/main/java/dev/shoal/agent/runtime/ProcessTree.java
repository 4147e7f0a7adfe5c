package dev.shoal.agent.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stops a process together with its descendants: SIGTERM (or the task's stop signal) to all, SIGKILL
 * to what is left after a grace period.
 */
final class ProcessTree {
  static final Duration KILL_WAIT = Duration.ofSeconds(5);
  private static final long POLL_MILLIS = 20;

  private ProcessTree() {}

  /**
   * True while the process runs. A zombie does not count: where pid 1 does not reap orphans (some
   * containers and VMs), a grandchild that outlived its parent stays a zombie forever, and
   * {@link ProcessHandle#isAlive()} would call it alive.
   */
  static boolean isRunning(ProcessHandle h) {
    if (!h.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException | RuntimeException e) {
      return h.isAlive(); // no procfs (not Linux) or the process just went
    }
  }

  /**
   * Signals the whole tree at once, as systemd does for a unit's cgroup: signalling only the root
   * would leave the real work running when the root is a shell ({@code sh -c 'python3 ...'}).
   * Descendants are listed before anything is signalled, since they are re-parented (and no longer
   * descendants) once the root dies.
   */
  static void terminate(ProcessHandle root, Duration grace) {
    terminate(root, grace, null, null);
  }

  /**
   * Like {@link #terminate(ProcessHandle, Duration)}, but the first signal is {@code signal} (a name as
   * {@code kill -s} takes it, sent with the {@code kill} program); null means SIGTERM.
   */
  static void terminate(ProcessHandle root, Duration grace, String signal, String kill) {
    List<ProcessHandle> tree = treeOf(root);
    if (signal == null || kill == null) {
      tree.forEach(ProcessHandle::destroy);
    } else {
      StopSignal.send(kill, signal, tree);
    }
    if (awaitGone(tree, grace)) {
      return;
    }
    Set<ProcessHandle> left = new LinkedHashSet<>();
    if (isRunning(root)) {
      left.addAll(treeOf(root));
    }
    tree.stream().filter(ProcessTree::isRunning).forEach(left::add);
    left.forEach(ProcessHandle::destroyForcibly);
    awaitGone(new ArrayList<>(left), KILL_WAIT);
  }

  /** Descendants first, root last. */
  static List<ProcessHandle> treeOf(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
    tree.add(root);
    return tree;
  }

  /**
   * Wakes as soon as this JVM's own children among the handles have exited ({@link
   * ProcessHandle#onExit()}, which the JDK's reaper completes at once), and otherwise looks every
   * {@value #POLL_MILLIS} ms. Only children: the JDK watches any other process with a thread of its
   * own until it is gone, and a zombie whose parent never reaps it is never gone.
   */
  static boolean awaitGone(List<ProcessHandle> handles, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long self = ProcessHandle.current().pid();
    CompletableFuture<?>[] children = handles.stream()
        .filter(h -> h.parent().map(p -> p.pid() == self).orElse(false))
        .map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
    // Once they have exited (or if there are none), only looking is left.
    CompletableFuture<?> childrenExited = children.length == 0 ? new CompletableFuture<>()
        : CompletableFuture.allOf(children);
    while (handles.stream().anyMatch(ProcessTree::isRunning)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      long wait = Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, POLL_MILLIS);
      try {
        if (childrenExited.isDone()) {
          Thread.sleep(wait);
        } else {
          childrenExited.get(wait, TimeUnit.MILLISECONDS);
        }
      } catch (TimeoutException | ExecutionException stillThere) {
        // look again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }
}
