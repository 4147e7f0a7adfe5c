package dev.shoal.gateway.logs;

import dev.shoal.gateway.ApiException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
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
        stream.writeTo(output, clientGone(ctx));
        output.flush();
      } catch (IOException clientLeft) {
        LOG.debug("a log client went away: {}", clientLeft.toString());
      }
    } catch (IOException e) {
      LOG.debug("cannot stream logs: {}", e.toString());
    } finally {
      slots.release();
    }
  }

  /**
   * Whether the connection is known to be gone: Jetty failed the request, or the connection is
   * closed on our side. Over HTTP/1 Jetty does not read while a request is handled, so a client that
   * disconnects from a quiet follower is only noticed at the next write (or at {@code maxFollow});
   * that is why followers are counted and their time bounded (docs/limits.md).
   */
  private static BooleanSupplier clientGone(Context ctx) {
    try {
      ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
      EndPoint ep = request.getConnectionMetaData().getConnection().getEndPoint();
      AtomicBoolean failed = new AtomicBoolean();
      request.addFailureListener(t -> failed.set(true));
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
