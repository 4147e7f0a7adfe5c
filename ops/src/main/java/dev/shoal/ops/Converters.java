package dev.shoal.ops;

import dev.shoal.schemas.Durations;
import dev.shoal.schemas.JoinTokens;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Flag values checked while the command line is parsed, so that a bad one is a usage error (one line,
 * exit 2) before anything starts, and never an exception from deep inside a component.
 */
public final class Converters {
  private Converters() {}

  /** A Go-style duration ({@code 500ms}, {@code 5s}, {@code 1m30s}), kept as written. */
  public static final class DurationText implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      try {
        Durations.parse(value);
        return value;
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** A TCP port, 1 to 65535. */
  public static final class Port implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      int port;
      try {
        port = Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + value + "' is not a port number");
      }
      if (port < 1 || port > 65535) {
        throw new TypeConversionException("port " + port + " is out of range (1-65535)");
      }
      return port;
    }
  }

  /** How clients log in to an embedded broker: {@code none}, {@code sasl-ssl} or {@code mtls}. */
  public static final class Security implements ITypeConverter<dev.shoal.kafka.KafkaSecurity> {
    @Override
    public dev.shoal.kafka.KafkaSecurity convert(String value) {
      try {
        return dev.shoal.kafka.KafkaSecurity.fromFlag(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** An absolute path, kept as written (e.g. a host path tasks may bind-mount). */
  public static final class AbsolutePath implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      try {
        if (java.nio.file.Path.of(value).isAbsolute()) {
          return value;
        }
      } catch (java.nio.file.InvalidPathException e) {
        // refused below
      }
      throw new TypeConversionException("'" + value + "' is not an absolute path");
    }
  }

  /** A join token in Swarm's shape; whether it is the cluster's current one only the orchestrator can say. */
  public static final class JoinToken implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if (!JoinTokens.wellFormed(value)) {
        throw new TypeConversionException("the join token is malformed: expected SWMTKN-1-<50 characters>-<25 characters>"
            + " (GET /v1/swarm/join-tokens shows the cluster's)");
      }
      return value;
    }
  }
}
