package dev.shoal.gateway.security;

/**
 * The API's security settings cannot be used as given: a missing or unreadable PEM file, a tokens
 * file others can read, a non-loopback listener without authentication. The launcher shows the
 * message as a usage error; nothing has started when it is thrown.
 */
public final class SecurityConfigException extends IllegalArgumentException {
  public SecurityConfigException(String message) {
    super(message);
  }

  public SecurityConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
