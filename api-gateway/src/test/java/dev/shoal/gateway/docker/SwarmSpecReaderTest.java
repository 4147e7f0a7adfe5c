package dev.shoal.gateway.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.gateway.ApiException;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.SpecValidator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SwarmSpecReaderTest {
  /** What the Docker surface does with a body: translate, then the one validator of Shoal. */
  static ServiceSpec shoal(ObjectNode docker) {
    SwarmSpecReader.Result r = SwarmSpecReader.read(docker);
    SpecValidator.Result v = SpecValidator.validate(r.spec());
    assertThat(v.errors()).as("validation of %s", r.spec()).isEmpty();
    return v.spec();
  }

  @Test
  void theCreateOfFile12MeansWhatTheFlagsSaid() {
    // docker service create --name web --replicas 3 -p 18090:80 --env A=1 --label team=x
    //   --constraint node.role==manager --update-parallelism 2 --update-delay 2s
    //   --restart-condition on-failure local/busybox:1 /bin/httpd -f -p 80
    ServiceSpec s = shoal(Captures.object("create-web.request.json"));
    assertThat(s.name()).isEqualTo("web");
    assertThat(s.image()).isEqualTo("local/busybox:1");
    assertThat(s.command()).isEmpty();
    assertThat(s.args()).containsExactly("/bin/httpd", "-f", "-p", "80");
    assertThat(s.env()).isEqualTo(Map.of("A", "1"));
    assertThat(s.labels()).isEqualTo(Map.of("team", "x"));
    assertThat(s.mode()).isEqualTo("replicated");
    assertThat(s.replicas()).isEqualTo(3);
    assertThat(s.placement().constraints()).containsExactly("node.role==manager");
    assertThat(s.restartPolicy()).isEqualTo(new ServiceSpec.RestartPolicy("on-failure", "5s", 0, "0s"));
    assertThat(s.updateConfig()).isEqualTo(new ServiceSpec.UpdateConfig(2, "2s", "pause", "5s", 0.0, "stop-first"));
    assertThat(s.ports()).containsExactly(new ServiceSpec.PortConfig(80, 18090, "tcp", "ingress"));
  }

  @Test
  void aGlobalServiceHasNoReplicas() {
    ServiceSpec s = shoal(Captures.object("create-global.request.json"));
    assertThat(s.isGlobal()).isTrue();
    assertThat(s.replicas()).isNull();
    assertThat(s.args()).containsExactly("/bin/sleep", "3600");
  }

  @Test
  void replicatedWithoutACountIsOneReplica() {
    // 93: docker service create without --replicas sends "Replicated": {}
    assertThat(shoal(Captures.object("create-probe.request.json")).replicas()).isEqualTo(1);
  }

  @Test
  void aFullSpecAsInspectShowsItIsAccepted() {
    // 94: what a client sends back after reading the service (RollbackConfig, StopGracePeriod, Isolation)
    ServiceSpec s = shoal(Captures.object("update-probe.request.json"));
    assertThat(s.stopGracePeriod()).isEqualTo("10s");
    assertThat(s.rollbackConfig()).isEqualTo(new ServiceSpec.UpdateConfig(1, "0s", "pause", "5s", 0.0, "stop-first"));
  }

  @Test
  void stackServicesDeployWithAWarningAboutTheirNetwork() {
    // 28: docker stack deploy -c st1-compose.yml st1
    SwarmSpecReader.Result web = SwarmSpecReader.read(Captures.object("stack-web.request.json"));
    assertThat(web.warnings()).singleElement().asString()
        .contains("network st1_default").contains("no overlay networks").contains("published ports");
    ServiceSpec s = shoal(Captures.object("stack-web.request.json"));
    assertThat(s.labels()).containsEntry("com.docker.stack.namespace", "st1").containsEntry("tier", "front");
    assertThat(s.restartPolicy().condition()).isEqualTo("on-failure");
    assertThat(s.updateConfig()).isEqualTo(new ServiceSpec.UpdateConfig(1, "2s", "pause", "5s", 0.0, "start-first"));
    assertThat(s.replicas()).isEqualTo(2);
    assertThat(s.env()).isEqualTo(Map.of("GREETING", "hello"));

    ServiceSpec worker = shoal(Captures.object("stack-worker.request.json"));
    // "Order": "" means the default
    assertThat(worker.updateConfig()).isEqualTo(new ServiceSpec.UpdateConfig(1, "0s", "rollback", "5s", 0.0, "stop-first"));
  }

  @Test
  void everyFlagOfTheIssueMapsToAShoalField() {
    // The body docker service create sends for the issue's flags (field names as in moby's api/types/swarm).
    ObjectNode body = Captures.parse("""
        {"Name":"full","Labels":{"a":"b"},
         "TaskTemplate":{
           "ContainerSpec":{"Image":"local/busybox:1","Args":["sh","-c","sleep 600"],"Env":["X=1","Y=a=b"],
             "Dir":"/tmp","User":"nobody","Init":false,"StopSignal":"SIGINT","StopGracePeriod":3000000000,
             "Mounts":[{"Type":"bind","Source":"/tmp","Target":"/data","ReadOnly":true},
                       {"Type":"tmpfs","Target":"/scratch"}],
             "Healthcheck":{"Test":["CMD-SHELL","true"],"Interval":2000000000,"Timeout":1000000000,"Retries":3,
               "StartPeriod":500000000},
             "DNSConfig":{},"Isolation":"default"},
           "Resources":{"Limits":{"NanoCPUs":500000000,"MemoryBytes":67108864},
                        "Reservations":{"NanoCPUs":100000000,"MemoryBytes":16777216}},
           "RestartPolicy":{"Condition":"any","Delay":1000000000,"MaxAttempts":3,"Window":60000000000},
           "Placement":{"Constraints":["node.labels.zone==a"],
             "Preferences":[{"Spread":{"SpreadDescriptor":"node.labels.zone"}}],"MaxReplicas":2},
           "ForceUpdate":0},
         "Mode":{"Replicated":{"Replicas":2}},
         "UpdateConfig":{"Parallelism":1,"Delay":1000000000,"FailureAction":"rollback","Monitor":2000000000,
           "MaxFailureRatio":0.5,"Order":"start-first"},
         "RollbackConfig":{"Parallelism":2,"Delay":0,"FailureAction":"continue","Monitor":1000000000,
           "MaxFailureRatio":0,"Order":"stop-first"},
         "EndpointSpec":{"Mode":"vip","Ports":[{"Protocol":"tcp","TargetPort":80,"PublishedPort":8080,
           "PublishMode":"ingress"},{"Protocol":"udp","TargetPort":53,"PublishMode":"host","PublishedPort":5353}]}}
        """);
    ServiceSpec s = shoal(body);
    assertThat(s.args()).containsExactly("sh", "-c", "sleep 600");
    assertThat(s.env()).isEqualTo(Map.of("X", "1", "Y", "a=b"));
    assertThat(s.workdir()).isEqualTo("/tmp");
    assertThat(s.user()).isEqualTo("nobody");
    assertThat(s.stopSignal()).isEqualTo("SIGINT");
    assertThat(s.stopGracePeriod()).isEqualTo("3s");
    assertThat(s.mounts()).containsExactly(new ServiceSpec.Mount("bind", "/tmp", "/data", true),
        new ServiceSpec.Mount("tmpfs", null, "/scratch", null));
    assertThat(s.healthcheck()).isEqualTo(new ServiceSpec.HealthCheck(List.of("CMD-SHELL", "true"), "2s", "1s", 3, "500ms"));
    assertThat(s.resources()).isEqualTo(new ServiceSpec.Resources(new ServiceSpec.ResourceAmount(0.1, "16M"),
        new ServiceSpec.ResourceAmount(0.5, "64M")));
    assertThat(s.restartPolicy()).isEqualTo(new ServiceSpec.RestartPolicy("any", "1s", 3, "1m"));
    assertThat(s.placement()).isEqualTo(new ServiceSpec.Placement(List.of("node.labels.zone==a"),
        List.of(new ServiceSpec.Preference("node.labels.zone")), 2));
    assertThat(s.updateConfig()).isEqualTo(new ServiceSpec.UpdateConfig(1, "1s", "rollback", "2s", 0.5, "start-first"));
    assertThat(s.rollbackConfig()).isEqualTo(new ServiceSpec.UpdateConfig(2, "0s", "continue", "1s", 0.0, "stop-first"));
    assertThat(s.ports()).containsExactly(new ServiceSpec.PortConfig(80, 8080, "tcp", "ingress"),
        new ServiceSpec.PortConfig(53, 5353, "udp", "host"));
  }

  @Test
  void docker_javasExplicitNullsAndZeroValuesMeanAbsent() {
    // What docker-java 3.7 sent for createServiceCmd (captured), plus more of its nulls.
    ObjectNode body = Captures.parse("""
        {"Name":"dj","Labels":null,"TaskTemplate":{"ContainerSpec":{"Image":"local/busybox:1","Command":null,
          "Args":null,"Hostname":null,"Env":null,"TTY":false,"Secrets":[],"Configs":null,"Privileges":null,
          "Healthcheck":null,"Mounts":null},"Resources":null,"RestartPolicy":null,"Placement":null,"Networks":null,
          "LogDriver":null,"ForceUpdate":null,"Runtime":null},
         "Mode":{"mode":"REPLICATED","Replicated":{"Replicas":1},"Global":null},"UpdateConfig":null,"RollbackConfig":null,
         "Networks":null,"EndpointSpec":null}
        """);
    ServiceSpec s = shoal(body);
    assertThat(s.replicas()).isEqualTo(1);
    assertThat(s.args()).isEmpty();
  }

  @Test
  void whatShoalCannotHonourIsRefusedAndNamed() {
    ObjectNode body = Captures.parse("""
        {"Name":"x","TaskTemplate":{"ContainerSpec":{"Image":"local/busybox:1","Command":["/entry"],
          "Hostname":"h","TTY":true,"Secrets":[{"SecretName":"s"}],"Labels":{"only":"container"}},
          "LogDriver":{"Name":"syslog"},"Placement":{"Platforms":[{"OS":"linux"}]},
          "Resources":{"Limits":{"Pids":10}}},
         "Mode":{"ReplicatedJob":{"MaxConcurrent":1}},
         "EndpointSpec":{"Mode":"dnsrr"},
         "Frobnicate":true}
        """);
    assertThatThrownBy(() -> SwarmSpecReader.read(body))
        .isInstanceOf(ApiException.class)
        .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400))
        .hasMessageStartingWith("not supported: ")
        .hasMessageContaining("TaskTemplate.ContainerSpec.Command")
        .hasMessageContaining("TaskTemplate.ContainerSpec.Hostname")
        .hasMessageContaining("TaskTemplate.ContainerSpec.TTY")
        .hasMessageContaining("TaskTemplate.ContainerSpec.Secrets")
        .hasMessageContaining("TaskTemplate.ContainerSpec.Labels.only")
        .hasMessageContaining("TaskTemplate.LogDriver")
        .hasMessageContaining("TaskTemplate.Placement.Platforms")
        .hasMessageContaining("TaskTemplate.Resources.Limits.Pids")
        .hasMessageContaining("Mode.ReplicatedJob")
        .hasMessageContaining("EndpointSpec.Mode")
        .hasMessageContaining("Frobnicate");
  }

  @Test
  void jobsAreRefusedEvenWithAnEmptyMode() {
    // docker service create --mode global-job sends "Mode": {"GlobalJob": {}}
    ObjectNode body = Captures.object("create-probe.request.json");
    body.putObject("Mode").putObject("GlobalJob");
    assertThatThrownBy(() -> SwarmSpecReader.read(body)).hasMessage("not supported: Mode.GlobalJob (Shoal runs services, not jobs)");
  }

  @Test
  void aNetworkOtherThanTheStacksDefaultIsRefused() {
    ObjectNode body = Captures.object("stack-web.request.json");
    ((ObjectNode) body.get("TaskTemplate").get("Networks").get(0)).put("Target", "st1_backend");
    assertThatThrownBy(() -> SwarmSpecReader.read(body))
        .hasMessageContaining("not supported: TaskTemplate.Networks[0].Target st1_backend");
    ObjectNode plain = Captures.object("create-probe.request.json");
    ((ObjectNode) plain.get("TaskTemplate")).putArray("Networks").addObject().put("Target", "st1_default");
    assertThatThrownBy(() -> SwarmSpecReader.read(plain)).hasMessageContaining("TaskTemplate.Networks[0].Target");
  }

  @Test
  void valuesOfTheWrongShapeAreInvalidNotUnsupported() {
    ObjectNode body = Captures.object("create-probe.request.json");
    ((ObjectNode) body.get("Mode").get("Replicated")).put("Replicas", "three");
    assertThatThrownBy(() -> SwarmSpecReader.read(body))
        .hasMessage("invalid spec: Mode.Replicated.Replicas must be an integer, got \"three\"");
  }

  @Test
  void rulesAreTheValidatorsNotTheReaders() {
    // A negative replica count passes the translation and is refused by SpecValidator, as over /v1.
    ObjectNode body = Captures.object("create-probe.request.json");
    ((ObjectNode) body.get("Mode").get("Replicated")).put("Replicas", -1);
    SpecValidator.Result v = SpecValidator.validate(SwarmSpecReader.read(body).spec());
    assertThat(v.valid()).isFalse();
    assertThat(v.message()).contains("replicas");
  }

  @Test
  void withoutAnImageTheArgumentsAreAProcessCommand() {
    ObjectNode body = Captures.parse("""
        {"Name":"p","TaskTemplate":{"ContainerSpec":{"Args":["sleep","600"]}},"Mode":{"Replicated":{"Replicas":1}}}
        """);
    ServiceSpec s = shoal(body);
    assertThat(s.image()).isNull();
    assertThat(s.command()).containsExactly("sleep", "600");
  }
}
