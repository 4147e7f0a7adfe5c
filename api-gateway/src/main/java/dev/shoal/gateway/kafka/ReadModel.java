package dev.shoal.gateway.kafka;

import dev.shoal.gateway.TaskOrder;
import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The cluster as the gateway sees it: services, tasks and nodes folded from the orchestrator's
 * compacted topics, and the most recent events. One thread feeds it ({@link ReadModelFeed}); any
 * thread reads it, and {@link #await} lets a request wait for a condition without polling: every
 * change re-checks the pending conditions.
 */
public final class ReadModel {
  public static final int DEFAULT_EVENT_CAPACITY = 10_000;

  private final int eventCapacity;
  // All state below is guarded by this; watches are checked outside the lock.
  private final Map<String, Service> servicesById = new HashMap<>();
  private final Map<String, String> serviceIdsByName = new HashMap<>();
  private final Map<String, Task> tasks = new HashMap<>();
  // Each service's tasks in the order they are listed, so a listing sorts input already in order;
  // and the list last handed out per service, until one of its tasks changes.
  private final Map<String, java.util.NavigableSet<Indexed>> tasksByService = new HashMap<>();
  private final Map<String, List<Task>> listedByService = new HashMap<>();
  // Tasks wanted running, by state, counted as tasks change: a watcher of a big cluster's progress
  // (bench scale, once a second over 100,000 tasks) need not copy every task under this lock.
  private final int[] wantedRunning = new int[dev.shoal.schemas.TaskState.values().length];
  private final Map<String, Node> nodes = new HashMap<>();
  private dev.shoal.schemas.ClusterInfo clusterInfo = dev.shoal.schemas.ClusterInfo.INITIAL;
  private final ArrayDeque<ClusterEvent> events = new ArrayDeque<>();
  private final Map<String, ClusterEvent> verdicts = new HashMap<>();
  private final List<Watch<?>> watches = new CopyOnWriteArrayList<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  // Guarded by this: set while applyTogether runs its changes.
  private boolean batching;
  private boolean batchChanged;
  private boolean batchNotifies;

  public ReadModel() {
    this(DEFAULT_EVENT_CAPACITY);
  }

  public ReadModel(int eventCapacity) {
    if (eventCapacity < 1) {
      throw new IllegalArgumentException("eventCapacity must be positive");
    }
    this.eventCapacity = eventCapacity;
  }

  // ---- changes, from the feeding thread ----

  public void putService(String id, Service service) {
    synchronized (this) {
      Service old = servicesById.put(id, service);
      if (old != null && !old.name().equals(service.name())) {
        serviceIdsByName.remove(key(old.name()), id);
      }
      serviceIdsByName.put(key(service.name()), id);
    }
    changed(true);
  }

  public void removeService(String id) {
    synchronized (this) {
      Service old = servicesById.remove(id);
      if (old != null) {
        serviceIdsByName.remove(key(old.name()), id);
      }
    }
    changed(true);
  }

  public void putTask(String id, Task task) {
    synchronized (this) {
      Task old = tasks.put(id, task);
      if (old != null) {
        unindex(id, old);
      }
      tally(old, -1);
      tally(task, 1);
      if (task.serviceId() != null) {
        tasksByService.computeIfAbsent(task.serviceId(), k -> new java.util.TreeSet<>(Indexed.ORDER))
            .add(new Indexed(id, task));
        listedByService.remove(task.serviceId());
      }
    }
    changed(true);
  }

  public void removeTask(String id) {
    synchronized (this) {
      Task old = tasks.remove(id);
      if (old != null) {
        unindex(id, old);
      }
      tally(old, -1);
    }
    changed(true);
  }

  private void tally(Task t, int delta) {
    if (t != null && t.desiredState() == dev.shoal.schemas.DesiredState.RUNNING) {
      wantedRunning[t.state().ordinal()] += delta;
    }
  }

  /** Takes {@code old}, the task's record until now, out of its service's index (found by its position). */
  private void unindex(String id, Task old) {
    if (old.serviceId() == null) {
      return;
    }
    java.util.NavigableSet<Indexed> indexed = tasksByService.get(old.serviceId());
    if (indexed != null) {
      indexed.remove(new Indexed(id, old));
      if (indexed.isEmpty()) {
        tasksByService.remove(old.serviceId());
      }
    }
    listedByService.remove(old.serviceId());
  }

  /**
   * A task in its service's index: ordered as listed ({@link TaskOrder#LISTING}), then by the
   * record's key, so two records that look alike (a malformed one without id) still both count.
   */
  private record Indexed(String key, Task task) {
    static final java.util.Comparator<Indexed> ORDER = (a, b) -> {
      int c = TaskOrder.LISTING.compare(a.task, b.task);
      return c != 0 ? c : a.key.compareTo(b.key);
    };
  }

  public void putClusterInfo(dev.shoal.schemas.ClusterInfo info) {
    synchronized (this) {
      clusterInfo = info;
    }
    changed(false);
  }

  /** Join-token generations; the initial ones until the orchestrator publishes a rotation. */
  public synchronized dev.shoal.schemas.ClusterInfo clusterInfo() {
    return clusterInfo;
  }

  public void putNode(String id, Node node) {
    synchronized (this) {
      nodes.put(id, node);
    }
    changed(true);
  }

  public void removeNode(String id) {
    synchronized (this) {
      nodes.remove(id);
    }
    changed(true);
  }

  /** Appends an event, forgetting the oldest beyond the capacity. */
  public void addEvent(ClusterEvent event) {
    synchronized (this) {
      events.addLast(event);
      String rid = verdictRequestId(event);
      if (rid != null) {
        verdicts.put(rid, event);
      }
      while (events.size() > eventCapacity) {
        ClusterEvent gone = events.removeFirst();
        String goneRid = verdictRequestId(gone);
        if (goneRid != null) {
          verdicts.remove(goneRid, gone);
        }
      }
    }
    changed(false);
  }

  /**
   * Applies {@code changes} (calls of the methods above) so that a reader sees all of them or none.
   * The feed applies each poll this way: a decision's records (a task shut down, its replacement
   * running) become visible to it together when their transaction commits, so they arrive in one
   * poll unless the decision is bigger than a poll, and a reader between two of them would see a
   * cluster that never was. Watches and listeners run once, after the batch.
   */
  public void applyTogether(Runnable changes) {
    boolean check;
    boolean notify;
    synchronized (this) {
      batching = true;
      try {
        changes.run();
      } finally {
        batching = false;
        check = batchChanged;
        notify = batchNotifies;
        batchChanged = false;
        batchNotifies = false;
      }
    }
    if (check) {
      checkWatches();
    }
    if (notify) {
      notifyListeners();
    }
  }

  /** After a change: re-check waiting requests and tell listeners, or note it for the batch's end. */
  private void changed(boolean notify) {
    if (Thread.holdsLock(this) && batching) {
      batchChanged = true;
      batchNotifies |= notify;
      return;
    }
    checkWatches();
    if (notify) {
      notifyListeners();
    }
  }

  /** Called once the feed has read everything that was in the topics when it started. */
  public void markCaughtUp() {
    caughtUp.countDown();
  }

  // ---- reads, from any thread ----

  public synchronized List<Service> services() {
    return List.copyOf(servicesById.values());
  }

  /** A service by id, else by name. */
  public synchronized Optional<Service> service(String nameOrId) {
    Service s = servicesById.get(nameOrId);
    return s != null ? Optional.of(s) : serviceByName(nameOrId);
  }

  /** A service by name, regardless of case (as Swarm compares names). */
  public synchronized Optional<Service> serviceByName(String name) {
    String id = name == null ? null : serviceIdsByName.get(key(name));
    return Optional.ofNullable(id == null ? null : servicesById.get(id));
  }

  /** How many tasks are wanted running (desired state RUNNING), by their current state; without copying any. */
  public synchronized java.util.Map<dev.shoal.schemas.TaskState, Integer> wantedRunningByState() {
    java.util.Map<dev.shoal.schemas.TaskState, Integer> counts = new java.util.EnumMap<>(dev.shoal.schemas.TaskState.class);
    for (dev.shoal.schemas.TaskState st : dev.shoal.schemas.TaskState.values()) {
      if (wantedRunning[st.ordinal()] != 0) {
        counts.put(st, wantedRunning[st.ordinal()]);
      }
    }
    return counts;
  }

  public synchronized List<Task> tasks() {
    return List.copyOf(tasks.values());
  }

  /**
   * The tasks of one service, by service id, in the order they are listed ({@link TaskOrder#LISTING}).
   * Unmodifiable; the same list is handed out again until one of the service's tasks changes.
   */
  public synchronized List<Task> tasksOfService(String serviceId) {
    List<Task> listed = listedByService.get(serviceId);
    if (listed != null) {
      return listed;
    }
    java.util.NavigableSet<Indexed> indexed = tasksByService.get(serviceId);
    if (indexed == null) {
      return List.of();
    }
    Task[] out = new Task[indexed.size()];
    int i = 0;
    for (Indexed x : indexed) {
      out[i++] = x.task;
    }
    listed = java.util.Collections.unmodifiableList(java.util.Arrays.asList(out));
    listedByService.put(serviceId, listed);
    return listed;
  }

  public synchronized Optional<Task> task(String id) {
    return Optional.ofNullable(tasks.get(id));
  }

  public synchronized List<Node> nodes() {
    return List.copyOf(nodes.values());
  }

  /** A node by id, else the first by hostname. */
  public synchronized Optional<Node> node(String idOrHostname) {
    Node n = nodes.get(idOrHostname);
    if (n != null) {
      return Optional.of(n);
    }
    return nodes.values().stream().filter(x -> idOrHostname.equals(x.hostname())).findFirst();
  }

  /** The retained events, oldest first. */
  public synchronized List<ClusterEvent> events() {
    return new ArrayList<>(events);
  }

  /**
   * The orchestrator's verdict on a request: the event carrying {@code requestId} and an
   * {@code outcome} attribute ({@code applied}, {@code unchanged} or {@code rejected}). Each request
   * gets exactly one (a retried one gets it again).
   */
  public synchronized Optional<ClusterEvent> verdict(String requestId) {
    return Optional.ofNullable(verdicts.get(requestId));
  }

  public boolean isCaughtUp() {
    return caughtUp.getCount() == 0;
  }

  /** Blocks until the feed has caught up or the time is up; true when caught up. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  // ---- waiting ----

  /**
   * A future completed with the probe's first non-empty answer, checked now and after every
   * change, or with empty when {@code timeout} passes. A probe that throws fails the future.
   * The future completes on the feeding thread (or the JDK's delay thread, on timeout), so
   * callers should continue asynchronously on their own executor.
   */
  public <T> CompletableFuture<Optional<T>> await(Function<ReadModel, Optional<T>> probe, Duration timeout) {
    Watch<T> w = new Watch<>(probe);
    watches.add(w);
    w.future.whenComplete((v, e) -> watches.remove(w));
    w.future.completeOnTimeout(Optional.empty(), timeout.toMillis(), TimeUnit.MILLISECONDS);
    // Registered before the first check, so a change racing with this call is seen by one of them.
    w.check(this);
    return w.future;
  }

  /** How many awaits are pending; for tests and metrics. */
  public int pendingAwaits() {
    return watches.size();
  }

  // ---- change notifications (the ingress follows tasks through them) ----

  /**
   * Runs {@code listener} after every change to a service, task or node, on the feeding thread, so
   * it must return at once (hand the work to another thread). Closing the handle unsubscribes.
   */
  public AutoCloseable subscribe(Runnable listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  private void notifyListeners() {
    for (Runnable l : listeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        // A listener's failure is its own; the feed goes on.
        org.slf4j.LoggerFactory.getLogger(ReadModel.class).warn("a read-model listener failed", e);
      }
    }
  }

  private void checkWatches() {
    for (Watch<?> w : watches) {
      w.check(this);
    }
  }

  private static String verdictRequestId(ClusterEvent e) {
    if (e.type() == null || e.attributes() == null) {
      return null;
    }
    return e.attributes().containsKey("outcome") ? e.attributes().get("requestId") : null;
  }

  private static String key(String name) {
    return name.toLowerCase(java.util.Locale.ROOT);
  }

  private static final class Watch<T> {
    final Function<ReadModel, Optional<T>> probe;
    final CompletableFuture<Optional<T>> future = new CompletableFuture<>();

    Watch(Function<ReadModel, Optional<T>> probe) {
      this.probe = probe;
    }

    void check(ReadModel model) {
      if (future.isDone()) {
        return;
      }
      try {
        Optional<T> answer = probe.apply(model);
        if (answer.isPresent()) {
          future.complete(answer);
        }
      } catch (RuntimeException e) {
        future.completeExceptionally(e);
      }
    }
  }
}
