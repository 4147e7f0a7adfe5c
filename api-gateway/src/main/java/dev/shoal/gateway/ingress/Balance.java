package dev.shoal.gateway.ingress;

import dev.shoal.schemas.IngressLabels;

/** How a published port spreads requests (HTTP) or connections (TCP) over its tasks. */
public enum Balance {
  /** Each task in turn. */
  ROUND_ROBIN(IngressLabels.ROUND_ROBIN),
  /** The task with the fewest requests or connections in flight; ties in turn. */
  LEAST_CONNECTIONS(IngressLabels.LEAST_CONNECTIONS);

  private final String label;

  Balance(String label) {
    this.label = label;
  }

  /** The value of the {@code shoal.ingress.balance} label; round robin for anything else (the validator refuses it). */
  public static Balance ofLabel(String value) {
    return IngressLabels.LEAST_CONNECTIONS.equals(value) ? LEAST_CONNECTIONS : ROUND_ROBIN;
  }

  public String label() {
    return label;
  }
}
