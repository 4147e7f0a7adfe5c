package dev.shoal.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.EndpointNotFound;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.net.URLDecoder;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.eclipse.jetty.http.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become HTTP statuses. Every error body is
 * {@code {"message": "..."}}; route tables only throw.
 */
public final class ErrorMapping {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

  private ErrorMapping() {}

  public static void install(JavalinDefaultRoutingApi routes) {
    routes.exception(ApiException.class, (e, ctx) -> write(ctx, e.status(), e.getMessage()));
    routes.exception(JsonProcessingException.class,
        (e, ctx) -> write(ctx, 400, "malformed JSON: " + e.getOriginalMessage()));
    routes.exception(EndpointNotFound.class,
        (e, ctx) -> write(ctx, 404, "no route for " + ctx.method().name() + " " + ctx.path()));
    routes.exception(HttpResponseException.class, (e, ctx) -> write(ctx, e.getStatus(), e.getMessage()));
    routes.exception(KafkaException.class, (e, ctx) -> {
      LOG.warn("Kafka failed while serving {} {}", ctx.method(), ctx.path(), e);
      write(ctx, 503, "the cluster cannot be reached: " + e.getMessage());
    });
    // A charset the body cannot be read in (application/json; charset=bogus) or a path segment
    // percent-decoding refuses (%u0041): the request is at fault, never the gateway.
    routes.exception(IllegalArgumentException.class, (e, ctx) -> {
      if (e instanceof UnsupportedCharsetException || e instanceof IllegalCharsetNameException) {
        write(ctx, 415, "unsupported charset in Content-Type \"" + ctx.header("Content-Type")
            + "\": send JSON in UTF-8 (application/json)");
      } else if (thrownBy(e, URLDecoder.class)) {
        write(ctx, 400, "malformed percent-encoding in the path " + ctx.path());
      } else {
        internalError(e, ctx);
      }
    });
    routes.exception(Exception.class, (e, ctx) -> {
      if (e instanceof HttpException h && h.getCode() >= 400 && h.getCode() < 500) {
        // Jetty's verdict on the request itself, e.g. a chunked body that ends early or is malformed.
        write(ctx, h.getCode(), "bad request: " + (h.getReason() == null ? e.getMessage() : h.getReason()));
      } else {
        internalError(e, ctx);
      }
    });
  }

  private static void internalError(Exception e, Context ctx) {
    LOG.error("unexpected failure serving {} {}", ctx.method(), ctx.path(), e);
    write(ctx, 500, "internal error: " + e);
  }

  private static boolean thrownBy(Throwable e, Class<?> type) {
    StackTraceElement[] trace = e.getStackTrace();
    return trace.length > 0 && java.util.Arrays.stream(trace).limit(3).anyMatch(f -> f.getClassName().equals(type.getName()));
  }

  public static void write(Context ctx, int status, String message) {
    ctx.status(status).json(Map.of("message", message == null ? "" : message));
  }
}
