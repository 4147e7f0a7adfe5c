package dev.shoal.gateway.ingress;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.eclipse.jetty.util.Callback;

/** Small buffer and callback helpers of the HTTP relay. */
final class Buffers {
  private Buffers() {
  }

  /** A view of {@code b}'s bytes {@code from} to {@code to}, leaving {@code b} as it is. */
  static ByteBuffer slice(ByteBuffer b, int from, int to) {
    ByteBuffer s = b.duplicate();
    s.limit(to);
    s.position(from);
    return s;
  }

  /** A callback Jetty may run on the selector thread: neither side ever blocks. */
  static Callback nonBlocking(Runnable ok, Consumer<Throwable> ko) {
    return new Callback() {
      @Override
      public void succeeded() {
        ok.run();
      }

      @Override
      public void failed(Throwable x) {
        ko.accept(x);
      }

      @Override
      public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
      }
    };
  }
}
