package dev.shoal.gateway.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.gateway.Http;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineNetworkRoutesTest extends EngineRoutesTestBase {
  private static final String ST1 = "{\"label\":{\"com.docker.stack.namespace=st1\":true}}";

  @Test
  void aStackDefaultNetworkIsCreatedListedAndRemoved() {
    // 28: stack deploy lists by label, creates st1_default; 33: stack rm removes it by id
    assertThat(http.get("/v1.41/networks?filters=" + filters(ST1)).body()).isEqualTo("[]\n");
    Http.Response created = http.post("/v1.41/networks/create", Captures.json("network-create.request.json").toString());
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("Id").asText();
    assertThat(id).hasSize(25);
    assertThat(names(ST1)).containsExactly("st1_default");
    assertThat(http.get("/v1.41/networks/st1_default").json().get("Id").asText()).isEqualTo(id);
    Http.Response again = http.post("/v1.41/networks/create", Captures.json("network-create.request.json").toString());
    assertThat(again.status()).isEqualTo(409);
    assertThat(http.delete("/v1.41/networks/" + id).status()).isEqualTo(204);
    assertThat(http.delete("/v1.41/networks/" + id).status()).isEqualTo(404);
    assertThat(names(ST1)).isEmpty();
  }

  @Test
  void aStacksServicesImplyItsNetworkWhichIsInUseUntilTheyGo() {
    var s = service("{\"name\":\"st1_web\",\"image\":\"local/busybox:1\",\"labels\":{\"com.docker.stack.namespace\":\"st1\"}}");
    assertThat(names(ST1)).containsExactly("st1_default");
    Http.Response inUse = http.delete("/v1.41/networks/st1_default");
    assertThat(inUse.status()).isEqualTo(409);
    assertThat(inUse.message()).contains("in use by service st1_web");
    backend.services.remove(s.id());
    assertThat(http.delete("/v1.41/networks/" + StackNetworks.idOf("st1_default")).status()).isEqualTo(204);
  }

  @Test
  void otherNetworksAreNotSupported() {
    Http.Response r = http.post("/v1.41/networks/create", "{\"Name\":\"net1\",\"Driver\":\"overlay\",\"CheckDuplicate\":true}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.message()).startsWith("not supported: network net1");
    Http.Response bridge = http.post("/v1.41/networks/create", "{\"Name\":\"b\",\"Driver\":\"bridge\"}");
    assertThat(bridge.message()).startsWith("not supported: network driver bridge");
  }

  @Test
  void ingressIsListedAndStays() {
    assertThat(names("{}")).contains("ingress");
    assertThat(http.delete("/v1.41/networks/ingress").status()).isEqualTo(403);
  }

  private List<String> names(String filterJson) {
    List<String> out = new ArrayList<>();
    http.get("/v1.41/networks?filters=" + filters(filterJson)).json().forEach(n -> out.add(n.get("Name").asText()));
    return out;
  }
}
