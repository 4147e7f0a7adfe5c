package dev.shoal.gateway.ingress;

/**
 * One try of a relayed request on one task: the lease on the task, the connection it went out on,
 * and how far the exchange got, which decides whether a failure may be retried and whether the
 * connections can be kept.
 */
final class RelayAttempt {
  final Lease lease;
  /** A new connection must be opened (a retry after a pooled one failed). */
  final boolean fresh;
  final int number;
  /** The response reading of this attempt; set once the connection is there. */
  ResponsePump response;
  TaskConnection task;
  /** It went out on a pooled connection, which the task may have closed meanwhile. */
  boolean reused;
  /** This attempt is the idempotent retry: there is no other. */
  boolean retried;
  /** Some of the task's answer went to the client: no retry, no local answer. */
  volatile boolean answered;
  volatile boolean bodySent;
  boolean requestSent;
  boolean responseDone;
  boolean finished;
  boolean keepClient = true;
  int status = 502;
  /** The task said it closes the connection after this answer (Connection: close, or HTTP/1.0). */
  boolean taskCloses;
  /** The answer had no length: it ended with the task's connection. */
  boolean closeDelimited;
  /** The head read so far is a 1xx: the answer follows it. */
  boolean interim;
  volatile boolean headSeen;

  RelayAttempt(Lease lease, boolean fresh, int number) {
    this.lease = lease;
    this.fresh = fresh;
    this.number = number;
  }

  Backend backend() {
    return lease.backend();
  }

  /** The request was written completely; true when the answer was complete too (the exchange is over). */
  synchronized boolean requestWritten() {
    requestSent = true;
    return responseDone;
  }

  /** The answer was relayed completely; true when the request was written completely too. */
  synchronized boolean answerRelayed() {
    responseDone = true;
    return requestSent;
  }

  /** Marks this attempt over; false when it already was (every end path calls this first). */
  synchronized boolean end() {
    if (finished) {
      return false;
    }
    finished = true;
    return true;
  }

  synchronized boolean isFinished() {
    return finished;
  }
}
