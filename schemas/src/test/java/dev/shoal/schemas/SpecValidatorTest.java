package dev.shoal.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {

  private static String resource(String name) throws IOException {
    try (InputStream in = SpecValidatorTest.class.getResourceAsStream("/specs/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void theFullExampleFromTheIssueIsValid() throws IOException {
    SpecValidator.Result r = SpecValidator.validate(resource("full.json"));
    assertThat(r.errors()).isEmpty();
    assertThat(r.spec().replicas()).isEqualTo(3);
    assertThat(r.spec().resources().reservations().memoryBytesOrZero()).isEqualTo(64L << 20);
    assertThat(r.spec().driver()).isEqualTo(Drivers.DOCKER);
  }

  @Test
  void aProcessSpecGetsSwarmDefaults() throws IOException {
    SpecValidator.Result r = SpecValidator.validate(resource("process.json"));
    assertThat(r.errors()).isEmpty();
    ServiceSpec s = r.spec();
    assertThat(s.driver()).isEqualTo(Drivers.PROCESS);
    assertThat(s.mode()).isEqualTo("replicated");
    assertThat(s.restartPolicy()).isEqualTo(ServiceSpec.RestartPolicy.DEFAULT);
    assertThat(s.updateConfig()).isEqualTo(ServiceSpec.UpdateConfig.DEFAULT);
    assertThat(s.ports().get(0).mode()).isEqualTo("ingress");
    assertThat(s.ports().get(0).protocol()).isEqualTo("tcp");
  }

  @Test
  void defaultsAreStableUnderReserialisation() throws IOException {
    ServiceSpec once = SpecValidator.validate(resource("full.json")).spec();
    ServiceSpec twice = SpecValidator.validate(Json.toString(once)).spec();
    assertThat(twice).isEqualTo(once);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "not json                 | {name: |malformed JSON",
      "not an object            | [1,2] |a service spec must be a JSON object",
      "missing name             | {\"command\":[\"true\"]} |required property 'name' not found",
      "bad name                 | {\"name\":\"Bad Name\",\"command\":[\"true\"]} |$.name",
      "negative replicas        | {\"name\":\"a\",\"command\":[\"true\"],\"replicas\":-1} |$.replicas",
      "unknown field            | {\"name\":\"a\",\"command\":[\"true\"],\"replica\":2} |replica",
      "no image nor command     | {\"name\":\"a\"} |needs an image (container) or a command (process)",
      "bad mode                 | {\"name\":\"a\",\"command\":[\"true\"],\"mode\":\"daemon\"} |$.mode",
      "global with replicas     | {\"name\":\"a\",\"command\":[\"true\"],\"mode\":\"global\",\"replicas\":2} |not allowed with mode global",
      "bad duration             | {\"name\":\"a\",\"command\":[\"true\"],\"restartPolicy\":{\"delay\":\"5 sec\"}} |$.restartPolicy.delay",
      "bad memory               | {\"name\":\"a\",\"command\":[\"true\"],\"resources\":{\"reservations\":{\"memory\":\"lots\"}}} |$.resources.reservations.memory",
      "port out of range        | {\"name\":\"a\",\"command\":[\"true\"],\"ports\":[{\"target\":70000}]} |$.ports[0].target",
      "published twice          | {\"name\":\"a\",\"command\":[\"true\"],\"ports\":[{\"target\":1,\"published\":80},{\"target\":2,\"published\":80}]} |published port 80/tcp is used twice",
      "bad constraint           | {\"name\":\"a\",\"command\":[\"true\"],\"placement\":{\"constraints\":[\"node.colour==red\"]}} |unknown attribute \"node.colour\"",
      "operator in value        | {\"name\":\"a\",\"command\":[\"true\"],\"placement\":{\"constraints\":[\"node.hostname!==node-1\"]}} |the value may only contain",
      "duplicate key            | {\"name\":\"a\",\"command\":[\"true\"],\"replicas\":1,\"replicas\":2} |Duplicate field 'replicas'",
      "float for integer        | {\"name\":\"a\",\"command\":[\"true\"],\"replicas\":1e2} |$.replicas",
      "string for integer       | {\"name\":\"a\",\"command\":[\"true\"],\"replicas\":\"2\"} |$.replicas",
      "trailing content         | {\"name\":\"a\",\"command\":[\"true\"]} {} |malformed JSON",
      "path in name             | {\"name\":\"../../x\",\"command\":[\"true\"]} |$.name",
      "dot in name              | {\"name\":\"a.b\",\"command\":[\"true\"]} |$.name",
      "replicas over the cap    | {\"name\":\"a\",\"command\":[\"true\"],\"replicas\":10001} |$.replicas",
      "NUL in an argument       | {\"name\":\"a\",\"command\":[\"tr\\u0000ue\"]} |$.command[0]",
      "grace over its maximum   | {\"name\":\"a\",\"command\":[\"true\"],\"stopGracePeriod\":\"1h0m1s\"} |$.stopGracePeriod: at most 1h",
      "huge grace               | {\"name\":\"a\",\"command\":[\"true\"],\"stopGracePeriod\":\"999999h\"} |$.stopGracePeriod: at most 1h",
      "monitor that overflows   | {\"name\":\"a\",\"command\":[\"true\"],\"updateConfig\":{\"monitor\":\"9223372036854775808ns\"}} |$.updateConfig.monitor",
      "restart delay over max   | {\"name\":\"a\",\"command\":[\"true\"],\"restartPolicy\":{\"delay\":\"61m\"}} |$.restartPolicy.delay: at most 1h",
      "process with mounts      | {\"name\":\"a\",\"command\":[\"true\"],\"mounts\":[{\"type\":\"tmpfs\",\"target\":\"/t\"}]} |$.mounts: not supported by the process runtime",
      "process read-only        | {\"name\":\"a\",\"command\":[\"true\"],\"readOnly\":true} |$.readOnly: not supported by the process runtime",
      "process with limits      | {\"name\":\"a\",\"command\":[\"true\"],\"resources\":{\"limits\":{\"memory\":\"64M\"}}} |$.resources.limits: not enforced by the process runtime",
      "health check kind        | {\"name\":\"a\",\"command\":[\"true\"],\"healthcheck\":{\"test\":[\"curl\",\"x\"]}} |must start with NONE, CMD or CMD-SHELL",
      "global max per node      | {\"name\":\"a\",\"command\":[\"true\"],\"mode\":\"global\",\"placement\":{\"maxReplicasPerNode\":1}} |only for mode replicated",
      "memory limit too small   | {\"name\":\"a\",\"image\":\"i\",\"resources\":{\"limits\":{\"memory\":\"1M\"}}} |at least 6M",
      "tmpfs with a source      | {\"name\":\"a\",\"image\":\"i\",\"mounts\":[{\"type\":\"tmpfs\",\"source\":\"/x\",\"target\":\"/t\"}]} |takes no source",
      "unknown stop signal      | {\"name\":\"a\",\"command\":[\"true\"],\"stopSignal\":\"SIGBANANA\"} |is not a Linux signal",
      "health interval under 1ms| {\"name\":\"a\",\"command\":[\"true\"],\"healthcheck\":{\"test\":[\"CMD\",\"true\"],\"interval\":\"10us\"}} |at least 1ms",
      "process health no test   | {\"name\":\"a\",\"command\":[\"true\"],\"healthcheck\":{\"interval\":\"1s\"}} |no image to inherit a check from",
      "relative workdir         | {\"name\":\"a\",\"command\":[\"true\"],\"workdir\":\"tmp\"} |$.workdir",
      "env not strings          | {\"name\":\"a\",\"command\":[\"true\"],\"env\":{\"A\":1}} |$.env.A",
      "bad failure action       | {\"name\":\"a\",\"command\":[\"true\"],\"updateConfig\":{\"failureAction\":\"panic\"}} |$.updateConfig.failureAction",
  })
  void invalidDocumentsAreRefusedWithAReason(String what, String json, String expected) {
    SpecValidator.Result r = SpecValidator.validate(json);
    assertThat(r.valid()).as(what).isFalse();
    assertThat(r.message()).as(what).contains(expected.trim());
  }

  @Test
  void aSpecJustOverTheSizeLimitIsTooLarge() {
    String filler = "x".repeat(Limits.MAX_SPEC_BYTES);
    SpecValidator.Result r = SpecValidator.validate("{\"name\":\"a\",\"command\":[\"" + filler + "\"]}");
    assertThat(r.code()).isEqualTo(RejectionCode.TOO_LARGE);
    assertThat(r.message()).contains("at most " + Limits.MAX_SPEC_BYTES + " bytes");
  }

  @Test
  void deepNestingIsRefusedCheaply() {
    String deep = "{\"name\":\"a\",\"command\":[\"true\"],\"labels\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
    SpecValidator.Result r = SpecValidator.validate(deep);
    assertThat(r.valid()).isFalse();
    assertThat(r.message()).contains("malformed JSON");
  }

  @Test
  void everyListAndMapLimitIsEnforcedJustOverIt() {
    assertThat(SpecValidator.validate(withList("command", 1024)).valid()).isTrue();
    assertThat(SpecValidator.validate(withList("command", 1025)).message()).contains("$.command");
    assertThat(SpecValidator.validate(withMap("labels", 128)).valid()).isTrue();
    assertThat(SpecValidator.validate(withMap("labels", 129)).message()).contains("$.labels");
    assertThat(SpecValidator.validate(withMap("env", 512)).valid()).isTrue();
    assertThat(SpecValidator.validate(withMap("env", 513)).message()).contains("$.env");
    assertThat(SpecValidator.validate("{\"name\":\"" + "a".repeat(63) + "\",\"command\":[\"true\"]}").valid()).isTrue();
    assertThat(SpecValidator.validate("{\"name\":\"" + "a".repeat(64) + "\",\"command\":[\"true\"]}").message())
        .contains("$.name");
  }

  private static String withList(String field, int n) {
    StringBuilder b = new StringBuilder("{\"name\":\"a\",\"command\":[\"true\"]");
    if (field.equals("command")) {
      b = new StringBuilder("{\"name\":\"a\"");
    }
    b.append(",\"").append(field).append("\":[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append("\"a\"");
    }
    return b.append("]}").toString();
  }

  private static String withMap(String field, int n) {
    StringBuilder b = new StringBuilder("{\"name\":\"a\",\"command\":[\"true\"],\"").append(field).append("\":{");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append("\"K").append(i).append("\":\"v\"");
    }
    return b.append("}}").toString();
  }
}
