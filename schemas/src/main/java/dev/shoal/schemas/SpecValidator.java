package dev.shoal.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a service spec document: first against {@code service-spec.schema.json} (shape, types,
 * unknown fields), then the rules a schema cannot say (an image or a command, consistent mode and
 * replicas, distinct published ports, parseable constraints). The gateway and the orchestrator's
 * intake both call this, so a spec refused over HTTP is refused on Kafka with the same reason.
 */
public final class SpecValidator {
  private static final JsonSchema SCHEMA = loadSchema();

  /** The outcome: a spec with defaults filled in, or the reasons it was refused (sorted). */
  public record Result(ServiceSpec spec, List<String> errors) {
    public boolean valid() {
      return errors.isEmpty();
    }

    /** All reasons in one line, for an HTTP 400 body or a rejection event. */
    public String message() {
      return String.join("; ", errors);
    }
  }

  private SpecValidator() {}

  public static Result validate(String json) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(json == null ? "" : json);
    } catch (JsonProcessingException e) {
      return invalid("malformed JSON: " + e.getOriginalMessage());
    }
    if (node == null || node.isMissingNode() || !node.isObject()) {
      return invalid("a service spec must be a JSON object");
    }
    return validate(node);
  }

  public static Result validate(JsonNode node) {
    List<String> errors = new ArrayList<>();
    for (ValidationMessage m : SCHEMA.validate(node)) {
      errors.add(m.getMessage());
    }
    if (!errors.isEmpty()) {
      return new Result(null, errors.stream().sorted().toList());
    }
    ServiceSpec spec;
    try {
      spec = Json.MAPPER.treeToValue(node, ServiceSpec.class);
    } catch (JsonProcessingException e) {
      return invalid("invalid spec: " + e.getOriginalMessage());
    }
    errors.addAll(semanticErrors(spec));
    return errors.isEmpty() ? new Result(spec.withDefaults(), List.of()) : new Result(null, errors);
  }

  /** Rules beyond the schema, for a spec that already has the right shape. */
  static List<String> semanticErrors(ServiceSpec spec) {
    List<String> errors = new ArrayList<>();
    boolean hasImage = spec.image() != null && !spec.image().isBlank();
    boolean hasCommand = spec.command() != null && !spec.command().isEmpty();
    if (!hasImage && !hasCommand) {
      errors.add("$: a spec needs an image (container) or a command (process)");
    }
    if (ServiceSpec.MODE_GLOBAL.equals(spec.mode()) && spec.replicas() != null) {
      errors.add("$.replicas: not allowed with mode global (one task runs on every eligible node)");
    }
    if (spec.ports() != null) {
      Set<String> published = new HashSet<>();
      for (ServiceSpec.PortConfig p : spec.ports()) {
        if (p.published() != null) {
          String key = p.published() + "/" + (p.protocol() == null ? "tcp" : p.protocol());
          if (!published.add(key)) {
            errors.add("$.ports: published port " + key + " is used twice");
          }
        }
      }
    }
    if (spec.placement() != null && spec.placement().constraints() != null) {
      for (String c : spec.placement().constraints()) {
        if (PlacementConstraint.parse(c).isEmpty()) {
          errors.add("$.placement.constraints: " + PlacementConstraint.explain(c));
        }
      }
    }
    if (spec.mounts() != null) {
      for (ServiceSpec.Mount m : spec.mounts()) {
        if (!"tmpfs".equals(m.type()) && (m.source() == null || m.source().isBlank())) {
          errors.add("$.mounts: a " + m.type() + " mount of " + m.target() + " needs a source");
        }
      }
    }
    return errors;
  }

  private static Result invalid(String reason) {
    return new Result(null, List.of(reason));
  }

  /** The schema file's text, for the gateway to serve. */
  public static String schemaText() {
    try (InputStream in = SpecValidator.class.getResourceAsStream("/schemas/service-spec.schema.json")) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonSchema loadSchema() {
    try (InputStream in = SpecValidator.class.getResourceAsStream("/schemas/service-spec.schema.json")) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
