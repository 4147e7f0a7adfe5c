package dev.shoal.gateway.logs;

import dev.shoal.gateway.ApiException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a log query over HTTP for both surfaces: admits it within the gateway's bounds (readers
 * and followers at once: 429 beyond), opens the reading (its failures are still HTTP errors), then
 * streams the response as the reader writes it (chunked), until it is done or the client goes away.
 */
final class LogHttp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogHttp.class);

  private final LogReader reader;
  private final LogLimits limits;
  private final Semaphore readers;
  private final Semaphore followers;

  LogHttp(LogReader reader, LogLimits limits) {
    this.reader = reader;
    this.limits = limits;
    this.readers = new Semaphore(limits.maxReaders());
    this.followers = new Semaphore(limits.maxFollowers());
  }

  LogLimits limits() {
    return limits;
  }

  void serve(Context ctx, LogQuery query, String contentType, Function<OutputStream, LogOutput> format) {
    Semaphore slots = query.follow() ? followers : readers;
    if (!slots.tryAcquire()) {
      throw new ApiException(429, "too many " + (query.follow() ? "log followers" : "log readers")
          + " on this gateway at once (" + (query.follow() ? limits.maxFollowers() : limits.maxReaders())
          + "); try again shortly");
    }
    try (LogReader.LogStream stream = reader.open(query)) {
      ctx.status(200);
      if (contentType != null) {
        ctx.res().setContentType(contentType);
      }
      OutputStream out = ctx.res().getOutputStream();
      LogOutput output = format.apply(out);
      try {
        LOG.info("start writing at {}", System.nanoTime() / 1_000_000);
        stream.writeTo(output, clientGone(ctx));
        LOG.info("done writing at {}", System.nanoTime() / 1_000_000);
        output.flush();
      } catch (IOException clientLeft) {
        LOG.info("a log client went away: {} at {}", clientLeft.toString(), System.nanoTime() / 1_000_000);
      }
    } catch (IOException e) {
      LOG.debug("cannot stream logs: {}", e.toString());
    } finally {
      slots.release();
    }
  }

  /**
   * Whether the client closed its connection, as Jetty reports it (a failure of the request) or its
   * connection shows it. Checked while a follower waits for lines, since otherwise only a write would tell.
   */
  private static BooleanSupplier clientGone(Context ctx) {
    try {
      ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
      EndPoint ep = request.getConnectionMetaData().getConnection().getEndPoint();
      java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
      request.addFailureListener(t -> {
        LOG.info("failure listener: {} at {}", t.toString(), System.nanoTime() / 1_000_000, new Exception("where"));
        failed.set(true);
      });
      request.addIdleTimeoutListener(t -> {
        LOG.info("idle timeout: {}", t.toString());
        return false;
      });
      return () -> failed.get() || !ep.isOpen();
    } catch (RuntimeException | LinkageError notJetty) {
      return () -> false;
    }
  }

  @Override
  public void close() {
    reader.close();
  }
}
