package dev.shoal.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.EndpointNotFound;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
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
    routes.exception(Exception.class, (e, ctx) -> {
      LOG.error("unexpected failure serving {} {}", ctx.method(), ctx.path(), e);
      write(ctx, 500, "internal error: " + e);
    });
  }

  public static void write(Context ctx, int status, String message) {
    ctx.status(status).json(Map.of("message", message == null ? "" : message));
  }
}
