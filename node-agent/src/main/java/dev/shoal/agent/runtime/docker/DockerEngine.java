package dev.shoal.agent.runtime.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.time.Duration;

/**
 * How this runtime reaches a Docker engine: {@code DOCKER_HOST} (or the default socket) through
 * docker-java's Apache HttpClient 5 transport, and how it reads the engine's errors.
 *
 * <p>Paths stay unversioned, so the engine answers in its own API version — what the docker CLI's
 * negotiation gives with an up-to-date client. Pinning one version (1.41 for Debian's 20.10) would
 * break engines from 29.0 on, which refuse anything below 1.44; {@code DOCKER_API_VERSION} pins it
 * when needed, as it does for the CLI.
 */
final class DockerEngine {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
  private static final ObjectMapper JSON = new ObjectMapper();

  private DockerEngine() {}

  /** The client configuration for {@code dockerHost}, or from the environment when it is null. */
  static DefaultDockerClientConfig config(String dockerHost) {
    DefaultDockerClientConfig.Builder b = DefaultDockerClientConfig.createDefaultConfigBuilder();
    if (dockerHost != null && !dockerHost.isBlank()) {
      b.withDockerHost(dockerHost);
    }
    String api = System.getenv("DOCKER_API_VERSION");
    if (api != null && !api.isBlank()) {
      b.withApiVersion(api);
    }
    return b.build();
  }

  /** A client; {@code responseTimeout} null waits as long as the engine takes. */
  static DockerClient client(DefaultDockerClientConfig config, Duration responseTimeout) {
    return client(config, CONNECT_TIMEOUT, responseTimeout);
  }

  private static DockerClient client(DefaultDockerClientConfig config, Duration connectTimeout, Duration responseTimeout) {
    return DockerClientImpl.getInstance(config, httpClient(config, connectTimeout, responseTimeout));
  }

  /** The bare HTTP client, for streams read with their own framing ({@link EngineFrames}). */
  static ApacheDockerHttpClient httpClient(DefaultDockerClientConfig config, Duration connectTimeout,
                                           Duration responseTimeout) {
    ApacheDockerHttpClient.Builder http = new ApacheDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost())
        .sslConfig(config.getSSLConfig())
        .connectionTimeout(connectTimeout);
    if (responseTimeout != null) {
      http.responseTimeout(responseTimeout);
    }
    return http.build();
  }

  /** Pings the engine with short timeouts and returns its version, e.g. {@code docker 20.10.24 (API 1.41)}. */
  static String probe(DefaultDockerClientConfig config) throws DockerUnavailableException {
    // Short timeouts: `auto` must not hang an agent's start on an engine that does not answer.
    try (DockerClient probe = client(config, PROBE_TIMEOUT, PROBE_TIMEOUT)) {
      probe.pingCmd().exec();
      return describe(probe.versionCmd().exec());
    } catch (IOException | RuntimeException e) {
      throw new DockerUnavailableException("no Docker engine answers at " + config.getDockerHost() + ": " + reason(e), e);
    }
  }

  static String describe(Version v) {
    return "docker " + v.getVersion() + " (API " + v.getApiVersion() + ")";
  }

  /**
   * Credentials for pulling {@code image} from the docker CLI's config ({@code DOCKER_CONFIG} or
   * {@code ~/.docker/config.json}); null when there are none, so anonymous pulls send no header.
   */
  static AuthConfig auth(DefaultDockerClientConfig config, String image) {
    try {
      AuthConfig a = config.effectiveAuthConfig(image);
      boolean any = a != null && (a.getUsername() != null || a.getAuth() != null || a.getIdentitytoken() != null
          || a.getRegistrytoken() != null);
      return any ? a : null;
    } catch (RuntimeException unreadable) {
      return null;
    }
  }

  /**
   * The engine's own words for a failure: the {@code message} of its JSON error body, or what went
   * wrong on the way to it (a refused connection, a missing socket).
   */
  static String reason(Throwable e) {
    if (e instanceof DockerException de) {
      String m = de.getMessage() == null ? "" : de.getMessage();
      int brace = m.indexOf('{');
      if (brace >= 0) {
        try {
          JsonNode body = JSON.readTree(m.substring(brace));
          if (body.hasNonNull("message")) {
            return body.get("message").asText();
          }
        } catch (IOException notJson) {
          // fall through to the raw text
        }
      }
      return m.replaceFirst("^Status \\d+: ", "").trim();
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return m == null || m.isBlank() ? root.getClass().getSimpleName() : m;
  }
}
