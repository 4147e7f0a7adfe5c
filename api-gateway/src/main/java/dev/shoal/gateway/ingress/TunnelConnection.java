package dev.shoal.gateway.ingress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * One side of a byte tunnel between two Jetty endpoints (a client's and a task's): what this side
 * reads is written to its peer's endpoint, the next read only once that write completed, so a slow
 * reader slows the writer down instead of filling memory. End of stream is passed on as a half
 * close; an error, or either side closing, closes both. It is the same pipe as Jetty's
 * {@code ConnectHandler} tunnel (whose classes are bound to a CONNECT request), used for raw TCP
 * ports and for WebSocket (any HTTP/1.1 upgrade) on HTTP ports.
 *
 * <p>A tunnel is built unpaired; {@link #pair} joins the two sides and {@link #start} begins reading
 * on one side, after it has sent what it holds from before it took over its endpoint (bytes the
 * previous protocol read ahead).
 */
final class TunnelConnection extends AbstractConnection.NonBlocking implements Connection.UpgradeTo {
  private final ByteBufferPool buffers;
  private final int bufferSize;
  private final Runnable whenOpened;
  private final Runnable whenClosed;
  private final AtomicBoolean closedOnce = new AtomicBoolean();
  private final Pipe pipe = new Pipe();
  private volatile TunnelConnection peer;
  private ByteBuffer pending;

  /**
   * @param whenOpened run once this side owns its endpoint (null: nothing); the side that opens last starts both
   * @param whenClosed run once when this side closes (null: nothing), e.g. to release a lease
   */
  TunnelConnection(EndPoint endPoint, Executor executor, ByteBufferPool buffers, int bufferSize, Runnable whenOpened,
                   Runnable whenClosed) {
    super(endPoint, executor);
    this.buffers = buffers;
    this.bufferSize = bufferSize;
    this.whenOpened = whenOpened;
    this.whenClosed = whenClosed;
  }

  static void pair(TunnelConnection a, TunnelConnection b) {
    a.peer = b;
    b.peer = a;
  }

  @Override
  public void onUpgradeTo(ByteBuffer buffer) {
    // The buffer belongs to the connection being replaced; keep a copy.
    pending = BufferUtil.copy(buffer);
  }

  @Override
  public void onOpen() {
    super.onOpen();
    if (whenOpened != null) {
      whenOpened.run();
    }
  }

  /** Sends what was read ahead, then reads; call once, after {@link #pair}. */
  void start() {
    ByteBuffer early = pending;
    pending = null;
    if (!BufferUtil.hasContent(early)) {
      fillInterested();
      return;
    }
    peer.getEndPoint().write(Callback.from(this::fillInterested, this::closeBoth), early);
  }

  @Override
  public void onFillable() {
    pipe.iterate();
  }

  @Override
  public void onClose(Throwable cause) {
    super.onClose(cause);
    if (closedOnce.compareAndSet(false, true)) {
      TunnelConnection p = peer;
      if (p != null) {
        p.getEndPoint().close(cause);
      }
      if (whenClosed != null) {
        whenClosed.run();
      }
    }
  }

  private void closeBoth(Throwable cause) {
    getEndPoint().close(cause);
    TunnelConnection p = peer;
    if (p != null) {
      p.getEndPoint().close(cause);
    }
  }

  /** Read here, write there, repeat; ends at end of stream (half close passed on) or on an error (both closed). */
  private final class Pipe extends IteratingCallback {
    private RetainableByteBuffer buffer;

    @Override
    protected Action process() {
      buffer = buffers.acquire(bufferSize, true);
      ByteBuffer bytes = buffer.getByteBuffer();
      int filled;
      try {
        filled = getEndPoint().fill(bytes);
      } catch (IOException e) {
        release();
        closeBoth(e);
        return Action.SUCCEEDED;
      }
      if (filled > 0) {
        peer.getEndPoint().write(this, bytes);
        return Action.SCHEDULED;
      }
      release();
      if (filled == 0) {
        fillInterested(this);
        return Action.SCHEDULED;
      }
      peer.getEndPoint().shutdownOutput();
      return Action.SUCCEEDED;
    }

    @Override
    protected void onSuccess() {
      release();
    }

    @Override
    protected void onFailure(Throwable cause) {
      closeBoth(cause);
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
      release();
    }

    private void release() {
      RetainableByteBuffer b = buffer;
      buffer = null;
      if (b != null) {
        b.release();
      }
    }

    @Override
    public InvocationType getInvocationType() {
      // Reads and writes in process() never block.
      return InvocationType.NON_BLOCKING;
    }
  }
}
