package dev.shoal.agent.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import dev.shoal.agent.runtime.TaskRejectedException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Makes sure an image is on the engine: a local image is used as it is, a missing one is pulled. */
final class Images {
  private static final Logger LOG = LoggerFactory.getLogger(Images.class);

  private final DockerClient client;
  private final Function<String, AuthConfig> auth;
  private final Duration pullTimeout;

  Images(DockerClient client, Function<String, AuthConfig> auth, Duration pullTimeout) {
    this.client = client;
    this.auth = auth;
    this.pullTimeout = pullTimeout;
  }

  /** Returns once {@code image} is present; throws with the engine's reason when it cannot be had. */
  void ensure(String image) throws TaskRejectedException {
    if (present(image)) {
      return;
    }
    LOG.info("pulling image {}", image);
    Reference ref = Reference.parse(image);
    PullImageCmd pull = client.pullImageCmd(ref.repository()).withTag(ref.tag());
    AuthConfig credentials = auth.apply(image);
    if (credentials != null) {
      pull.withAuthConfig(credentials);
    }
    QuietPull callback = pull.exec(new QuietPull());
    try {
      Throwable failure;
      try {
        if (!callback.awaitCompletion(pullTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new TaskRejectedException("pulling image " + image + " did not finish within " + pullTimeout.toSeconds() + "s");
        }
        failure = callback.failure;
      } catch (DockerException | DockerClientException e) {
        failure = callback.failure != null ? callback.failure : e;
      }
      if (failure != null) {
        throw new TaskRejectedException("image " + image + " is not on the node and cannot be pulled: "
            + DockerEngine.reason(failure), failure);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskRejectedException("interrupted while pulling image " + image, e);
    } finally {
      closeQuietly(callback);
    }
    if (!present(image)) {
      throw new TaskRejectedException("image " + image + " was pulled but the engine does not show it");
    }
  }

  private boolean present(String image) {
    try {
      client.inspectImageCmd(image).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  /**
   * A pull whose failure is ours to report: docker-java's own callback logs it at ERROR with a
   * stack trace, for what is an ordinary rejection with a reason.
   */
  private static final class QuietPull extends PullImageResultCallback {
    private volatile Throwable failure;

    @Override
    public void onError(Throwable t) {
      failure = t;
      closeQuietly(this);
    }
  }

  private static void closeQuietly(PullImageResultCallback callback) {
    try {
      callback.close();
    } catch (IOException ignored) {
      // the stream is gone either way
    }
  }

  /**
   * An image reference split as the engine's pull wants it. A reference without a tag or digest
   * means {@code latest}: with no tag at all the engine would pull every tag of the repository.
   */
  record Reference(String repository, String tag) {
    static Reference parse(String image) {
      int at = image.indexOf('@');
      if (at >= 0) {
        return new Reference(image.substring(0, at), image.substring(at + 1));
      }
      int colon = image.lastIndexOf(':');
      // A colon before the last slash belongs to a registry's port (localhost:5000/app).
      if (colon > image.lastIndexOf('/')) {
        return new Reference(image.substring(0, colon), image.substring(colon + 1));
      }
      return new Reference(image, "latest");
    }
  }
}
