package dev.shoal.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IdentifiersTest {

  @Test
  void anIdIsWhatThePatternAccepts() {
    List<String> samples = new ArrayList<>(List.of("", "a", "Z9", "0", "_a", ".a", "-a", "a_", "a.b-c_d",
        "node-1\n", "a\nb", "a b", "é", "a١", "ａ", "x".repeat(127), "x".repeat(128), "x".repeat(129),
        "a" + "-".repeat(127), "a" + "-".repeat(128), "task/1", "a\u0000"));
    String alphabet = "aZ09_.-/ \n\té١ａ\u0000";
    Random r = new Random(11);
    for (int i = 0; i < 50_000; i++) {
      StringBuilder b = new StringBuilder();
      int length = r.nextInt(8) == 0 ? 120 + r.nextInt(12) : r.nextInt(6);
      for (int k = 0; k < length; k++) {
        b.append(r.nextInt(10) < 8 ? (char) ('a' + r.nextInt(26)) : alphabet.charAt(r.nextInt(alphabet.length())));
      }
      samples.add(b.toString());
    }
    int accepted = 0;
    for (String s : samples) {
      boolean expected = Identifiers.ID.matcher(s).matches();
      assertThat(Identifiers.id(s)).as("%s", s.replace("\n", "\\n")).isEqualTo(expected);
      accepted += expected ? 1 : 0;
    }
    assertThat(accepted).as("both kinds of sample").isBetween(1_000, samples.size() - 1_000);
    assertThat(Identifiers.id(null)).isFalse();
  }
}
