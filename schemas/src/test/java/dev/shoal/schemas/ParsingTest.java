package dev.shoal.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ParsingTest {

  @Test
  void goDurations() {
    assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThatThrownBy(() -> Durations.parse("5 seconds")).hasMessageContaining("invalid duration \"5 seconds\"");
    assertThatThrownBy(() -> Durations.parse("s")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void memorySizes() {
    assertThat(Sizes.parseBytes("64M")).isEqualTo(64L << 20);
    assertThat(Sizes.parseBytes("1g")).isEqualTo(1L << 30);
    assertThat(Sizes.parseBytes("128MiB")).isEqualTo(128L << 20);
    assertThat(Sizes.parseBytes("512")).isEqualTo(512);
    assertThatThrownBy(() -> Sizes.parseBytes("lots")).hasMessageContaining("invalid size \"lots\"");
  }

  @Test
  void constraints() {
    assertThat(PlacementConstraint.parse("node.labels.zone==a"))
        .contains(new PlacementConstraint("node.labels.zone", true, "a"));
    assertThat(PlacementConstraint.parse(" node.role != manager "))
        .contains(new PlacementConstraint("node.role", false, "manager"));
    assertThat(PlacementConstraint.parse("node.colour==red")).isEmpty();
    assertThat(PlacementConstraint.explain("node.colour==red")).contains("unknown attribute \"node.colour\"");
    assertThat(PlacementConstraint.explain("zone")).contains("expected <attribute>==<value>");
  }

  @Test
  void oneConstraintGrammarWithoutGuessing() {
    // Not "!= \"=node-1\"": a value cannot hold an operator character.
    assertThat(PlacementConstraint.parse("node.hostname!==node-1")).isEmpty();
    assertThat(PlacementConstraint.explain("node.hostname!==node-1")).contains("the value may only contain");
    assertThat(PlacementConstraint.parse("node.labels.zone==ü")).isEmpty();
    assertThat(PlacementConstraint.parse("node.labels.ü==a")).isEmpty();
    assertThat(PlacementConstraint.parse("node.labels.zone==")).isEmpty();
    assertThat(PlacementConstraint.parse("node.labels.zone == eu-west/1")).isPresent();
    assertThat(PlacementConstraint.parse("x".repeat(513))).isEmpty();
  }

  @Test
  void labelsANodeMayCarryAreTheOnesAConstraintCanName() {
    assertThat(Labels.problems(java.util.Map.of("zone", "a"))).isEmpty();
    assertThat(Labels.problems(java.util.Map.of("zone", ""))).isEmpty();
    assertThat(Labels.problems(java.util.Map.of("zone", "ü"))).singleElement().asString().contains("may only contain");
    assertThat(Labels.problems(java.util.Map.of("zo ne", "a"))).singleElement().asString().contains("label key");
    assertThat(Labels.problems(java.util.Map.of("k".repeat(Limits.MAX_NODE_LABEL_KEY + 1), "a"))).isNotEmpty();
    assertThat(Labels.problems(java.util.Map.of("k", "v".repeat(Limits.MAX_NODE_LABEL_VALUE + 1)))).isNotEmpty();
    java.util.Map<String, String> many = new java.util.TreeMap<>();
    for (int i = 0; i <= Limits.MAX_NODE_LABELS; i++) {
      many.put("k" + i, "v");
    }
    assertThat(Labels.problems(many)).singleElement().asString().contains("at most " + Limits.MAX_NODE_LABELS);
    // every label the rules accept is matched by a constraint naming it
    for (String value : java.util.List.of("a", "eu-west/1", "x.y_z", "(a|b)")) {
      assertThat(PlacementConstraint.parse("node.labels.zone==" + value)).as(value).isPresent();
    }
  }

  @Test
  void durationsRefuseWhatDoesNotFit64BitNanoseconds() {
    assertThat(Durations.parse("9223372036854775807ns")).isEqualTo(java.time.Duration.ofNanos(Long.MAX_VALUE));
    assertThatThrownBy(() -> Durations.parse("9223372036854775808ns")).hasMessageContaining("too long");
    assertThatThrownBy(() -> Durations.parse("99999999999h")).hasMessageContaining("too long");
    assertThat(Durations.parse("1.5s")).isEqualTo(java.time.Duration.ofMillis(1500));
    assertThatThrownBy(() -> Durations.parse("1".repeat(65) + "s")).hasMessageContaining("longer than 64");
  }

  @Test
  void aNumberOrBooleanIsNeverReadAsAString() {
    // The spec schema refuses "name": 1; a record read without the schema (a spec on the control
    // log, a command, a heartbeat) must refuse it too, not read "1" and accept it. Found by FuzzIT.
    for (String bad : java.util.List.of("1", "1.5", "true", "-0", "1e2")) {
      assertThatThrownBy(() -> Json.fromString("{\"kind\":\"spec-applied\",\"spec\":{\"name\":" + bad
          + ",\"command\":[\"sleep\"]}}", ControlMessage.class)).as(bad).isInstanceOf(java.io.UncheckedIOException.class);
      assertThatThrownBy(() -> Json.fromString("{\"name\":\"a\",\"command\":[" + bad + "]}", ServiceSpec.class))
          .as(bad).isInstanceOf(java.io.UncheckedIOException.class);
      assertThatThrownBy(() -> Json.fromString("{\"name\":\"a\",\"labels\":{\"k\":" + bad + "}}", ServiceSpec.class))
          .as(bad).isInstanceOf(java.io.UncheckedIOException.class);
      assertThatThrownBy(() -> Json.fromString("{\"command\":{\"type\":\"scale\",\"service\":" + bad
          + ",\"replicas\":1}}", CommandEnvelope.class)).as(bad).isInstanceOf(java.io.UncheckedIOException.class);
      assertThatThrownBy(() -> Json.fromString("{\"nodeId\":\"n\",\"sequence\":1,\"description\":{\"hostname\":" + bad
          + "}}", NodeHeartbeat.class)).as(bad).isInstanceOf(java.io.UncheckedIOException.class);
    }
    assertThat(Json.fromString("{\"name\":\"1\",\"command\":[\"2\"]}", ServiceSpec.class).command()).containsExactly("2");
  }

  @Test
  void sizesRefuseWhatDoesNotFit64Bits() {
    assertThat(Sizes.parseBytes("1p")).isEqualTo(1L << 50);
    assertThatThrownBy(() -> Sizes.parseBytes("99999999p")).hasMessageContaining("too large");
  }
}
