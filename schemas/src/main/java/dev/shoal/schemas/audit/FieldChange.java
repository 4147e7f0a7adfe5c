package dev.shoal.schemas.audit;

/**
 * One field that differs between two versions of a document: its dotted path ({@code env.REV},
 * {@code updateConfig.parallelism}, {@code command}) and its value before and after as compact
 * JSON (null: the field was absent).
 */
public record FieldChange(String path, String before, String after) {

  /** {@code replicas: 3 → 5}, {@code + env.NEW: "x"}, {@code - env.OLD: "y"}. */
  public String line() {
    if (before == null) {
      return "+ " + path + ": " + after;
    }
    if (after == null) {
      return "- " + path + ": " + before;
    }
    return path + ": " + before + " → " + after;
  }
}
