package dev.shoal.gateway.ingress;

import org.eclipse.jetty.util.Promise;

/**
 * Where the relay ({@link HttpRelayConnection}) gets its connections to tasks: the idle ones it may
 * reuse, and new ones. Each client connection has one, so a task connection taken from it lives on
 * the selector the dialer stands for ({@link RelayConnector}).
 */
interface TaskDialer {
  /** The idle keep-alive connections this dialer's connections go back to. */
  TaskConnectionPool idle();

  /** Opens a new connection to {@code task}; {@code connected} is completed once, either way. */
  void dial(Backend task, Promise<TaskConnection> connected);
}
