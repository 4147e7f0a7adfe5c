package dev.shoal.ops.kafka;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import dev.shoal.kafka.SharedBroker;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A Kafka broker in a Docker container (Testcontainers), so a test can freeze it ({@code docker
 * pause}) or cut it off the network ({@code docker network disconnect}) as an outage would. The image
 * is {@value #IMAGE}, built here from local files ({@code scripts/build-kafka-image.sh}: no registry
 * is reachable); it runs {@code shoal kafka} from the launcher jar this build made, mounted read-only.
 * The broker's port is published on the host's 127.0.0.1 under the same number, the one it tells
 * clients.
 */
public final class ContainerBroker implements SharedBroker {
  public static final String IMAGE = "local/shoal-kafka:1";
  private static final String NETWORK = "bridge";

  private final GenericContainer<?> container;
  private final int port;

  private ContainerBroker(GenericContainer<?> container, int port) {
    this.container = container;
    this.port = port;
  }

  /** Starts a broker from {@link #IMAGE} with the launcher jar at {@code jar}. */
  @SuppressWarnings("resource") // closed by close()
  public static ContainerBroker start(Path jar) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no launcher jar at " + jar + ": run mvn package first");
    }
    int port = freePort();
    GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(IMAGE))
        .withFileSystemBind(jar.toAbsolutePath().toString(), "/shoal/shoal.jar", BindMode.READ_ONLY)
        .withCommand("--kafka-port", Integer.toString(port), "--listen-address", "0.0.0.0", "--data-dir", "/data/kafka")
        .withExposedPorts(port)
        .withCreateContainerCmdModifier(cmd -> {
          HostConfig host = cmd.getHostConfig() == null ? HostConfig.newHostConfig() : cmd.getHostConfig();
          cmd.withHostConfig(host.withPortBindings(new PortBinding(Ports.Binding.bindIpAndPort("127.0.0.1", port),
              ExposedPort.tcp(port))));
        })
        .waitingFor(Wait.forLogMessage(".*Kafka broker ready at.*\\n", 1).withStartupTimeout(Duration.ofSeconds(120)));
    c.start();
    return new ContainerBroker(c, port);
  }

  /** The launcher jar of this build (failsafe sets {@code shoal.jar}). */
  public static Path launcherJar() {
    return Path.of(System.getProperty("shoal.jar", "target/shoal.jar"));
  }

  @Override
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** Freezes every process of the broker (the cgroup freezer), as a stalled machine would. */
  public void pause() {
    docker().pauseContainerCmd(container.getContainerId()).exec();
  }

  public void unpause() {
    docker().unpauseContainerCmd(container.getContainerId()).exec();
  }

  /** Cuts the broker off its network: connections to it time out or are refused until {@link #reconnect}. */
  public void disconnect() {
    docker().disconnectFromNetworkCmd().withContainerId(container.getContainerId()).withNetworkId(NETWORK)
        .withForce(true).exec();
  }

  public void reconnect() {
    docker().connectToNetworkCmd().withContainerId(container.getContainerId()).withNetworkId(NETWORK).exec();
  }

  @Override
  public void close() {
    container.stop();
  }

  private static DockerClient docker() {
    return DockerClientFactory.instance().client();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code -Dshoal.test.broker=container}: every test class of the JVM shares one broker in a container. */
  public static final class Provider implements SharedBroker.Provider {
    @Override
    public String name() {
      return "container";
    }

    @Override
    public SharedBroker start() {
      return ContainerBroker.start(launcherJar());
    }
  }
}
