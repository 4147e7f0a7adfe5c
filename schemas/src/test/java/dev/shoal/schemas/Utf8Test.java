package dev.shoal.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8Test {

  @Test
  void countsWhatTheJdkEncodes() {
    for (String s : new String[] {"", "plain", "é", "€uro", "a😀b", "日本語のテキスト", "\u0080\u07FF\u0800\uFFFF"}) {
      assertThat(Utf8.length(s)).as(s).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  @Test
  void anUnpairedSurrogateCountsAsTheThreeBytesOfItsReplacement() {
    assertThat(Utf8.length("a\uD83D")).isEqualTo(1 + 3); // the JDK writes '?' for it; the limit counts more, never less
  }

  @Test
  void longerThanIsExactAtTheLimitAndOneByteOver() {
    String threeByteChars = "€".repeat(100); // 300 bytes, 100 UTF-16 units
    assertThat(Utf8.longerThan(threeByteChars, 300)).isFalse();
    assertThat(Utf8.longerThan(threeByteChars, 299)).isTrue();
    assertThat(Utf8.longerThan("a".repeat(301), 300)).isTrue();
    assertThat(Utf8.longerThan("a".repeat(300), 300)).isFalse();
  }
}
