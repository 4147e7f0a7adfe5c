package dev.shoal.gateway.logs;

import java.io.IOException;
import java.util.function.BooleanSupplier;

/** Reads tasks' lines for one request: {@link KafkaLogReader}, or a test's stand-in. */
public interface LogReader extends AutoCloseable {

  /**
   * Prepares to read what {@code query} asks (before anything is sent to the client, so a failure
   * can still be an HTTP error).
   *
   * @throws dev.shoal.gateway.ApiException when the logs cannot be read now
   */
  LogStream open(LogQuery query);

  /** Ends every reading under way (the gateway is stopping). */
  @Override
  void close();

  /** One request's reading. */
  interface LogStream extends AutoCloseable {
    /**
     * Writes the lines there are (and, when following, new ones) to {@code out}, until done, the
     * limits say stop, {@code gone} says the client left, or writing fails.
     */
    void writeTo(LogOutput out, BooleanSupplier gone) throws IOException;

    @Override
    void close();
  }
}
