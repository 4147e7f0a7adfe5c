package dev.shoal.ops;

import dev.shoal.gateway.security.ApiSecurity;
import dev.shoal.gateway.security.SecurityConfigException;
import dev.shoal.gateway.security.SecurityLayer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The API's security flags, shared by {@code shoal gateway} and {@code shoal dev}. The TLS flags
 * take PEM files as {@code dockerd --tlsverify --tlscacert --tlscert --tlskey} does.
 */
final class ApiSecurityOptions {
  @Option(names = "--tls-cert", paramLabel = "FILE", description = "The API's certificate (PEM, chain leaf first): serve HTTPS.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "The private key of --tls-cert (PEM, unencrypted, mode 600).")
  Path tlsKey;

  @Option(names = "--tls-ca", paramLabel = "FILE", description = "CA certificate(s) (PEM) that sign client certificates (with --tls-verify).")
  Path tlsCa;

  @Option(names = "--tls-verify", description = "Require authentication: client certificates signed by --tls-ca"
      + " (principal = CN, role = OU admin, deployer or reader), or --api-tokens.")
  boolean tlsVerify;

  @Option(names = "--api-tokens", paramLabel = "FILE", description = "Bearer tokens, lines '<token> <principal> <role>'"
      + " (role admin, deployer or reader); mode 600; read again when it changes.")
  Path tokens;

  @Option(names = "--api-hostname", paramLabel = "NAME", description = "A name clients reach the API by (repeatable);"
      + " requests for other names are refused (DNS rebinding). IP addresses and localhost always pass.")
  List<String> hostnames = new ArrayList<>();

  @Option(names = "--api-allow-origin", paramLabel = "ORIGIN", description = "A web origin allowed to call the API"
      + " from a browser (repeatable), as https://ui.example:8443; none by default.")
  List<String> origins = new ArrayList<>();

  /** Whether any TLS file was given. */
  boolean tlsFilesGiven() {
    return tlsCert != null || tlsKey != null || tlsCa != null || tlsVerify;
  }

  /** The settings as given, with {@code base} for the TLS part when no TLS file is given. */
  ApiSecurity security(ApiSecurity base, boolean insecure) {
    try {
      ApiSecurity s = tlsFilesGiven() ? ApiSecurity.none().withTls(tlsCa, tlsCert, tlsKey, tlsVerify) : base;
      return s.withTokensFile(tokens).withHostnames(hostnames).withAllowedOrigins(origins).withInsecure(insecure);
    } catch (SecurityConfigException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  /**
   * Loads what the settings name and checks them against the listener, so that a bad flag is a
   * usage error before anything starts.
   */
  static ApiSecurity checked(ApiSecurity security, String host, int port) {
    try {
      SecurityLayer.create(security, host, port);
      return security;
    } catch (SecurityConfigException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }
}
