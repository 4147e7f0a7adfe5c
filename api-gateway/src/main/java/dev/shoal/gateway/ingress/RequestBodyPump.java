package dev.shoal.gateway.ingress;

import java.io.EOFException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * A relayed request's body, client to task, as it came (chunked framing included): read a buffer,
 * write it, read on once written, until the request parser sees the body's end.
 */
final class RequestBodyPump extends IteratingCallback {
  private final HttpRelayConnection relay;
  private final RelayAttempt a;
  private final RelayedRequest request;
  private final HttpParser parser;
  private final ByteBuffer in;
  private final EndPoint client;

  RequestBodyPump(HttpRelayConnection relay, RelayAttempt a, RelayedRequest request, HttpParser parser,
                  ByteBuffer in) {
    this.relay = relay;
    this.a = a;
    this.request = request;
    this.parser = parser;
    this.in = in;
    this.client = relay.getEndPoint();
  }

  @Override
  protected Action process() throws Throwable {
    while (true) {
      if (a.isFinished() || request.complete()) {
        return Action.SUCCEEDED;
      }
      if (in.hasRemaining()) {
        int from = in.position();
        parser.parseNext(in);
        if (request.bad()) {
          throw new HttpException.RuntimeException(400, "bad request body");
        }
        if (in.position() > from) {
          a.bodySent = true;
          a.task.getEndPoint().write(this, Buffers.slice(in, from, in.position()));
          return Action.SCHEDULED;
        }
        if (request.complete()) {
          return Action.SUCCEEDED;
        }
      }
      BufferUtil.clear(in);
      int n = client.fill(in);
      if (n == 0) {
        client.fillInterested(this);
        return Action.SCHEDULED;
      }
      if (n < 0) {
        throw new EOFException("the client closed its connection mid-body");
      }
    }
  }

  @Override
  protected void onCompleteSuccess() {
    relay.requestSent(a);
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
