package dev.shoal.gateway.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.gateway.Http;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.TaskState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EngineTaskRoutesTest extends EngineRoutesTestBase {
  private Service web;
  private ServiceSpec oldSpec;

  @BeforeEach
  void cluster() {
    agent("n1", "node-1", 3);
    agent("n2", "node-2", 3);
    web = service("{\"name\":\"web\",\"image\":\"local/busybox:1\",\"replicas\":2,\"labels\":{\"tier\":\"front\"}}");
    oldSpec = dev.shoal.schemas.SpecValidator.validate("{\"name\":\"web\",\"image\":\"local/busybox:0\",\"replicas\":2,"
        + "\"labels\":{\"tier\":\"front\"}}").spec();
    task(web, "t1new", 1, "n1", TaskState.RUNNING, DesiredState.RUNNING, web.spec());
    task(web, "t2new", 2, "n2", TaskState.STARTING, DesiredState.RUNNING, web.spec());
    task(web, "t1old", 1, "n1", TaskState.SHUTDOWN, DesiredState.SHUTDOWN, oldSpec);
    // scaled since: same template, other replica count
    task(web, "t3scl", 3, "n2", TaskState.RUNNING, DesiredState.RUNNING, web.spec().withReplicas(3));
    Service other = service("{\"name\":\"other\",\"image\":\"local/busybox:1\"}");
    task(other, "o1", 1, "n1", TaskState.RUNNING, DesiredState.RUNNING, other.spec());
  }

  @Test
  void theProgressPollSeesOnlyTasksOfTheCurrentTemplate() {
    // 12: filters={"_up-to-date":{"true":true},"service":{"<id>":true}}
    assertThat(ids("{\"_up-to-date\":{\"true\":true},\"service\":{\"" + web.id() + "\":true}}"))
        .containsExactly("t1new", "t2new", "t3scl");
  }

  @Test
  void serviceAndNodeFiltersTakeIdsNamesAndPrefixes() {
    assertThat(ids("{\"service\":{\"" + web.id() + "\":true}}")).containsExactly("t1new", "t1old", "t2new", "t3scl");
    assertThat(ids("{\"service\":[\"web\"]}")).containsExactly("t1new", "t1old", "t2new", "t3scl");
    assertThat(ids("{\"node\":{\"n1\":true}}")).containsExactly("o1", "t1new", "t1old");
    assertThat(ids("{\"node\":{\"node-2\":true},\"desired-state\":{\"running\":true}}")).containsExactly("t2new", "t3scl");
    assertThat(ids("{\"service\":{\"web\":true},\"desired-state\":{\"shutdown\":true}}")).containsExactly("t1old");
  }

  @Test
  void theLabelFilterMatchesTheServicesLabels() {
    // 32-stack-ps: tasks of a stack are found by the service label
    assertThat(ids("{\"label\":{\"tier=front\":true}}")).containsExactly("t1new", "t1old", "t2new", "t3scl");
  }

  @Test
  void anUnknownServiceIsA404AndAnUnknownFilterA400() {
    assertThat(http.get("/v1.41/tasks?filters=" + filters("{\"service\":{\"nosuch\":true}}")).status()).isEqualTo(404);
    Http.Response r = http.get("/v1.41/tasks?filters=" + filters("{\"bogus\":{\"x\":true}}"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.message()).isEqualTo("Invalid filter 'bogus'");
  }

  @Test
  void aTaskByIdOrPrefix() {
    assertThat(http.get("/v1.41/tasks/t2new").json().get("Slot").asInt()).isEqualTo(2);
    assertThat(http.get("/v1.41/tasks/t2n").json().get("ID").asText()).isEqualTo("t2new");
    assertThat(http.get("/v1.41/tasks/zzz").status()).isEqualTo(404);
  }

  private List<String> ids(String filterJson) {
    Http.Response r = http.get("/v1.41/tasks?filters=" + filters(filterJson));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    r.json().forEach(t -> out.add(t.get("ID").asText()));
    return out.stream().sorted().toList();
  }
}
