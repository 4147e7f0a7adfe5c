package dev.shoal.gateway.ingress;

import java.net.InetSocketAddress;

/**
 * Where one running task answers for a published port: the task and the host and port its node
 * exposes the target port on.
 */
public record Backend(String taskId, String taskName, String nodeId, String host, int port) {
  public InetSocketAddress address() {
    return new InetSocketAddress(host, port);
  }

  /** {@code host:port}, with brackets around an IPv6 host. */
  public String authority() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
