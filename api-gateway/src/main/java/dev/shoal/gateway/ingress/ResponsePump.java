package dev.shoal.gateway.ingress;

import java.io.EOFException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * A task's answer, task to client, as it came, until {@link ResponseFraming} sees its end: read a
 * buffer from the task, write it to the client, read on once written.
 */
final class ResponsePump extends IteratingCallback {
  private final HttpRelayConnection relay;
  private final RelayAttempt a;
  private final ResponseFraming framing;
  private final boolean headRequest;
  private final ByteBuffer out;
  private final EndPoint client;
  private boolean lastWritten;
  private boolean waited;

  ResponsePump(HttpRelayConnection relay, RelayAttempt a, ResponseFraming framing, boolean headRequest,
               ByteBuffer out) {
    this.relay = relay;
    this.a = a;
    this.framing = framing;
    this.headRequest = headRequest;
    this.out = out;
    this.client = relay.getEndPoint();
  }

  @Override
  protected Action process() throws Throwable {
    if (!waited) {
      // Just after the head was sent nothing can be there yet: wait for the answer rather than try a read.
      waited = true;
      a.task.awaitReadable(this);
      return Action.SCHEDULED;
    }
    EndPoint task = a.task.getEndPoint();
    while (true) {
      if (lastWritten || a.isFinished()) {
        return Action.SUCCEEDED;
      }
      if (out.hasRemaining()) {
        int from = out.position();
        boolean complete = framing.parse(out, headRequest);
        if (out.position() > from) {
          a.answered = true;
          lastWritten = complete;
          client.write(this, Buffers.slice(out, from, out.position()));
          return Action.SCHEDULED;
        }
        if (complete) {
          return Action.SUCCEEDED;
        }
      }
      BufferUtil.clear(out);
      int n = task.fill(out);
      if (n == 0) {
        a.task.awaitReadable(this);
        return Action.SCHEDULED;
      }
      if (n < 0) {
        // An answer without length ends with the connection; no answer at all is a failure.
        if (framing.endedByClose(out)) {
          a.closeDelimited = true;
          return Action.SUCCEEDED;
        }
        throw new EOFException("the task closed its connection " + (a.answered ? "mid-answer" : "before answering"));
      }
    }
  }

  @Override
  protected void onCompleteSuccess() {
    relay.responseDone(a);
  }

  @Override
  protected void onCompleteFailure(Throwable cause) {
    relay.failed(a, cause);
  }

  @Override
  public InvocationType getInvocationType() {
    return InvocationType.NON_BLOCKING;
  }
}
