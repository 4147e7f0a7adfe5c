package dev.shoal.agent.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import dev.shoal.agent.TestPreconditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real engine for integration tests: a docker-java client beside the runtime under test (to
 * kill, inspect and clean up), or the reason there is none. Tests call {@link #assumeAvailable()}
 * first, so without an engine (or without the test image) each one is reported skipped with that
 * reason — never a silent pass — and fails where {@code CI=true}, since CI is set up with an engine
 * ({@link TestPreconditions}).
 */
public final class DockerTestEngine implements AutoCloseable {
  public static final String IMAGE = "local/busybox:1";
  /** Every container a test creates carries this label (value: the test class), and goes by it. */
  public static final String TEST_LABEL = "dev.shoal.test";
  private static final Logger LOG = LoggerFactory.getLogger(DockerTestEngine.class);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final DockerClient client;
  private final String skipReason;

  private DockerTestEngine(DockerClient client, String skipReason) {
    this.client = client;
    this.skipReason = skipReason;
  }

  /** The engine from the environment, or why there is none usable (also logged, once per test class). */
  public static DockerTestEngine open(Class<?> testClass) {
    var config = DockerEngine.config(null);
    try {
      DockerEngine.probe(config);
    } catch (DockerUnavailableException e) {
      return unavailable(testClass, e.getMessage() + " (scripts/setup-machine.sh starts one)");
    }
    DockerClient client = DockerEngine.client(config, Duration.ofSeconds(30));
    try {
      client.inspectImageCmd(IMAGE).exec();
    } catch (NotFoundException e) {
      closeQuietly(client);
      return unavailable(testClass, "the test image " + IMAGE
          + " is missing (scripts/build-test-image.sh builds it without a registry)");
    }
    return new DockerTestEngine(client, null);
  }

  private static DockerTestEngine unavailable(Class<?> testClass, String why) {
    String reason = "no Docker engine for the tests: " + why;
    LOG.warn("{}: {}", testClass.getSimpleName(), reason);
    return new DockerTestEngine(null, reason);
  }

  public boolean available() {
    return skipReason == null;
  }

  /** Skips the calling test (fails it where {@code CI=true}), with the reason, when there is no usable engine. */
  public void assumeAvailable() {
    TestPreconditions.require(available(), skipReason);
  }

  public DockerClient client() {
    return client;
  }

  /** Containers with {@code key=value}, running or not. */
  public List<Container> labelled(String key, String value) {
    return client.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(key, value)).exec();
  }

  /** Removes every container with {@code key=value}, with its anonymous volumes. */
  public void removeLabelled(String key, String value) {
    for (Container c : labelled(key, value)) {
      try {
        client.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
      } catch (NotFoundException gone) {
        // removed meanwhile
      }
    }
  }

  /** The HTTP status of {@code GET http://<endpoint>/}, -1 when nothing answers. */
  public static int httpStatus(String endpoint) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + endpoint + "/")).timeout(Duration.ofSeconds(2))
          .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The body of {@code GET http://<endpoint>/}, empty when nothing answers. */
  public static String httpBody(String endpoint) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + endpoint + "/")).timeout(Duration.ofSeconds(2))
          .build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** Removes what the test class left ({@link #TEST_LABEL}) and closes the client. */
  public void cleanUp(Class<?> testClass) {
    if (available()) {
      removeLabelled(TEST_LABEL, testClass.getSimpleName());
    }
    close();
  }

  @Override
  public void close() {
    if (client != null) {
      closeQuietly(client);
    }
  }

  private static void closeQuietly(DockerClient client) {
    try {
      client.close();
    } catch (IOException ignored) {
      // nothing to keep
    }
  }
}
