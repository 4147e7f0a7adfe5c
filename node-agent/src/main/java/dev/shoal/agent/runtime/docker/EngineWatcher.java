package dev.shoal.agent.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the engine's events for Shoal's containers on a thread of its own, and notices when the
 * engine goes away: then it pings with a growing pause until the engine answers again, says so once
 * in the log, runs {@code onReconnect} (the runtime re-reads its containers; events missed meanwhile
 * do not matter, since the runtime is level-triggered too) and follows the events again.
 */
final class EngineWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EngineWatcher.class);
  private static final Duration FIRST_PAUSE = Duration.ofMillis(250);
  private static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

  private final DockerClient client;
  private final String engine;
  private final Consumer<Event> onEvent;
  private final Runnable onReconnect;
  private final Thread thread;
  private volatile boolean closed;
  private volatile boolean connected = true;
  private volatile ResultCallback.Adapter<Event> stream;

  EngineWatcher(DockerClient client, String engine, Consumer<Event> onEvent, Runnable onReconnect) {
    this.client = client;
    this.engine = engine;
    this.onEvent = onEvent;
    this.onReconnect = onReconnect;
    this.thread = new Thread(this::run, "shoal-docker-events");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Whether the event stream was up when last seen. */
  boolean connected() {
    return connected;
  }

  private void run() {
    Duration pause = FIRST_PAUSE;
    while (!closed) {
      if (!connected) {
        if (!ping()) {
          sleep(pause);
          pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
          continue;
        }
        LOG.info("the Docker engine at {} answers again; re-reading its containers", engine);
        connected = true;
        pause = FIRST_PAUSE;
        runQuietly(onReconnect);
      }
      follow();
      if (!closed) {
        LOG.warn("lost the Docker engine's event stream at {}; waiting for the engine to answer", engine);
        connected = false;
        sleep(FIRST_PAUSE);
      }
    }
  }

  /** Follows events until the stream ends, which it does only when the engine goes away or on close. */
  private void follow() {
    ResultCallback.Adapter<Event> callback = new ResultCallback.Adapter<>() {
      @Override
      public void onNext(Event event) {
        runQuietly(() -> onEvent.accept(event));
      }

      @Override
      public void onError(Throwable t) {
        // The engine went away: said once by run(), not with docker-java's stack trace at ERROR.
        LOG.debug("event stream of {} failed: {}", engine, t.toString());
        closeQuietly(this);
      }
    };
    try {
      stream = callback;
      client.eventsCmd().withEventTypeFilter(EventType.CONTAINER).withLabelFilter(ContainerLabels.NODE_ID)
          .exec(callback);
      if (closed) {
        return;
      }
      callback.awaitCompletion();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.debug("event stream of {} ended: {}", engine, e.toString());
      }
    } finally {
      closeQuietly(callback);
    }
  }

  private boolean ping() {
    try {
      client.pingCmd().exec();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void runQuietly(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.warn("handling a Docker engine event failed", e);
    }
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      closed = true;
    }
  }

  private static void closeQuietly(ResultCallback.Adapter<Event> callback) {
    try {
      callback.close();
    } catch (IOException | RuntimeException ignored) {
      // closing a stream that is already gone
    }
  }

  @Override
  public void close() {
    closed = true;
    ResultCallback.Adapter<Event> s = stream;
    if (s != null) {
      closeQuietly(s);
    }
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
