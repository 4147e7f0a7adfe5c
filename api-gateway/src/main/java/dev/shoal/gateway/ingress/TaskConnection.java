package dev.shoal.gateway.ingress;

import java.io.IOException;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * One HTTP/1.1 keep-alive connection from the gateway to a task, used by one relayed request at a
 * time ({@link HttpRelayConnection}) and parked in {@link TaskConnectionPool} in between, on the
 * selector of the client connections that use it ({@link RelayConnector}). It keeps a
 * single read interest for its whole life: a request waiting for the task's answer is told when
 * bytes arrive; a parked connection that becomes readable was closed by the task (or sent bytes
 * nobody asked for) and is closed and forgotten, so a stale connection is rarely reused.
 */
final class TaskConnection extends AbstractConnection.NonBlocking {
  private final TaskConnectionPool pool;
  private final Backend key;
  /** Who waits for bytes from the task; null while parked. Guarded by this. */
  private Callback reader;
  private boolean parked;

  TaskConnection(EndPoint endPoint, Executor executor, TaskConnectionPool pool, Backend key) {
    super(endPoint, executor);
    this.pool = pool;
    this.key = key;
  }

  /** The task this connection goes to. */
  Backend key() {
    return key;
  }

  /** Calls {@code waiter} once the task sent bytes (or closed); only one waiter at a time. */
  void awaitReadable(Callback waiter) {
    synchronized (this) {
      reader = waiter;
    }
    tryFillInterested();
  }

  private void tryFillInterested() {
    if (!isFillInterested()) {
      getEndPoint().tryFillInterested(fillableCallback());
    }
  }

  private Callback fillable;

  private Callback fillableCallback() {
    Callback c = fillable;
    if (c == null) {
      c = new Callback() {
        @Override
        public void succeeded() {
          onFillable();
        }

        @Override
        public void failed(Throwable x) {
          onFillInterestedFailed(x);
        }

        @Override
        public InvocationType getInvocationType() {
          return InvocationType.NON_BLOCKING;
        }
      };
      fillable = c;
    }
    return c;
  }

  /** Taken out of the pool for a request; false if it was found closed meanwhile. */
  synchronized boolean claim() {
    if (!parked || !getEndPoint().isOpen()) {
      return false;
    }
    parked = false;
    return true;
  }

  /**
   * One non-blocking read finds a close (or stray bytes) from the task, for a connection no request is
   * reading: false, and the connection closed, if so. A claimed connection is checked so before a
   * request that cannot be sent again (the selector may not have reported a close that has arrived);
   * it costs a system call, so other requests skip it.
   */
  boolean stillOpen() {
    try {
      if (getEndPoint().fill(BufferUtil.allocate(1)) == 0) {
        return true;
      }
    } catch (IOException e) {
      // closed below
    }
    getEndPoint().close();
    return false;
  }

  /** Parks this connection idle: from now on, any byte or close from the task ends it. */
  void park() {
    synchronized (this) {
      reader = null;
      parked = true;
    }
    tryFillInterested();
  }

  @Override
  public void onFillable() {
    Callback r;
    synchronized (this) {
      r = reader;
      reader = null;
      if (r == null) {
        // Parked (or between two requests): the task closed it, or sent what no request asked for.
        if (parked) {
          parked = false;
          checkParked();
        }
        return;
      }
    }
    r.succeeded();
  }

  /** Only called with the lock held and no request on this connection, so no answer can be read here. */
  private void checkParked() {
    if (stillOpen()) {
      parked = true;
      tryFillInterested();
    }
  }

  @Override
  public void onFillInterestedFailed(Throwable cause) {
    Callback r;
    synchronized (this) {
      r = reader;
      reader = null;
    }
    if (r != null) {
      r.failed(cause);
    } else {
      getEndPoint().close(cause);
    }
  }

  @Override
  public void onClose(Throwable cause) {
    super.onClose(cause);
    pool.forget(this);
    Callback r;
    synchronized (this) {
      r = reader;
      reader = null;
    }
    if (r != null) {
      r.failed(cause != null ? cause : new java.io.EOFException("task connection closed"));
    }
  }
}
