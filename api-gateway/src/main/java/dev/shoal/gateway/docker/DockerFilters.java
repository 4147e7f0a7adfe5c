package dev.shoal.gateway.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.gateway.ApiException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code filters} query parameter of list endpoints: URL-encoded JSON mapping each key to its
 * values, as {@code {"service":{"web":true}}} (what the CLI sends) or the older
 * {@code {"service":["web"]}} (what docker-java sends). Values of one key are alternatives; different
 * keys must all match. Unknown keys are refused as dockerd refuses them, so a client never gets
 * an unfiltered list it believes filtered.
 */
final class DockerFilters {
  private final Map<String, Set<String>> values;

  private DockerFilters(Map<String, Set<String>> values) {
    this.values = values;
  }

  static DockerFilters none() {
    return new DockerFilters(Map.of());
  }

  /** Parses {@code json} (null or blank: no filters) and checks every key is one of {@code known}. */
  static DockerFilters parse(String json, Set<String> known) {
    DockerFilters f = parse(json);
    for (String key : f.values.keySet()) {
      if (!known.contains(key)) {
        throw ApiException.badRequest("Invalid filter '" + key + "'");
      }
    }
    return f;
  }

  static DockerFilters parse(String json) {
    if (json == null || json.isBlank()) {
      return none();
    }
    JsonNode node;
    try {
      node = DockerJson.parse(json);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("invalid filters: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest("invalid filters: expected a JSON object such as {\"name\":{\"web\":true}}");
    }
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      Set<String> vs = new LinkedHashSet<>();
      JsonNode v = e.getValue();
      if (v.isObject()) {
        for (Map.Entry<String, JsonNode> x : v.properties()) {
          if (x.getValue().asBoolean(false)) {
            vs.add(x.getKey());
          }
        }
      } else if (v.isArray()) {
        v.forEach(x -> vs.add(x.asText()));
      } else {
        throw ApiException.badRequest("invalid filters: the values of " + e.getKey() + " must be an object or a list");
      }
      if (!vs.isEmpty()) {
        out.put(e.getKey(), vs);
      }
    }
    return new DockerFilters(out);
  }

  boolean has(String key) {
    return values.containsKey(key);
  }

  Set<String> values(String key) {
    return values.getOrDefault(key, Set.of());
  }

  /** True when {@code key} is absent, or {@code actual} equals one of its values. */
  boolean matchesExactly(String key, String actual) {
    return !has(key) || (actual != null && values(key).contains(actual));
  }

  /** True when {@code key} is absent, or one of its values is a prefix of {@code actual} (ids and names). */
  boolean matchesPrefix(String key, String actual) {
    if (!has(key)) {
      return true;
    }
    return actual != null && values(key).stream().anyMatch(actual::startsWith);
  }

  /**
   * True when {@code key} is absent or {@code labels} satisfy every value: {@code k} needs the label,
   * {@code k=v} needs it with that value (dockerd's rule for label filters: all must hold).
   */
  boolean matchesLabels(String key, Map<String, String> labels) {
    for (String want : values(key)) {
      int eq = want.indexOf('=');
      String k = eq < 0 ? want : want.substring(0, eq);
      String actual = labels == null ? null : labels.get(k);
      if (actual == null || (eq >= 0 && !actual.equals(want.substring(eq + 1)))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    Map<String, Set<String>> sorted = new LinkedHashMap<>();
    new TreeSet<>(values.keySet()).forEach(k -> sorted.put(k, new TreeSet<>(values.get(k))));
    return sorted.toString();
  }
}
