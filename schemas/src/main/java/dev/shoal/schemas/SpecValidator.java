package dev.shoal.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a service spec document: its size, then {@code service-spec.schema.json} (shape, types,
 * unknown fields, field limits), then the rules a schema cannot say (an image or a command,
 * consistent mode and replicas, distinct published ports, the constraint grammar, duration and
 * size maximums, what the process driver cannot do). Every door calls this — the gateway, the
 * intake of {@code shoal.specs} and the control processor for direct writes to the control log —
 * so a spec refused at one is refused at all with the same reason.
 */
public final class SpecValidator {
  private static final JsonSchema SCHEMA = loadSchema();

  /** The outcome: a spec with defaults filled in, or the reasons it was refused (sorted) and their code. */
  public record Result(ServiceSpec spec, List<String> errors, RejectionCode code) {
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
    if (json == null || json.isBlank()) {
      return invalid("a service spec must be a JSON object");
    }
    // Characters first: a string longer than the limit in chars is longer in bytes too.
    if (json.length() > Limits.MAX_SPEC_BYTES || json.getBytes(StandardCharsets.UTF_8).length > Limits.MAX_SPEC_BYTES) {
      return new Result(null, List.of("a service spec is at most " + Limits.MAX_SPEC_BYTES + " bytes"),
          RejectionCode.TOO_LARGE);
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(json);
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
      return new Result(null, errors.stream().sorted().distinct().limit(20).toList(), RejectionCode.INVALID);
    }
    ServiceSpec spec;
    try {
      spec = Json.MAPPER.treeToValue(node, ServiceSpec.class);
    } catch (JsonMappingException e) {
      return invalid(path(e) + ": " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      return invalid("invalid spec: " + e.getOriginalMessage());
    }
    errors.addAll(semanticErrors(spec));
    return errors.isEmpty() ? new Result(spec.withDefaults(), List.of(), null)
        : new Result(null, errors, RejectionCode.INVALID);
  }

  /** Validates a spec that is already a record (a direct write to the control log carries one). */
  public static Result validate(ServiceSpec spec) {
    if (spec == null) {
      return invalid("a service spec is required");
    }
    return validate(Json.toString(spec));
  }

  /** Rules beyond the schema, for a spec that already has the right shape. */
  static List<String> semanticErrors(ServiceSpec spec) {
    List<String> errors = new ArrayList<>();
    boolean hasImage = spec.image() != null && !spec.image().isBlank();
    boolean hasCommand = spec.command() != null && !spec.command().isEmpty();
    if (!hasImage && !hasCommand) {
      errors.add("$: a spec needs an image (container) or a command (process)");
    }
    if (ServiceSpec.MODE_GLOBAL.equals(spec.mode())) {
      if (spec.replicas() != null) {
        errors.add("$.replicas: not allowed with mode global (one task runs on every eligible node)");
      }
      if (spec.placement() != null && spec.placement().maxReplicasPerNode() != null) {
        errors.add("$.placement.maxReplicasPerNode: only for mode replicated");
      }
    }
    portErrors(spec, errors);
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
        if ("tmpfs".equals(m.type()) && m.source() != null && !m.source().isEmpty()) {
          errors.add("$.mounts: a tmpfs mount of " + m.target() + " takes no source");
        }
      }
    }
    if (spec.stopSignal() != null && Signals.normalise(spec.stopSignal()) == null) {
      errors.add("$.stopSignal: " + Labels.shorten(spec.stopSignal()) + " is not a Linux signal (e.g. SIGTERM, SIGINT, SIGUSR1, 10)");
    }
    durationErrors(spec, errors);
    resourceErrors(spec, errors);
    healthErrors(spec.healthcheck(), errors);
    if (!hasImage) {
      processDriverErrors(spec, errors);
    }
    return errors;
  }

  private static void portErrors(ServiceSpec spec, List<String> errors) {
    if (spec.ports() == null) {
      return;
    }
    Set<String> published = new HashSet<>();
    for (ServiceSpec.PortConfig p : spec.ports()) {
      if (p.published() != null) {
        String key = p.published() + "/" + (p.protocol() == null ? "tcp" : p.protocol());
        if (!published.add(key)) {
          errors.add("$.ports: published port " + key + " is used twice");
        }
      }
      ingressPortErrors(p, errors);
    }
    errors.addAll(IngressLabels.errors(spec));
  }

  /** The gateways' ingress proxies TCP only; an HTTP application protocol needs a port they publish. */
  private static void ingressPortErrors(ServiceSpec.PortConfig p, List<String> errors) {
    if (p.isIngress() && p.protocol() != null && !"tcp".equals(p.protocol())) {
      errors.add("$.ports: published port " + p.published() + "/" + p.protocol() + ": the ingress routes tcp only;"
          + " publish " + p.protocol() + " with mode host");
    }
    if (p.appProtocol() != null && !p.isIngress()) {
      errors.add("$.ports: appProtocol of target port " + p.target() + " applies only to a port published in"
          + " ingress mode");
    }
  }

  private static void durationErrors(ServiceSpec spec, List<String> errors) {
    atMost(errors, "$.stopGracePeriod", spec.stopGracePeriod(), Limits.MAX_STOP_GRACE);
    if (spec.restartPolicy() != null) {
      atMost(errors, "$.restartPolicy.delay", spec.restartPolicy().delay(), Limits.MAX_RESTART_DELAY);
      atMost(errors, "$.restartPolicy.window", spec.restartPolicy().window(), Limits.MAX_RESTART_WINDOW);
    }
    for (String which : List.of("updateConfig", "rollbackConfig")) {
      ServiceSpec.UpdateConfig u = which.equals("updateConfig") ? spec.updateConfig() : spec.rollbackConfig();
      if (u != null) {
        atMost(errors, "$." + which + ".delay", u.delay(), Limits.MAX_UPDATE_DELAY);
        atMost(errors, "$." + which + ".monitor", u.monitor(), Limits.MAX_UPDATE_MONITOR);
      }
    }
    ServiceSpec.HealthCheck h = spec.healthcheck();
    if (h != null) {
      atMost(errors, "$.healthcheck.interval", h.interval(), Limits.MAX_HEALTH_DURATION);
      atMost(errors, "$.healthcheck.timeout", h.timeout(), Limits.MAX_HEALTH_DURATION);
      atMost(errors, "$.healthcheck.startPeriod", h.startPeriod(), Limits.MAX_HEALTH_DURATION);
    }
  }

  private static void atMost(List<String> errors, String path, String text, Duration max) {
    if (text == null) {
      return;
    }
    try {
      if (Durations.parse(text).compareTo(max) > 0) {
        errors.add(path + ": at most " + Durations.format(max) + ", not " + text);
      }
    } catch (IllegalArgumentException e) {
      errors.add(path + ": " + e.getMessage());
    }
  }

  private static void resourceErrors(ServiceSpec spec, List<String> errors) {
    if (spec.resources() == null) {
      return;
    }
    memory(errors, "$.resources.reservations.memory",
        spec.resources().reservations() == null ? null : spec.resources().reservations().memory(), 0);
    memory(errors, "$.resources.limits.memory",
        spec.resources().limits() == null ? null : spec.resources().limits().memory(), Limits.MIN_MEMORY_LIMIT_BYTES);
  }

  private static void memory(List<String> errors, String path, String text, long min) {
    if (text == null) {
      return;
    }
    try {
      long bytes = Sizes.parseBytes(text);
      if (bytes > Limits.MAX_MEMORY_BYTES) {
        errors.add(path + ": at most 1P, not " + text);
      } else if (bytes < min) {
        errors.add(path + ": at least " + (min >> 20) + "M (Docker's minimum), not " + text);
      }
    } catch (IllegalArgumentException e) {
      errors.add(path + ": " + e.getMessage());
    }
  }

  private static void healthErrors(ServiceSpec.HealthCheck h, List<String> errors) {
    if (h == null) {
      return;
    }
    for (String[] d : new String[][] {{"interval", h.interval()}, {"timeout", h.timeout()}, {"startPeriod", h.startPeriod()}}) {
      try {
        Duration v = d[1] == null ? null : Durations.parse(d[1]);
        if (v != null && !v.isZero() && v.compareTo(Duration.ofMillis(1)) < 0) {
          errors.add("$.healthcheck." + d[0] + ": 0 (the default) or at least 1ms, as Docker's");
        }
      } catch (IllegalArgumentException e) {
        // reported by durationErrors
      }
    }
    if (h.test() == null || h.test().isEmpty()) {
      return;
    }
    String kind = h.test().get(0);
    switch (kind) {
      case "NONE" -> {
        if (h.test().size() != 1) {
          errors.add("$.healthcheck.test: [\"NONE\"] takes no arguments");
        }
      }
      case "CMD" -> {
        if (h.test().size() < 2) {
          errors.add("$.healthcheck.test: [\"CMD\", …] needs a command");
        }
      }
      case "CMD-SHELL" -> {
        if (h.test().size() != 2) {
          errors.add("$.healthcheck.test: [\"CMD-SHELL\", \"<shell command>\"] takes exactly one string");
        }
      }
      default -> errors.add("$.healthcheck.test: must start with NONE, CMD or CMD-SHELL, as Docker's, not "
          + Labels.shorten(kind));
    }
  }

  /**
   * What the process driver (a spec without an image) cannot do is refused here, at every door,
   * rather than accepted and ignored on the node.
   */
  private static void processDriverErrors(ServiceSpec spec, List<String> errors) {
    if (spec.mounts() != null && !spec.mounts().isEmpty()) {
      errors.add("$.mounts: not supported by the process runtime (a spec without an image); use an image");
    }
    if (Boolean.TRUE.equals(spec.readOnly())) {
      errors.add("$.readOnly: not supported by the process runtime (a spec without an image); use an image");
    }
    if (spec.healthcheck() != null && (spec.healthcheck().test() == null || spec.healthcheck().test().isEmpty())) {
      errors.add("$.healthcheck.test: required for the process runtime (a spec without an image has no image to"
          + " inherit a check from)");
    }
    if (spec.resources() != null && spec.resources().limits() != null
        && (spec.resources().limits().cpus() != null || spec.resources().limits().memory() != null)) {
      errors.add("$.resources.limits: not enforced by the process runtime (a spec without an image); use an image,"
          + " or reservations to book capacity");
    }
  }

  private static String path(JsonMappingException e) {
    StringBuilder b = new StringBuilder("$");
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        b.append('.').append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  private static Result invalid(String reason) {
    return new Result(null, List.of(reason), RejectionCode.INVALID);
  }

  /** The schema file's text, for the gateway to serve. */
  public static String schemaText() {
    try (InputStream in = SpecValidator.class.getResourceAsStream("/schemas/service-spec.schema.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
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
