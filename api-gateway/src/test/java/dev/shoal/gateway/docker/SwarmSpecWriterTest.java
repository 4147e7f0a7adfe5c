package dev.shoal.gateway.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.schemas.ServiceSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class SwarmSpecWriterTest {
  @Test
  void theSpecOfFile12IsWrittenAsDockerdWroteItWithInsertDefaults() {
    ServiceSpec web = SwarmSpecReaderTest.shoal(Captures.object("create-web.request.json"));
    JsonNode expected = Captures.json("service-web.inspect.json").get("Spec");
    ObjectNode actual = SwarmSpecWriter.serviceSpec(web);
    // Byte for byte, field order included: it is what `docker service inspect` prints.
    assertThat(DockerJson.write(actual)).isEqualTo(expected.toString());
  }

  @Test
  void aTasksSpecIsTheTemplateAsTheCapturedTasksShowIt() {
    ServiceSpec web = SwarmSpecReaderTest.shoal(Captures.object("create-web.request.json"));
    JsonNode captured = Captures.json("tasks-web.running.json").get(0).get("Spec");
    ObjectNode actual = SwarmSpecWriter.taskSpec(web);
    // dockerd leaves StopGracePeriod and Runtime out of a task spec when the service did not set them;
    // Shoal's specs always carry their defaults. Everything else is the same.
    ((ObjectNode) actual.get("ContainerSpec")).remove("StopGracePeriod");
    actual.remove("Runtime");
    assertThat(DockerJson.write(actual)).isEqualTo(captured.toString());
  }

  @Test
  void aGlobalServiceIsWrittenWithAnEmptyGlobalMode() {
    ServiceSpec g = SwarmSpecReaderTest.shoal(Captures.object("create-global.request.json"));
    assertThat(SwarmSpecWriter.serviceSpec(g).get("Mode").toString()).isEqualTo("{\"Global\":{}}");
  }

  @Test
  void aProcessServicesArgvIsItsArgs() {
    ServiceSpec p = new ServiceSpec("p", null, List.of("python3", "-m"), List.of("http.server"), null, null, null, 2,
        null, null, null, null, null, null, null, null, null, null, null, null, null, null).withDefaults();
    JsonNode c = SwarmSpecWriter.serviceSpec(p).get("TaskTemplate").get("ContainerSpec");
    assertThat(c.get("Image").asText()).isEmpty();
    assertThat(c.get("Args").toString()).isEqualTo("[\"python3\",\"-m\",\"http.server\"]");
  }
}
