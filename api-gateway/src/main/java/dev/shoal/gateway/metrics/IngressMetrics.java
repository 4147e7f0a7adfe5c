package dev.shoal.gateway.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ingress as metrics, per published service: requests by status class with their latency, errors
 * by reason, retries, and open connections. The ingress package calls it. A service is metered
 * between {@link #publish} (its first port opens on this gateway) and {@link #forget} (its last
 * port closes); calls for a service not published are ignored, so a request that ends after its
 * port closed cannot bring back series that were removed. Labels: the service name and small fixed
 * sets, never a client address or a task id.
 */
public final class IngressMetrics {
  /** Why a request or connection failed before a task answered: a fixed set, so the label stays bounded. */
  public enum Reason {
    /** No running task: 503 on HTTP, the connection closed on TCP. */
    NO_TASK("no_task"),
    /** A task refused the connection or did not accept it in time (a retry may follow). */
    CONNECT_FAILED("connect_failed"),
    /** A task was connected but failed the exchange: closed or reset it unanswered (502). */
    TASK_FAILED("task_failed"),
    /** A task did not answer in time (504). */
    TIMEOUT("timeout");

    private final String label;

    Reason(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** The open-connection count of one service as it was published when asked for. */
  public interface Connections {
    void opened();

    void closed();
  }

  private static final Connections IGNORED = new Connections() {
    @Override
    public void opened() {}

    @Override
    public void closed() {}
  };

  private final MeterRegistry registry;
  private final Map<String, ServiceIngressMeters> services = new ConcurrentHashMap<>();

  public IngressMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** {@code service} has a published port open on this gateway: its series exist from now on. */
  public void publish(String service) {
    services.computeIfAbsent(service, s -> new ServiceIngressMeters(registry, s));
  }

  /** The service is no longer published here: its series go. */
  public void forget(String service) {
    ServiceIngressMeters m = services.remove(service);
    if (m != null) {
      m.remove();
    }
  }

  /** A request proxied for {@code service} was answered with {@code status} after {@code nanos}. */
  public void request(String service, int status, long nanos) {
    ServiceIngressMeters m = services.get(service);
    if (m != null) {
      m.request(status, nanos);
    }
  }

  /** A request or connection for {@code service} failed before a task answered. */
  public void error(String service, Reason reason) {
    ServiceIngressMeters m = services.get(service);
    if (m != null) {
      m.error(reason);
    }
  }

  /** A request or connection for {@code service} that failed on one task was sent to another. */
  public void retried(String service) {
    ServiceIngressMeters m = services.get(service);
    if (m != null) {
      m.retried();
    }
  }

  /**
   * Where to count {@code service}'s client connections. Bound to the series of now: a connection
   * that closes after the service was forgotten and published again does not skew the new count.
   */
  public Connections connections(String service) {
    ServiceIngressMeters m = services.get(service);
    return m == null ? IGNORED : m;
  }
}
