package dev.shoal.schemas.audit;

import dev.shoal.schemas.Json;
import dev.shoal.schemas.ServiceSpec;
import java.util.List;

/** What changed between two versions of a service spec, field by field ({@link JsonChanges}). */
public final class SpecDiff {
  private SpecDiff() {}

  /** The changes from {@code before} to {@code after}; a null spec is an absent one (a creation or a removal). */
  public static List<FieldChange> between(ServiceSpec before, ServiceSpec after) {
    return JsonChanges.between(before == null ? null : Json.MAPPER.valueToTree(before),
        after == null ? null : Json.MAPPER.valueToTree(after));
  }
}
