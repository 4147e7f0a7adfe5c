package dev.shoal.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * The hash chain's elements, against SHA-256 values computed apart from this code (Python's hashlib,
 * from a seed of 32 zero bytes, in base64url without padding).
 */
class HashChainTest {
  private static final String C0 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  private static final String C1 = "Zmh6rfhivXdsj8GLjp-OIAiXFIVu4jOzkCpZHQ1fKSU";
  private static final String C2 = "KzLbbCwKYjX7E5foIl6oXg8Obox7Em0AFsy94OZnFR4";
  private static final String C3 = "EncTVeRs1Hxx7Rch_VMZs4PMo6H5_OOqHIzTvTevINc";
  private static final String C65 = "sMeQXHOXQmJcmQLrfPfzKU1f6LhzvXkDbJsK4qvfxnA";
  private static final String C130 = "GHb_MCpJCMFa8e6oqBgunYlGdmUtOKb52QHKGWFeJ08";

  @Test
  void elementsAreRepeatedSha256OfTheSeed() {
    HashChain chain = HashChain.fromSeed(new byte[32], 3);
    assertThat(chain.top()).isEqualTo(C3);
    assertThat(chain.element(2)).isEqualTo(C2);
    assertThat(chain.element(1)).isEqualTo(C1);
    assertThat(chain.element(0)).isEqualTo(C0);
  }

  @Test
  void elementsAcrossTheKeptSegmentsAreRight() {
    HashChain chain = HashChain.fromSeed(new byte[32], 130);
    assertThat(chain.top()).isEqualTo(C130);
    assertThat(chain.element(65)).isEqualTo(C65);
    assertThat(chain.element(3)).isEqualTo(C3);
    assertThat(chain.element(130)).isEqualTo(C130); // upwards again after going down
    assertThatThrownBy(() -> chain.element(131)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> chain.element(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anElementLeadsToTheOnesAboveItOnly() {
    assertThat(HashChain.leadsTo(C2, 1, C3)).isTrue();
    assertThat(HashChain.leadsTo(C0, 3, C3)).isTrue();
    assertThat(HashChain.leadsTo(C0, 2, C3)).isFalse();
    assertThat(HashChain.leadsTo(C3, 1, C2)).isFalse();
    assertThat(HashChain.leadsTo(C3, 0, C3)).isFalse(); // an element is no step below itself
    assertThat(HashChain.leadsTo("not an element", 1, C3)).isFalse();
  }

  @Test
  void onlyTheOneSpellingOf32BytesIsAnElement() {
    assertThat(HashChain.wellFormed(C1)).isTrue();
    assertThat(HashChain.wellFormed(C1 + "A")).isFalse();
    assertThat(HashChain.wellFormed(C1.substring(1))).isFalse();
    assertThat(HashChain.wellFormed(C1 + "=")).isFalse();
    // 43 characters carry 258 bits, the last 2 must be zero: "V" (010101) decodes to the same bytes as "U".
    assertThat(HashChain.wellFormed(C1.substring(0, 42) + "V")).isFalse();
    assertThat(HashChain.wellFormed(null)).isFalse();
  }

  @Test
  void drawnChainsDifferAndHaveTheirLength() {
    HashChain a = HashChain.draw(600, new SecureRandom());
    HashChain b = HashChain.draw(600, new SecureRandom());
    assertThat(a.top()).isNotEqualTo(b.top());
    assertThat(HashChain.leadsTo(a.element(0), 600, a.top())).isTrue();
    assertThatThrownBy(() -> HashChain.draw(HashChain.MAX_LENGTH + 1, new SecureRandom()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
