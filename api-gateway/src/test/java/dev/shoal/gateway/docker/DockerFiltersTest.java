package dev.shoal.gateway.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.gateway.ApiException;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DockerFiltersTest {
  private static final Set<String> TASK_KEYS = Set.of("service", "_up-to-date", "desired-state", "label", "node");

  @Test
  void readsTheClisMapForm() {
    // 12-service-create-web: the poll of an attached create
    DockerFilters f = DockerFilters.parse(
        "{\"_up-to-date\":{\"true\":true},\"service\":{\"c5gp7weso1uayy8qz6zdwd5qk\":true}}", TASK_KEYS);
    assertThat(f.values("service")).containsExactly("c5gp7weso1uayy8qz6zdwd5qk");
    assertThat(f.values("_up-to-date")).containsExactly("true");
    assertThat(f.has("node")).isFalse();
  }

  @Test
  void readsDockerJavasListForm() {
    DockerFilters f = DockerFilters.parse("{\"service\":[\"web\",\"api\"]}", TASK_KEYS);
    assertThat(f.values("service")).containsExactly("web", "api");
  }

  @Test
  void aValueMappedToFalseIsNoValue() {
    assertThat(DockerFilters.parse("{\"service\":{\"web\":false}}", TASK_KEYS).has("service")).isFalse();
  }

  @Test
  void anUnknownKeyIsRefusedWithTheEnginesMessage() {
    assertThatThrownBy(() -> DockerFilters.parse("{\"bogus\":{\"x\":true}}", TASK_KEYS))
        .isInstanceOf(ApiException.class).hasMessage("Invalid filter 'bogus'");
  }

  @Test
  void malformedFiltersAreA400() {
    assertThatThrownBy(() -> DockerFilters.parse("{nope", TASK_KEYS))
        .isInstanceOf(ApiException.class).hasMessageStartingWith("invalid filters");
    assertThatThrownBy(() -> DockerFilters.parse("[1]", TASK_KEYS)).hasMessageStartingWith("invalid filters");
  }

  @Test
  void idAndNameFiltersArePrefixes() {
    DockerFilters f = DockerFilters.parse("{\"name\":{\"we\":true}}", Set.of("name"));
    assertThat(f.matchesPrefix("name", "web")).isTrue();
    assertThat(f.matchesPrefix("name", "api")).isFalse();
    assertThat(DockerFilters.none().matchesPrefix("name", "anything")).isTrue();
  }

  @Test
  void labelFiltersNeedEveryLabelAndValue() {
    // 30-stack-ls uses a key-only label filter, 31-stack-services key=value
    DockerFilters keyOnly = DockerFilters.parse("{\"label\":{\"com.docker.stack.namespace\":true}}", Set.of("label"));
    DockerFilters keyValue = DockerFilters.parse("{\"label\":{\"com.docker.stack.namespace=st1\":true,\"tier=front\":true}}",
        Set.of("label"));
    Map<String, String> web = Map.of("com.docker.stack.namespace", "st1", "tier", "front");
    Map<String, String> worker = Map.of("com.docker.stack.namespace", "st1");
    assertThat(keyOnly.matchesLabels("label", web)).isTrue();
    assertThat(keyOnly.matchesLabels("label", Map.of())).isFalse();
    assertThat(keyValue.matchesLabels("label", web)).isTrue();
    assertThat(keyValue.matchesLabels("label", worker)).isFalse();
    assertThat(keyValue.matchesLabels("label", null)).isFalse();
  }
}
