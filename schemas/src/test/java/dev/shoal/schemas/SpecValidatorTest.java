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
      "bad constraint           | {\"name\":\"a\",\"command\":[\"true\"],\"placement\":{\"constraints\":[\"node.colour==red\"]}} |unknown attribute node.colour",
      "env not strings          | {\"name\":\"a\",\"command\":[\"true\"],\"env\":{\"A\":1}} |$.env.A",
      "bad failure action       | {\"name\":\"a\",\"command\":[\"true\"],\"updateConfig\":{\"failureAction\":\"panic\"}} |$.updateConfig.failureAction",
  })
  void invalidDocumentsAreRefusedWithAReason(String what, String json, String expected) {
    SpecValidator.Result r = SpecValidator.validate(json);
    assertThat(r.valid()).as(what).isFalse();
    assertThat(r.message()).as(what).contains(expected.trim());
  }
}
