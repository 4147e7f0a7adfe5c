package dev.shoal.gateway.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.SpecValidator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A spec read through the engine API and sent back unchanged (what {@code docker service scale}
 * and {@code update} do) is the same spec, down to how it is written, whichever door created it:
 * otherwise the orchestrator would see a new task template and replace every task.
 */
class SpecRoundTripTest {
  /** The Docker surface's update path: write, read back, align to the current spec, validate. */
  static ServiceSpec throughTheEngineApi(ServiceSpec current) {
    ObjectNode docker = SwarmSpecWriter.serviceSpec(current);
    ObjectNode shoal = SwarmSpecReader.read(docker).spec();
    SpecAlignment.alignTo(shoal, current);
    SpecValidator.Result v = SpecValidator.validate(shoal);
    assertThat(v.errors()).isEmpty();
    return v.spec();
  }

  @Test
  void aSpecCreatedOverV1WithItsOwnSpellingsComesBackIdentical() {
    ServiceSpec v1 = SpecValidator.validate("""
        {"name":"api","image":"local/busybox:1","command":["sh","-c"],"args":["sleep 600"],"replicas":3,
         "env":{"A":"1"},"labels":{"team":"x"},
         "restartPolicy":{"condition":"on-failure","delay":"1m","window":"2m30s"},
         "updateConfig":{"parallelism":2,"delay":"1.5s","monitor":"0.5s","order":"start-first"},
         "resources":{"limits":{"cpus":0.5,"memory":"0.5g"},"reservations":{"cpus":1,"memory":"64MiB"}},
         "healthcheck":{"test":["CMD","true"],"interval":"1m","retries":0},
         "placement":{"constraints":[]},
         "stopGracePeriod":"1m"}
        """).spec();
    assertThat(v1).isNotNull();
    assertThat(throughTheEngineApi(v1)).isEqualTo(v1);
  }

  @Test
  void aProcessSpecKeepsItsCommandAndArgs() {
    ServiceSpec p = SpecValidator.validate("""
        {"name":"p","command":["python3","-m","http.server"],"args":["8000"],"replicas":2,"ports":[{"target":8000}]}
        """).spec();
    assertThat(throughTheEngineApi(p)).isEqualTo(p);
  }

  @Test
  void anHttpIngressPortKeepsItsAppProtocolThroughTheEngineApi() {
    ServiceSpec p = SpecValidator.validate("""
        {"name":"web","image":"local/busybox:1","replicas":2,
         "ports":[{"target":80,"published":8080,"appProtocol":"http"},{"target":81,"published":8081}]}
        """).spec();
    assertThat(throughTheEngineApi(p)).isEqualTo(p);
  }

  @Test
  void randomSpecsSurviveTheRoundTrip() {
    Random r = new Random(7);
    List<String> durations = List.of("0s", "5s", "1m", "90s", "45m", "250ms", "1.5s", "2m0s"); // within Limits
    List<String> sizes = List.of("64M", "1G", "1536K", "100000", "0.5g", "128MiB");
    for (int i = 0; i < 300; i++) {
      boolean global = r.nextInt(4) == 0;
      ServiceSpec s = new ServiceSpec("svc" + i, "local/busybox:1",
          r.nextBoolean() ? List.of("sh") : null, r.nextBoolean() ? List.of("-c", "sleep 1") : null,
          r.nextBoolean() ? Map.of("K" + i, "v") : null, r.nextBoolean() ? Map.of("l", "v") : null,
          global ? "global" : "replicated", global ? null : r.nextInt(5),
          r.nextBoolean() ? List.of(new ServiceSpec.PortConfig(80, r.nextBoolean() ? 8000 + i : null, null, null)) : null,
          r.nextBoolean() ? new ServiceSpec.Placement(List.of("node.role==worker"), null, global ? null : r.nextInt(3)) : null,
          r.nextBoolean() ? new ServiceSpec.Resources(
              new ServiceSpec.ResourceAmount(0.25 * (1 + r.nextInt(4)), pick(r, sizes)), null) : null,
          new ServiceSpec.RestartPolicy(r.nextBoolean() ? "any" : "none", pick(r, durations), r.nextInt(3),
              pick(r, durations)),
          new ServiceSpec.UpdateConfig(r.nextInt(3), pick(r, durations), "pause", pick(r, durations), 0.0, null),
          null,
          r.nextBoolean() ? new ServiceSpec.HealthCheck(List.of("CMD-SHELL", "true"), pick(r, durations),
              pick(r, durations), r.nextInt(3), null) : null,
          r.nextBoolean() ? "/tmp" : null, null, r.nextBoolean() ? "SIGTERM" : null, pick(r, durations),
          r.nextBoolean() ? Boolean.TRUE : null, null, (long) r.nextInt(3)).withDefaults();
      assertThat(SpecValidator.validate(dev.shoal.schemas.Json.MAPPER.valueToTree(s)).errors()).as("%s", s).isEmpty();
      assertThat(throughTheEngineApi(s)).as("round trip of %s", s).isEqualTo(s);
    }
  }

  private static String pick(Random r, List<String> from) {
    return from.get(r.nextInt(from.size()));
  }
}
