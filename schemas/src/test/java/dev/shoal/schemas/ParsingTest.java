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
    assertThat(PlacementConstraint.explain("node.colour==red")).contains("unknown attribute node.colour");
    assertThat(PlacementConstraint.explain("zone")).contains("expected <attribute>==<value>");
  }
}
