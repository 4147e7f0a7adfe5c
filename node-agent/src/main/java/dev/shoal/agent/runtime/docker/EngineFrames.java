package dev.shoal.agent.runtime.docker;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the engine's multiplexed log stream (a container without a TTY): frames of an 8-byte header
 * (stream 1 = stdout, 2 = stderr; three zero bytes; the payload's length, big-endian) and the payload,
 * one log message each. Whole frames only: docker-java's own reader hands a frame over in as many
 * pieces as the socket delivered it (at most 1 KiB each, without saying where a frame ends), which
 * cut the timestamp off a message's second piece, so lines were lost.
 */
final class EngineFrames {
  /** The largest payload accepted: Docker cuts messages at 16 KiB; the rest is room for the timestamp. */
  static final int MAX_PAYLOAD = 64 * 1024;

  /** What to do with each frame. */
  interface Sink {
    void frame(int stream, byte[] payload) throws InterruptedException;
  }

  private EngineFrames() {}

  /**
   * Reads frames until the stream ends (returns normally) or breaks (throws).
   *
   * @throws IOException when the stream breaks, ends inside a frame, or is not a multiplexed stream
   */
  static void read(InputStream in, Sink sink) throws IOException, InterruptedException {
    byte[] header = new byte[8];
    while (true) {
      int n = in.readNBytes(header, 0, 8);
      if (n == 0) {
        return;
      }
      if (n < 8) {
        throw new EOFException("the log stream ended inside a frame header");
      }
      int stream = header[0];
      if (stream < 0 || stream > 2 || header[1] != 0 || header[2] != 0 || header[3] != 0) {
        throw new IOException("not a multiplexed log stream (a container with a TTY?)");
      }
      int size = ((header[4] & 0xFF) << 24) | ((header[5] & 0xFF) << 16) | ((header[6] & 0xFF) << 8) | (header[7] & 0xFF);
      if (size < 0 || size > MAX_PAYLOAD) {
        throw new IOException("a log frame of " + Integer.toUnsignedString(size) + " bytes");
      }
      byte[] payload = in.readNBytes(size);
      if (payload.length < size) {
        throw new EOFException("the log stream ended inside a frame");
      }
      sink.frame(stream, payload);
    }
  }
}
