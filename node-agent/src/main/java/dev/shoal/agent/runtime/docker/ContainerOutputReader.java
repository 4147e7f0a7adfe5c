package dev.shoal.agent.runtime.docker;

import com.github.dockerjava.transport.DockerHttpClient;
import dev.shoal.agent.runtime.OutputPiece;
import dev.shoal.agent.runtime.OutputReader;
import dev.shoal.schemas.LogBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a container's output through the engine ({@code GET /containers/{id}/logs?follow=1&timestamps=1}),
 * the engine's log driver being where it waits meanwhile. A piece's {@code pos} is its engine
 * timestamp in nanoseconds, so a reader reopened after an agent restart asks for the second of its
 * last shipped piece and drops what it already shipped.
 *
 * <p>The stream is read with the engine's framing ({@link EngineFrames}), not docker-java's log
 * command, whose reader splits frames where the socket did.
 *
 * <p>The stream's thread (one per stream) hands pieces over through a bounded queue
 * and waits while it is full: a chatty container is read as fast as the shipper takes its output,
 * never faster, and the rest stays in the engine. A stream that breaks while the container runs is
 * opened again from the last piece it delivered.
 */
final class ContainerOutputReader implements OutputReader {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerOutputReader.class);
  /** Pieces waiting for the shipper; Docker cuts lines at 16 KiB, so this holds at most a few MiB. */
  static final int QUEUE = 1024;
  private static final long REOPEN_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final DockerHttpClient client;
  private final String containerId;
  private final BooleanSupplier exited;
  private final BlockingQueue<OutputPiece> queue = new ArrayBlockingQueue<>(QUEUE);
  /** Per stream, the pos of the last piece handed over (or shipped before this reader opened). */
  private final Map<String, Long> last = new HashMap<>();
  private volatile Follow follow;
  private volatile boolean closed;
  private volatile boolean gone;
  private long reopenAt;

  ContainerOutputReader(DockerHttpClient client, String containerId, Map<String, Long> from, BooleanSupplier exited) {
    this.client = client;
    this.containerId = containerId;
    this.exited = exited;
    last.putAll(from);
    open();
  }

  private synchronized void open() {
    long since = last.values().stream().mapToLong(Long::longValue).min().orElse(0L);
    Follow f = new Follow();
    follow = f;
    String path = "/containers/" + containerId + "/logs?follow=1&stdout=1&stderr=1&timestamps=1&since="
        + Math.max(0, since / 1_000_000_000L);
    Thread t = new Thread(() -> f.run(path), "shoal-container-logs-" + containerId.substring(0, Math.min(12,
        containerId.length())));
    t.setDaemon(true);
    t.start();
  }

  @Override
  public List<OutputPiece> read(int maxBytes) {
    Follow f = follow;
    // A stream that broke, or ended before the runtime saw its container end (not started yet, or the
    // news is on its way), is opened again; what it delivered is not delivered twice.
    if (f.finished && (f.broken || !exited.getAsBoolean()) && !gone && !closed && System.nanoTime() >= reopenAt) {
      reopenAt = System.nanoTime() + REOPEN_DELAY_NANOS;
      open();
    }
    List<OutputPiece> out = new ArrayList<>();
    int bytes = 0;
    OutputPiece p;
    while (bytes < maxBytes && (p = queue.poll()) != null) {
      out.add(p);
      bytes += p.bytes().length;
    }
    return out;
  }

  /**
   * Ended once the container has ended and its stream finished without error and all of it was
   * taken, or the container is gone.
   */
  @Override
  public boolean ended() {
    Follow f = follow;
    return queue.isEmpty() && f.finished && (gone || (!f.broken && exited.getAsBoolean()));
  }

  @Override
  public void close() {
    closed = true;
    Follow f = follow;
    try {
      f.close();
    } catch (IOException ignored) {
      // the stream is going away anyway
    }
    queue.clear();
  }

  /** Called on the stream's thread for each frame: one log message, possibly part of a long line. */
  private void offer(int type, byte[] payload) throws InterruptedException {
    String stream = type == 2 ? LogBatch.STDERR : LogBatch.STDOUT;
    int space = indexOf(payload, (byte) ' ', 0);
    if (space < 0) {
      return; // not what timestamps=1 sends
    }
    long ts;
    try {
      Instant t = Instant.parse(new String(payload, 0, space, StandardCharsets.US_ASCII));
      ts = t.getEpochSecond() * 1_000_000_000L + t.getNano();
    } catch (DateTimeParseException e) {
      return;
    }
    long previous;
    synchronized (this) {
      previous = last.getOrDefault(stream, Long.MIN_VALUE);
      if (ts <= previous && follow.fresh(stream)) {
        return; // shipped before this reader (re)opened: the engine sends the whole second again
      }
    }
    int start = space + 1;
    while (start <= payload.length && !closed) {
      int nl = indexOf(payload, (byte) '\n', start);
      int end = nl < 0 ? payload.length : nl;
      if (nl < 0 && end == start) {
        break;
      }
      long pos;
      synchronized (this) {
        // Equal timestamps would read as already shipped on a resume: each piece gets a pos of its own.
        pos = Math.max(ts, last.getOrDefault(stream, Long.MIN_VALUE) + 1);
        last.put(stream, pos);
        follow.started(stream);
      }
      OutputPiece piece = new OutputPiece(stream, ts, java.util.Arrays.copyOfRange(payload, start, end), pos, nl >= 0);
      while (!closed && !queue.offer(piece, 200, TimeUnit.MILLISECONDS)) {
        // the shipper is behind: wait for it (the engine keeps the rest)
      }
      start = end + 1;
    }
  }

  private static int indexOf(byte[] b, byte x, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == x) {
        return i;
      }
    }
    return -1;
  }

  /** One follow request; a reopen makes a new one. */
  private final class Follow {
    private volatile boolean finished;
    private volatile boolean broken;
    private volatile DockerHttpClient.Response response;
    private volatile boolean shut;
    /** Streams that delivered a piece on this request: after that, an old timestamp is a new line. */
    private final java.util.Set<String> started = java.util.concurrent.ConcurrentHashMap.newKeySet();

    boolean fresh(String stream) {
      return !started.contains(stream);
    }

    void started(String stream) {
      started.add(stream);
    }

    /** On the stream's own thread: the request, then its frames until the stream ends or breaks. */
    void run(String path) {
      DockerHttpClient.Request request = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET)
          .path(path).build();
      try (DockerHttpClient.Response r = client.execute(request)) {
        response = r;
        if (shut) {
          done(false);
          return;
        }
        if (r.getStatusCode() == 404) {
          gone = true;
          done(false);
          return;
        }
        if (r.getStatusCode() != 200) {
          LOG.debug("the engine answers {} to the output of container {}", r.getStatusCode(), containerId);
          done(true);
          return;
        }
        EngineFrames.read(r.getBody(), ContainerOutputReader.this::offer);
        done(false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        done(true);
      } catch (IOException | RuntimeException e) {
        if (!closed) {
          LOG.debug("the output stream of container {} broke: {}", containerId, DockerEngine.reason(e));
        }
        done(true);
      }
    }

    void close() throws IOException {
      shut = true;
      DockerHttpClient.Response r = response;
      if (r != null) {
        r.close();
      }
    }

    void done(boolean error) {
      broken = error;
      finished = true;
    }
  }
}
