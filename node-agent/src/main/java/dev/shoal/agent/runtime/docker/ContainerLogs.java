package dev.shoal.agent.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Frame;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Reads a container's output so far: stdout and stderr interleaved as the engine kept them. */
final class ContainerLogs {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private ContainerLogs() {}

  static InputStream read(DockerClient client, String containerId, String what) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
      @Override
      public void onNext(Frame frame) {
        synchronized (out) {
          out.writeBytes(frame.getPayload());
        }
      }
    };
    try {
      client.logContainerCmd(containerId).withStdOut(true).withStdErr(true).withTailAll().exec(callback)
          .awaitCompletion(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading the logs of " + what, e);
    } catch (DockerException e) {
      throw new IOException("cannot read the logs of " + what + ": " + DockerEngine.reason(e), e);
    } finally {
      callback.close();
    }
    synchronized (out) {
      return new ByteArrayInputStream(out.toByteArray());
    }
  }
}
