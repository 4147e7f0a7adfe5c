package dev.shoal.agent.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.core.command.CreateContainerCmdImpl;
import dev.shoal.agent.runtime.TaskRejectedException;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The spec → container config mapping, without an engine. */
class ContainerSpecsTest {
  private static ServiceSpec spec(List<String> command, List<String> args, List<ServiceSpec.PortConfig> ports,
                                  ServiceSpec.Resources resources, ServiceSpec.HealthCheck health,
                                  List<ServiceSpec.Mount> mounts, String grace) {
    return new ServiceSpec("web", "local/busybox:1", command, args, Map.of("B", "2", "A", "1"),
        Map.of("team", "blue", ContainerLabels.TASK_ID, "forged"), null, null, ports, null, resources, null, null,
        null, health, "/www", "65534", "SIGINT", grace, true, mounts, null);
  }

  private static Task task(ServiceSpec spec) {
    return new Task("t1", "svc-1", "web", 2, "node-a", 7, spec, DesiredState.RUNNING, null, 1, 1);
  }

  private static CreateContainerCmd apply(ServiceSpec spec) throws TaskRejectedException {
    CreateContainerCmd.Exec noEngine = c -> {
      throw new AssertionError("the mapping must not call the engine");
    };
    return ContainerSpecs.apply(task(spec), new CreateContainerCmdImpl(noEngine, null, spec.image()),
        BindMountPolicy.allowing(List.of("/srv")));
  }

  @Test
  void mapsEveryField() throws Exception {
    CreateContainerCmd cmd = apply(spec(List.of("httpd", "-f"), List.of("-p", "80"),
        List.of(new ServiceSpec.PortConfig(80, null, null, null), new ServiceSpec.PortConfig(53, 5353, "udp", "host")),
        new ServiceSpec.Resources(null, new ServiceSpec.ResourceAmount(0.5, "64M")),
        new ServiceSpec.HealthCheck(List.of("wget", "-q", "http://127.0.0.1/"), "2s", "1s", 3, "500ms"),
        List.of(new ServiceSpec.Mount("bind", "/srv/data", "/data", true), new ServiceSpec.Mount(null, "cache", "/cache", null)),
        "1500ms"));

    assertThat(cmd.getName()).isEqualTo("web.2.t1");
    assertThat(cmd.getCmd()).containsExactly("httpd", "-f", "-p", "80");
    assertThat(cmd.getEntrypoint()).isNull();
    assertThat(cmd.getEnv()).containsExactly("A=1", "B=2");
    assertThat(cmd.getWorkingDir()).isEqualTo("/www");
    assertThat(cmd.getUser()).isEqualTo("65534");
    assertThat(cmd.getStopSignal()).isEqualTo("SIGINT");
    assertThat(cmd.getStopTimeout()).isEqualTo(2);
    assertThat(cmd.getLabels()).containsEntry("team", "blue")
        .containsEntry(ContainerLabels.TASK_ID, "t1")
        .containsEntry(ContainerLabels.TASK_NAME, "web.2")
        .containsEntry(ContainerLabels.SLOT, "2")
        .containsEntry(ContainerLabels.SERVICE_ID, "svc-1")
        .containsEntry(ContainerLabels.SERVICE_NAME, "web")
        .containsEntry(ContainerLabels.NODE_ID, "node-a")
        .containsEntry(ContainerLabels.SPEC_VERSION, "7")
        .containsEntry(ContainerLabels.STOP_GRACE_PERIOD, "1.5s")
        .containsEntry(ContainerLabels.PORTS, "80/tcp,53/udp");
    assertThat(ContainerLabels.stopGrace(cmd.getLabels(), null)).isEqualTo(Duration.ofMillis(1500));
    assertThat(cmd.getExposedPorts()).containsExactly(ExposedPort.tcp(80), ExposedPort.udp(53));

    HostConfig host = cmd.getHostConfig();
    Map<ExposedPort, Ports.Binding[]> bindings = host.getPortBindings().getBindings();
    assertThat(bindings.get(ExposedPort.tcp(80))).containsExactly(Ports.Binding.bindIp("127.0.0.1"));
    assertThat(bindings.get(ExposedPort.udp(53))).containsExactly(Ports.Binding.bindIpAndPort("127.0.0.1", 5353));
    assertThat(host.getMemory()).isEqualTo(64L << 20);
    assertThat(host.getNanoCPUs()).isEqualTo(500_000_000L);
    assertThat(host.getReadonlyRootfs()).isTrue();
    assertThat(host.getRestartPolicy()).isNull();
    assertThat(host.getMounts()).satisfiesExactly(
        m -> {
          assertThat(m.getType()).isEqualTo(MountType.BIND);
          assertThat(m.getSource()).isEqualTo("/srv/data");
          assertThat(m.getTarget()).isEqualTo("/data");
          assertThat(m.getReadOnly()).isTrue();
        },
        m -> {
          assertThat(m.getType()).isEqualTo(MountType.VOLUME);
          assertThat(m.getSource()).isEqualTo("cache");
          assertThat(m.getReadOnly()).isNull();
        });
    assertThat(cmd.getHealthcheck().getTest()).containsExactly("CMD", "wget", "-q", "http://127.0.0.1/");
    assertThat(cmd.getHealthcheck().getInterval()).isEqualTo(2_000_000_000L);
    assertThat(cmd.getHealthcheck().getTimeout()).isEqualTo(1_000_000_000L);
    assertThat(cmd.getHealthcheck().getStartPeriod()).isEqualTo(500_000_000L);
    assertThat(cmd.getHealthcheck().getRetries()).isEqualTo(3);
  }

  @Test
  void withoutCommandOrArgsTheImageDecides() throws Exception {
    ServiceSpec bare = new ServiceSpec("db", "local/busybox:1", null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null);
    CreateContainerCmd cmd = apply(bare);
    assertThat(cmd.getCmd()).isNull();
    assertThat(cmd.getEnv()).isNull();
    assertThat(cmd.getExposedPorts()).isNullOrEmpty();
    assertThat(cmd.getStopTimeout()).isEqualTo(10);
    assertThat(cmd.getHostConfig().getReadonlyRootfs()).isNull();
    assertThat(cmd.getLabels()).doesNotContainKey(ContainerLabels.PORTS);
  }

  @Test
  void aShellHealthCheckKeepsItsPrefix() throws Exception {
    CreateContainerCmd cmd = apply(spec(null, null, null, null,
        new ServiceSpec.HealthCheck(List.of("CMD-SHELL", "test -f /tmp/ok"), null, null, null, null), null, null));
    assertThat(cmd.getHealthcheck().getTest()).containsExactly("CMD-SHELL", "test -f /tmp/ok");
    assertThat(cmd.getHealthcheck().getInterval()).isNull();
  }

  @Test
  void rejectsWhatTheEngineCouldNotBeToldWithAReason() {
    assertThatThrownBy(() -> apply(spec(null, null, null, null, null, null, "soon")))
        .isInstanceOf(TaskRejectedException.class).hasMessageContaining("stopGracePeriod");
    assertThatThrownBy(() -> apply(spec(null, null, null,
        new ServiceSpec.Resources(null, new ServiceSpec.ResourceAmount(null, "lots")), null, null, null)))
        .hasMessageContaining("resources.limits.memory");
    assertThatThrownBy(() -> apply(spec(null, null, List.of(new ServiceSpec.PortConfig(80, null, "icmp", null)),
        null, null, null, null))).hasMessageContaining("ports[0]: unknown protocol icmp");
    assertThatThrownBy(() -> apply(spec(null, null, null, null, null,
        List.of(new ServiceSpec.Mount("nfs", "x", "/x", null)), null))).hasMessageContaining("mounts[0]: unknown type nfs");
    assertThatThrownBy(() -> apply(spec(null, null, null, null, null,
        List.of(new ServiceSpec.Mount("bind", null, "/x", null)), null))).hasMessageContaining("needs a source");
    assertThatThrownBy(() -> apply(spec(null, null, null, null, null,
        List.of(new ServiceSpec.Mount("tmpfs", "/host/dir", "/x", null)), null)))
        .hasMessage("docker runtime: mounts[0]: a tmpfs mount takes no source, got /host/dir");
    assertThatThrownBy(() -> apply(spec(null, null, null, null, null,
        List.of(new ServiceSpec.Mount("volume", "/etc", "/x", null)), null)))
        .hasMessage("docker runtime: mounts[0]: a volume source is a volume name, got /etc");
    // A source without a type that looks like a path is a bind mount, and the node's rules apply.
    assertThatThrownBy(() -> apply(spec(null, null, null, null, null,
        List.of(new ServiceSpec.Mount(null, "/etc", "/x", null)), null)))
        .hasMessageStartingWith("docker runtime: mounts[0]: bind mount source /etc is not under a prefix this node allows");
    ServiceSpec badEnv = new ServiceSpec("db", "local/busybox:1", null, null, java.util.Map.of("A=B", "c"), null, null,
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    assertThatThrownBy(() -> apply(badEnv)).hasMessageStartingWith("docker runtime: env: \"A=B\" cannot be passed");
  }

  @Test
  void stopSecondsRoundUp() {
    assertThat(ContainerSpecs.stopSeconds(Duration.ZERO)).isZero();
    assertThat(ContainerSpecs.stopSeconds(Duration.ofMillis(1))).isEqualTo(1);
    assertThat(ContainerSpecs.stopSeconds(Duration.ofSeconds(10))).isEqualTo(10);
  }

  @Test
  void imageReferencesSplitForThePull() {
    assertThat(Images.Reference.parse("local/busybox:1")).isEqualTo(new Images.Reference("local/busybox", "1"));
    assertThat(Images.Reference.parse("busybox")).isEqualTo(new Images.Reference("busybox", "latest"));
    assertThat(Images.Reference.parse("localhost:5000/app")).isEqualTo(new Images.Reference("localhost:5000/app", "latest"));
    assertThat(Images.Reference.parse("localhost:5000/app:2")).isEqualTo(new Images.Reference("localhost:5000/app", "2"));
    assertThat(Images.Reference.parse("app@sha256:abc")).isEqualTo(new Images.Reference("app", "sha256:abc"));
  }
}
