package dev.shoal.schemas;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Service labels that tune a service's ingress, for clients that cannot set a port's
 * {@code appProtocol} (the docker CLI's {@code -p} has no such field):
 * <ul>
 *   <li>{@code shoal.ingress.http}: {@code true} (every port the service publishes in ingress mode
 *       speaks HTTP) or a comma-separated list of published ports, e.g. {@code 8080,8443};
 *   <li>{@code shoal.ingress.balance}: {@code round-robin} (the default) or {@code least-connections}.
 * </ul>
 * One parser for the validator and the gateway, so a label the API accepts means what it says.
 */
public final class IngressLabels {
  public static final String HTTP = "shoal.ingress.http";
  public static final String BALANCE = "shoal.ingress.balance";
  public static final String ROUND_ROBIN = "round-robin";
  public static final String LEAST_CONNECTIONS = "least-connections";

  private IngressLabels() {}

  /** Whether the ingress of {@code port} proxies HTTP: its {@code appProtocol}, else the label. */
  public static boolean speaksHttp(ServiceSpec spec, ServiceSpec.PortConfig port) {
    if (port.appProtocol() != null) {
      return ServiceSpec.PortConfig.APP_HTTP.equals(port.appProtocol());
    }
    String label = label(spec, HTTP);
    if (label == null || port.published() == null) {
      return false;
    }
    if ("true".equals(label.trim())) {
      return true;
    }
    return httpPorts(label).map(ports -> ports.contains(port.published())).orElse(false);
  }

  /** The balancing the service asks for: {@link #ROUND_ROBIN} unless the label says otherwise. */
  public static String balance(ServiceSpec spec) {
    String label = label(spec, BALANCE);
    return label == null ? ROUND_ROBIN : label.trim().toLowerCase(Locale.ROOT);
  }

  /** What is wrong with the service's ingress labels, as validator messages (empty when fine). */
  public static List<String> errors(ServiceSpec spec) {
    List<String> errors = new ArrayList<>();
    String balance = label(spec, BALANCE);
    if (balance != null && !List.of(ROUND_ROBIN, LEAST_CONNECTIONS).contains(balance.trim().toLowerCase(Locale.ROOT))) {
      errors.add("$.labels." + BALANCE + ": must be " + ROUND_ROBIN + " or " + LEAST_CONNECTIONS + ", got "
          + Labels.shorten(balance));
    }
    String http = label(spec, HTTP);
    if (http != null && !"true".equals(http.trim())) {
      Optional<TreeSet<Integer>> ports = httpPorts(http);
      if (ports.isEmpty()) {
        errors.add("$.labels." + HTTP + ": must be true or a comma-separated list of published ports, got "
            + Labels.shorten(http));
      } else {
        TreeSet<Integer> ingress = new TreeSet<>();
        if (spec.ports() != null) {
          spec.ports().stream().filter(ServiceSpec.PortConfig::isIngress).forEach(p -> ingress.add(p.published()));
        }
        for (int p : ports.get()) {
          if (!ingress.contains(p)) {
            errors.add("$.labels." + HTTP + ": port " + p + " is not published by this service in ingress mode");
          }
        }
      }
    }
    return errors;
  }

  private static String label(ServiceSpec spec, String key) {
    Map<String, String> labels = spec.labels();
    return labels == null ? null : labels.get(key);
  }

  /** The ports a label lists, or empty when it is not a list of port numbers. */
  private static Optional<TreeSet<Integer>> httpPorts(String label) {
    TreeSet<Integer> out = new TreeSet<>();
    for (String part : label.split(",", -1)) {
      String p = part.trim();
      if (!p.matches("[0-9]{1,5}")) {
        return Optional.empty();
      }
      int n = Integer.parseInt(p);
      if (n < 1 || n > 65535) {
        return Optional.empty();
      }
      out.add(n);
    }
    return Optional.of(out);
  }
}
