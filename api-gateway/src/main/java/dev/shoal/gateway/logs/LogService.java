package dev.shoal.gateway.logs;

import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.ClusterBackend;
import dev.shoal.gateway.RouteTable;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Task and service logs for both surfaces of the gateway: {@code GET /v1/services/{name}/logs} and
 * {@code GET /v1/tasks/{id}/logs} ({@link #routes()}), and the Docker Engine API's
 * {@code /services/{id}/logs} and {@code /tasks/{id}/logs} ({@link #engine(Context, Service)}), all
 * read from {@code shoal.logs} by a {@link LogReader} within {@link LogLimits}. A service's logs are
 * those of all its tasks the read model knows, old ones included, as {@code docker service logs}
 * shows them; {@code tail} counts per task, as there.
 */
public final class LogService implements AutoCloseable {
  private final ClusterBackend backend;
  private final LogHttp http;

  public LogService(ClusterBackend backend, LogReader reader, LogLimits limits) {
    this.backend = backend;
    this.http = new LogHttp(reader, limits);
  }

  /** The {@code /v1} routes. */
  public RouteTable routes() {
    return routes -> {
      routes.get("/v1/services/{name}/logs", ctx -> {
        Service s = backend.service(ctx.pathParam("name"))
            .orElseThrow(() -> ApiException.notFound("service " + ctx.pathParam("name") + " not found"));
        rest(ctx, tasksOf(s), () -> tasksOf(s), true);
      });
      routes.get("/v1/tasks/{id}/logs", ctx -> {
        Task t = backend.task(ctx.pathParam("id"))
            .orElseThrow(() -> ApiException.notFound("task " + ctx.pathParam("id") + " not found"));
        rest(ctx, List.of(LogTask.of(t, backend)), null, false);
      });
    };
  }

  private void rest(Context ctx, List<LogTask> tasks, Supplier<List<LogTask>> refresh, boolean prefix) {
    String format = ctx.queryParam("format");
    boolean json = "ndjson".equals(format);
    if (format != null && !json && !"text".equals(format)) {
      throw ApiException.badRequest("format must be text or ndjson; got \"" + format + "\"");
    }
    boolean stdout = LogParams.flag("stdout", ctx.queryParam("stdout"), true);
    boolean stderr = LogParams.flag("stderr", ctx.queryParam("stderr"), true);
    if (!stdout && !stderr) {
      throw ApiException.badRequest("ask for stdout, stderr or both");
    }
    boolean follow = LogParams.flag("follow", ctx.queryParam("follow"), false);
    long since = LogParams.since(ctx.queryParam("since"), Instant.now());
    Integer tail = LogParams.tail(ctx.queryParam("tail"), http.limits().maxLines());
    LogQuery q = new LogQuery(tasks, stdout, stderr, since, tail, follow,
        follow ? refresh : null);
    boolean timestamps = LogParams.flag("timestamps", ctx.queryParam("timestamps"), false);
    http.serve(ctx, q, TextLogOutput.contentType(json), out -> new TextLogOutput(out, json, timestamps, prefix));
  }

  /** {@code GET /services/{id}/logs} of the Docker Engine API. */
  public void engine(Context ctx, Service s) {
    engine(ctx, tasksOf(s), () -> tasksOf(s));
  }

  /** {@code GET /tasks/{id}/logs} of the Docker Engine API. */
  public void engine(Context ctx, Task t) {
    engine(ctx, List.of(LogTask.of(t, backend)), null);
  }

  private void engine(Context ctx, List<LogTask> tasks, Supplier<List<LogTask>> refresh) {
    boolean stdout = LogParams.engineFlag(ctx.queryParam("stdout"));
    boolean stderr = LogParams.engineFlag(ctx.queryParam("stderr"));
    if (!stdout && !stderr) {
      throw ApiException.badRequest("Bad parameters: you must choose at least one stream");
    }
    boolean follow = LogParams.engineFlag(ctx.queryParam("follow"));
    long since = LogParams.engineSince(ctx.queryParam("since"));
    Integer tail = LogParams.tail(ctx.queryParam("tail"), http.limits().maxLines());
    LogQuery q = new LogQuery(tasks, stdout, stderr, since, tail, follow,
        follow ? refresh : null);
    boolean timestamps = LogParams.engineFlag(ctx.queryParam("timestamps"));
    boolean details = LogParams.engineFlag(ctx.queryParam("details"));
    http.serve(ctx, q, null, out -> new EngineLogOutput(out, timestamps, details));
  }

  /** The service's tasks that were placed on a node (the others have no output), oldest first. */
  private List<LogTask> tasksOf(Service s) {
    return backend.tasksOfService(s.id()).stream().filter(t -> t.nodeId() != null)
        .sorted(Comparator.comparingLong(Task::createdAt).thenComparing(Task::id))
        .map(t -> LogTask.of(t, backend)).toList();
  }

  @Override
  public void close() {
    http.close();
  }
}
