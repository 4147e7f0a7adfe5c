package dev.shoal.agent.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.shoal.agent.runtime.CloseStoppers;
import dev.shoal.agent.runtime.ContainerRuntime;
import dev.shoal.agent.runtime.RuntimeNames;
import dev.shoal.agent.runtime.RuntimeTask;
import dev.shoal.agent.runtime.TaskRejectedException;
import dev.shoal.schemas.Drivers;
import dev.shoal.schemas.Task;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code docker} driver: runs each task as a container on a Docker engine through docker-java,
 * like swarmkit's container adapter. What becomes of each spec field is {@link ContainerSpecs}'s
 * business; containers carry {@link ContainerLabels} and Swarm's names ({@code <service>.<slot>.<task id>}).
 *
 * <p>The engine is the only record: {@link #list} reads the containers labelled for a node, so an
 * agent that restarts finds (and adopts or removes) what an earlier one started. A container is kept
 * after it exits, for its exit code and logs, until {@link #remove}. Exits, health changes and the
 * engine coming back arrive through the engine's events ({@link EngineWatcher}); every {@link #list}
 * checks the engine anyway, so a missed event costs at most one resync interval.
 *
 * <p>When the engine does not answer, calls throw (the agent logs them and leaves this runtime's
 * tasks alone until the engine is back); nothing is guessed meanwhile.
 */
public final class DockerRuntime implements ContainerRuntime {
  public static final Duration DEFAULT_PULL_TIMEOUT = Duration.ofMinutes(5);
  /** How long {@link #close()} lets each live container stop before the engine kills it. */
  static final Duration CLOSE_GRACE_CAP = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(DockerRuntime.class);

  /** How long a quick call (list, inspect, create, start, remove) may take before it counts as failed. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Two connections: quick calls time out, so an engine that hangs cannot hold up convergence or
   * heartbeats (which list); a stop (up to its grace period), a pull and the event stream may not.
   */
  private final DockerClient client;
  private final DockerClient longCalls;
  /** Log streams, one per container, held for as long as it runs: in a pool of their own, so they never hold up a stop. */
  private final DockerHttpClient logStreams;
  private final String engine;
  private final Images images;
  private final EngineWatcher watcher;
  private final BindMountPolicy bindMounts;
  private final Map<String, ContainerEntry> entries = new ConcurrentHashMap<>();
  /** The nodes this runtime runs tasks for, as they ask it (an agent's one; each of shoal dev's). */
  private final Set<String> nodes = ConcurrentHashMap.newKeySet();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile String version;

  private DockerRuntime(DefaultDockerClientConfig config, String version, Duration pullTimeout,
                        BindMountPolicy bindMounts) {
    this.bindMounts = bindMounts;
    this.client = DockerEngine.client(config, CALL_TIMEOUT);
    this.longCalls = DockerEngine.client(config, null);
    this.logStreams = DockerEngine.httpClient(config, DockerEngine.CONNECT_TIMEOUT, null);
    this.engine = config.getDockerHost().toString();
    this.version = version;
    this.images = new Images(longCalls, image -> DockerEngine.auth(config, image), pullTimeout);
    this.watcher = new EngineWatcher(longCalls, engine, this::onEvent, this::onReconnect);
    watcher.start();
  }

  /**
   * Connects to {@code DOCKER_HOST}, or the default socket; throws if no engine answers {@code _ping}.
   * Tasks may bind-mount no host path ({@link BindMountPolicy#NONE}).
   */
  public static DockerRuntime connect() throws DockerUnavailableException {
    return connect(null, DEFAULT_PULL_TIMEOUT, List.of());
  }

  /** Connects to {@code dockerHost} (e.g. {@code unix:///var/run/docker.sock}; null: from the environment). */
  public static DockerRuntime connect(String dockerHost, Duration pullTimeout) throws DockerUnavailableException {
    return connect(dockerHost, pullTimeout, List.of());
  }

  /**
   * Connects as {@link #connect(String, Duration)} and lets tasks bind-mount host paths under
   * {@code allowedBindMounts} ({@link BindMountPolicy}; the engine's own socket is protected too).
   */
  public static DockerRuntime connect(String dockerHost, Duration pullTimeout, List<String> allowedBindMounts)
      throws DockerUnavailableException {
    DefaultDockerClientConfig config = DockerEngine.config(dockerHost);
    URI host = config.getDockerHost();
    BindMountPolicy policy = BindMountPolicy.allowing(allowedBindMounts,
        "unix".equals(host.getScheme()) ? host.getPath() : null);
    return new DockerRuntime(config, DockerEngine.probe(config), pullTimeout, policy);
  }

  /** Where the engine is, e.g. {@code unix:///var/run/docker.sock}. */
  public String engine() {
    return engine;
  }

  @Override
  public String name() {
    return Drivers.DOCKER;
  }

  @Override
  public String driver() {
    return Drivers.DOCKER;
  }

  /** The engine's version, e.g. {@code docker 20.10.24 (API 1.41)}, as of the last (re)connection. */
  @Override
  public String version() {
    return version;
  }

  @Override
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  @Override
  public RuntimeTask prepare(Task task) throws TaskRejectedException {
    if (task.spec() == null || task.spec().image() == null || task.spec().image().isBlank()) {
      throw new TaskRejectedException("the docker driver runs images; the task has none");
    }
    if (task.nodeId() != null) {
      nodes.add(task.nodeId());
    }
    // Not asked of the engine: every pass lists the node's containers first, and a container an
    // earlier agent left for this task holds its name, so creating it again is refused and adopted below.
    ContainerEntry known = entries.get(task.id());
    if (known != null) {
      return known.view();
    }
    String image = task.spec().image();
    var create = ContainerSpecs.apply(task, client.createContainerCmd(image), bindMounts);
    String containerId;
    try {
      containerId = createPullingIfMissing(create, image);
    } catch (ConflictException e) {
      // Another prepare of the same task won, or another cluster's container holds the name.
      Optional<ContainerEntry> ours = lookup(task.id());
      if (ours.isPresent()) {
        return ours.get().view();
      }
      return createUnderNodeName(task, create, image, e);
    } catch (DockerException e) {
      throw createRefused(e, e);
    }
    return track(ContainerEntry.created(containerId, create.getName(), create.getLabels())).view();
  }

  /**
   * Swarm's name is held by a container this runtime does not run (another cluster's, stopped or
   * not, on a shared engine): not ours to remove, so this task's container takes a name of its own.
   */
  private RuntimeTask createUnderNodeName(Task task, com.github.dockerjava.api.command.CreateContainerCmd create,
                                          String image, ConflictException taken) throws TaskRejectedException {
    String held = create.getName();
    create.withName(RuntimeNames.onNode(task));
    try {
      String containerId = createPullingIfMissing(create, image);
      LOG.info("task {}: the name {} is held by a container of another cluster on {}; created as {}", task.id(),
          held, engine, create.getName());
      return track(ContainerEntry.created(containerId, create.getName(), create.getLabels())).view();
    } catch (ConflictException again) {
      // Another prepare of this task won the second name.
      return lookup(task.id()).map(ContainerEntry::view).orElseThrow(() -> createRefused(taken, again));
    } catch (DockerException e) {
      throw createRefused(e, e);
    }
  }

  private static TaskRejectedException createRefused(DockerException reason, Exception cause) {
    return new TaskRejectedException("the engine refused to create the container: " + DockerEngine.reason(reason),
        cause);
  }

  /**
   * Creates the container; only when the engine does not have the image, pulls it and creates again
   * (as the docker CLI's {@code run} does): a start costs no image inspect when the image is there.
   */
  private String createPullingIfMissing(com.github.dockerjava.api.command.CreateContainerCmd create, String image)
      throws TaskRejectedException {
    try {
      return create.exec().getId();
    } catch (NotFoundException noImage) {
      images.ensure(image);
      return create.exec().getId();
    }
  }

  @Override
  public RuntimeTask start(String taskId) throws TaskRejectedException {
    ContainerEntry e = find(taskId).orElseThrow(() -> new NoSuchElementException("task " + taskId + " is not prepared"));
    if (e.view().state() != RuntimeTask.State.CREATED) {
      return e.view(); // started already, or ended: a task never runs twice
    }
    try {
      client.startContainerCmd(e.containerId()).exec();
    } catch (NotModifiedException alreadyStarted) {
      return e.view();
    } catch (NotFoundException gone) {
      forget(e, "the container was removed before it started");
      throw new TaskRejectedException("the container was removed before it started", gone);
    } catch (DockerException failed) {
      String reason = DockerEngine.reason(failed);
      refresh(e);
      throw new TaskRejectedException("the engine could not start the container: " + reason, failed);
    }
    // The engine's start event may have brought the entry up to date already (ports and all).
    RuntimeTask now = e.view();
    return now.state() == RuntimeTask.State.RUNNING ? now : refresh(e);
  }

  @Override
  public CompletableFuture<RuntimeTask> onExit(String taskId) {
    ContainerEntry e = entries.get(taskId);
    return e != null ? e.exit() : CompletableFuture.failedFuture(new NoSuchElementException("unknown task " + taskId));
  }

  @Override
  public void stop(String taskId, Duration grace) {
    Optional<ContainerEntry> found = find(taskId);
    if (found.isEmpty() || !found.get().requestStop()) {
      return;
    }
    ContainerEntry e = found.get();
    try {
      // The engine sends the container's stop signal, waits, then kills; it returns once it has exited.
      longCalls.stopContainerCmd(e.containerId()).withTimeout(ContainerSpecs.stopSeconds(grace)).exec();
    } catch (NotModifiedException notRunning) {
      // already stopped, or never started
    } catch (NotFoundException gone) {
      forget(e, "the container was removed");
      return;
    }
    refresh(e);
  }

  @Override
  public void remove(String taskId) {
    Optional<ContainerEntry> found = find(taskId);
    if (found.isEmpty()) {
      return;
    }
    ContainerEntry e = found.get();
    e.requestStop();
    try {
      // Anonymous volumes go with it, as with swarmkit; named volumes stay.
      client.removeContainerCmd(e.containerId()).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException alreadyGone) {
      // removed by someone else
    }
    forget(e, "the container was removed");
  }

  @Override
  public List<RuntimeTask> list(String nodeId) {
    nodes.add(nodeId);
    List<Container> containers = client.listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(ContainerLabels.NODE_ID, nodeId)).exec();
    Set<String> seen = new HashSet<>();
    List<RuntimeTask> out = new ArrayList<>();
    for (Container c : containers) {
      String taskId = c.getLabels() == null ? null : c.getLabels().get(ContainerLabels.TASK_ID);
      if (taskId == null || !seen.add(taskId)) {
        continue;
      }
      ContainerEntry e = entries.get(taskId);
      try {
        if (e == null || !e.containerId().equals(c.getId())) {
          e = track(client.inspectContainerCmd(c.getId()).exec());
        } else if (e.needsInspect(c.getState())) {
          refresh(e);
        }
        out.add(e.view());
      } catch (NotFoundException removedMeanwhile) {
        // gone between the list and the inspect
      }
    }
    for (ContainerEntry e : entries.values()) {
      // Not listed: removed, unless it was created after the list was taken. Ask before forgetting.
      if (nodeId.equals(e.nodeId()) && !seen.contains(e.taskId())) {
        refresh(e);
      }
    }
    out.sort(Comparator.comparing(RuntimeTask::taskId));
    return out;
  }

  @Override
  public InputStream logs(String taskId) throws IOException {
    ContainerEntry e = find(taskId).orElseThrow(() -> new IOException("unknown task " + taskId));
    return ContainerLogs.read(longCalls, e.containerId(), "task " + taskId);
  }

  /** Each container's output as the engine keeps it, followed stdout and stderr apart. */
  @Override
  public Optional<dev.shoal.agent.runtime.TaskOutputs> outputs() {
    return Optional.of(new dev.shoal.agent.runtime.TaskOutputs() {
      @Override
      public List<RuntimeTask> readable(String nodeId) {
        return entries.values().stream().filter(e -> nodeId.equals(e.nodeId())).map(ContainerEntry::view)
            .sorted(Comparator.comparing(RuntimeTask::taskId)).toList();
      }

      @Override
      public dev.shoal.agent.runtime.OutputReader open(String taskId, Map<String, Long> from) throws IOException {
        ContainerEntry e = entries.get(taskId);
        if (e == null) {
          throw new IOException("unknown task " + taskId);
        }
        return new ContainerOutputReader(logStreams, e.containerId(), from, () -> e.exit().isDone());
      }
    });
  }

  /**
   * Stops the containers still running (each with its grace period, capped at 10 s, side by side on
   * {@link CloseStoppers}) and closes the connection. The containers stay, for the next agent to find.
   */
  @Override
  public void close() {
    watcher.close();
    List<Runnable> stops = new ArrayList<>();
    for (ContainerEntry e : entries.values()) {
      RuntimeTask v = e.view();
      if (v.isLive()) {
        Duration grace = v.stopGracePeriod().compareTo(CLOSE_GRACE_CAP) < 0 ? v.stopGracePeriod() : CLOSE_GRACE_CAP;
        stops.add(() -> stopQuietly(v.taskId(), grace));
      }
    }
    CloseStoppers.runAll(stops, CloseStoppers.THREADS, "shoal-docker-stop-");
    for (java.io.Closeable c : List.<java.io.Closeable>of(client, longCalls, logStreams)) {
      try {
        c.close();
      } catch (IOException e) {
        LOG.debug("closing a Docker client: {}", e.toString());
      }
    }
  }

  private void stopQuietly(String taskId, Duration grace) {
    try {
      stop(taskId, grace);
    } catch (RuntimeException e) {
      LOG.warn("could not stop task {} on close: {}", taskId, DockerEngine.reason(e));
    }
  }

  /** The entry for a task, from memory or else from the engine (a container an earlier agent created). */
  private Optional<ContainerEntry> find(String taskId) {
    ContainerEntry e = entries.get(taskId);
    return e != null ? Optional.of(e) : lookup(taskId);
  }

  private Optional<ContainerEntry> lookup(String taskId) {
    List<Container> found = client.listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(ContainerLabels.TASK_ID, taskId)).exec();
    for (Container c : found) {
      // Task ids are unique within a cluster only: an engine shared with another cluster (two
      // `shoal dev`, a test suite) may hold its container of the same task id. Not ours to touch.
      if (c.getLabels() == null || !nodes.contains(c.getLabels().get(ContainerLabels.NODE_ID))) {
        continue;
      }
      try {
        return Optional.of(track(client.inspectContainerCmd(c.getId()).exec()));
      } catch (NotFoundException removedMeanwhile) {
        // try the next one, if any
      }
    }
    return Optional.empty();
  }

  /** The entry for an inspected container: the known one (brought up to date) if it is the same container, else a new one. */
  private ContainerEntry track(InspectContainerResponse r) {
    ContainerEntry fresh = ContainerEntry.of(r);
    ContainerEntry kept = track(fresh);
    if (kept != fresh) {
      kept.update(r);
    }
    return kept;
  }

  /** Files {@code fresh} under its task, unless an entry for the same container is there already (returned). */
  private ContainerEntry track(ContainerEntry fresh) {
    List<ContainerEntry> replaced = new ArrayList<>(1);
    ContainerEntry kept = entries.compute(fresh.taskId(), (id, old) -> {
      if (old != null && old.containerId().equals(fresh.containerId())) {
        return old;
      }
      if (old != null) {
        replaced.add(old);
      }
      return fresh;
    });
    // Only by hand can two containers carry one task id; the one seen last is the task's from now on.
    replaced.forEach(old -> old.gone("replaced by container " + fresh.containerId()));
    return kept;
  }

  private RuntimeTask refresh(ContainerEntry e) {
    try {
      return e.update(client.inspectContainerCmd(e.containerId()).exec());
    } catch (NotFoundException gone) {
      return forget(e, "the container was removed outside the agent");
    }
  }

  private RuntimeTask forget(ContainerEntry e, String why) {
    entries.remove(e.taskId(), e);
    return e.gone(why);
  }

  private void onEvent(Event event) {
    String id = event.getActor() != null ? event.getActor().getId() : event.getId();
    String action = event.getAction() == null ? "" : event.getAction();
    if (id == null || !(action.equals("die") || action.equals("start") || action.equals("destroy")
        || action.equals("oom") || action.startsWith("health_status"))) {
      return;
    }
    for (ContainerEntry e : entries.values()) {
      if (e.containerId().equals(id)) {
        if (action.equals("start") && e.view().state() == RuntimeTask.State.RUNNING) {
          return; // its start() read it running already
        }
        refresh(e);
        changed();
        return;
      }
    }
  }

  private void onReconnect() {
    try {
      version = DockerEngine.describe(client.versionCmd().exec());
    } catch (RuntimeException e) {
      LOG.debug("cannot read the engine's version: {}", e.toString());
    }
    for (ContainerEntry e : entries.values()) {
      try {
        refresh(e);
      } catch (RuntimeException gone) {
        LOG.debug("cannot inspect container {}: {}", e.containerId(), gone.toString());
      }
    }
    changed();
  }

  private void changed() {
    listeners.forEach(Runnable::run);
  }
}
