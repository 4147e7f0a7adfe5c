package dev.shoal.gateway.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How the API protects itself: TLS (PEM files as {@code dockerd --tlsverify --tlscacert --tlscert
 * --tlskey} takes them), who may call (client certificates signed by the CA, bearer tokens from a
 * file), which extra host names and browser origins are the API's own, and whether a non-loopback
 * listener without authentication was explicitly accepted.
 *
 * <p>Without {@code tlsVerify} and without a tokens file the API does not authenticate: every
 * caller is {@code local} with the admin role, which is safe only on a loopback listener (like
 * Docker's unix socket, anyone on the machine is root-equivalent), so {@link #checkListener}
 * refuses any other address unless {@code insecure}.
 *
 * @param tlsCa      CA certificates (PEM) that sign client certificates; only with {@code tlsVerify}
 * @param tlsCert    the server's certificate chain (PEM); with {@code tlsKey}, the API speaks HTTPS
 * @param tlsKey     the server's private key (PEM, unencrypted PKCS#8, PKCS#1 or SEC1)
 * @param tlsVerify  callers must authenticate; client certificates signed by {@code tlsCa} do
 * @param tokensFile lines {@code <token> <principal> <role>}, mode 600; callers may send
 *                   {@code Authorization: Bearer <token>}
 * @param hostnames  names under which clients reach the API, beyond its listen address and localhost
 * @param allowedOrigins browser origins ({@code https://ui.example:8443}) allowed to call the API
 * @param insecure   accept a non-loopback listener without authentication (with a warning)
 */
public record ApiSecurity(Path tlsCa, Path tlsCert, Path tlsKey, boolean tlsVerify, Path tokensFile,
                          List<String> hostnames, List<String> allowedOrigins, boolean insecure) {

  public ApiSecurity {
    hostnames = hostnames == null ? List.of() : hostnames.stream().map(ApiSecurity::hostname).toList();
    allowedOrigins = allowedOrigins == null ? List.of() : allowedOrigins.stream().map(ApiSecurity::origin).toList();
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new SecurityConfigException("TLS needs both a certificate and its key (--tls-cert and --tls-key)");
    }
    if (tlsVerify && (tlsCert == null || tlsCa == null)) {
      throw new SecurityConfigException("--tls-verify needs --tls-ca (the CA that signs client certificates), "
          + "--tls-cert and --tls-key");
    }
    if (tlsCa != null && !tlsVerify) {
      throw new SecurityConfigException("--tls-ca without --tls-verify would check nothing: add --tls-verify "
          + "to require client certificates signed by it");
    }
  }

  /** Today's default for a loopback gateway: plain HTTP, no authentication, browser checks on. */
  public static ApiSecurity none() {
    return new ApiSecurity(null, null, null, false, null, List.of(), List.of(), false);
  }

  /** HTTPS with these PEM files; with {@code verify}, client certificates signed by {@code ca} authenticate. */
  public ApiSecurity withTls(Path ca, Path cert, Path key, boolean verify) {
    return new ApiSecurity(ca, cert, key, verify, tokensFile, hostnames, allowedOrigins, insecure);
  }

  public ApiSecurity withTokensFile(Path file) {
    return new ApiSecurity(tlsCa, tlsCert, tlsKey, tlsVerify, file, hostnames, allowedOrigins, insecure);
  }

  public ApiSecurity withHostnames(List<String> names) {
    return new ApiSecurity(tlsCa, tlsCert, tlsKey, tlsVerify, tokensFile, names, allowedOrigins, insecure);
  }

  public ApiSecurity withAllowedOrigins(List<String> origins) {
    return new ApiSecurity(tlsCa, tlsCert, tlsKey, tlsVerify, tokensFile, hostnames, origins, insecure);
  }

  public ApiSecurity withInsecure(boolean accept) {
    return new ApiSecurity(tlsCa, tlsCert, tlsKey, tlsVerify, tokensFile, hostnames, allowedOrigins, accept);
  }

  /** Whether the API speaks HTTPS. */
  public boolean tls() {
    return tlsCert != null;
  }

  /** Whether callers must prove who they are (else everyone is the same admin). */
  public boolean authenticates() {
    return tlsVerify || tokensFile != null;
  }

  /**
   * Whether the API may listen on {@code host} with these settings. A loopback address takes any
   * settings. Another address needs authentication, and bearer tokens there need TLS (else they
   * cross the network in clear); without either the answer is a refusal, unless {@code insecure},
   * when it is the warning to log.
   *
   * @return the warning to log, if any
   * @throws SecurityConfigException when the listener would let anyone who reaches it do anything,
   *     or would carry tokens in clear
   */
  public Optional<String> checkListener(String host) {
    if (isLoopback(host)) {
      return Optional.empty();
    }
    String problem;
    if (!authenticates()) {
      problem = "without authentication: anyone who reaches it could run any command on every node";
    } else if (tokensFile != null && !tls()) {
      problem = "with bearer tokens over plain HTTP: every token would cross the network in clear";
    } else {
      return Optional.empty();
    }
    if (!insecure) {
      throw new SecurityConfigException("refusing to serve the API on " + host + " " + problem + ". Give"
          + " --tls-cert and --tls-key with --tls-verify and --tls-ca, or with --api-tokens FILE; or --insecure"
          + " to accept that");
    }
    return Optional.of("INSECURE (--insecure): the API on " + host + " is served " + problem);
  }

  /** Whether {@code host} names only this machine (127.0.0.0/8, ::1, localhost). */
  public static boolean isLoopback(String host) {
    if (host == null || host.isBlank()) {
      return false;
    }
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!HostNames.isIpLiteral(h)) {
      return false; // a name other than localhost may resolve elsewhere tomorrow
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String hostname(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    if (n.isEmpty() || n.contains("/") || n.contains(" ") || n.contains(":") && !n.startsWith("[")) {
      throw new SecurityConfigException("--api-hostname takes a host name or address without a port, got \"" + name + "\"");
    }
    return n;
  }

  private static String origin(String origin) {
    try {
      return HostNames.origin(origin).orElseThrow();
    } catch (RuntimeException e) {
      throw new SecurityConfigException("--api-allow-origin takes an origin such as https://ui.example:8443"
          + " (scheme, host and optional port, no path), got \"" + origin + "\"");
    }
  }

  /** Only for messages: {@code https} or {@code http}. */
  String scheme() {
    return tls() ? "https" : "http";
  }
}
