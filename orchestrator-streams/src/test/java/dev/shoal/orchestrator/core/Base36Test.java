package dev.shoal.orchestrator.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Base36Test {

  @Test
  void writesWhatBigIntegerWrites() {
    List<byte[]> inputs = new ArrayList<>();
    inputs.add(new byte[0]);
    inputs.add(new byte[32]);
    inputs.add(new byte[] {1});
    inputs.add(new byte[] {0, 0, 0, 35});
    inputs.add(new byte[] {0, 0, 0, 36});
    byte[] ones = new byte[32];
    java.util.Arrays.fill(ones, (byte) 0xff);
    inputs.add(ones);
    for (int bit = 0; bit < 256; bit++) {
      byte[] b = new byte[32];
      b[31 - bit / 8] = (byte) (1 << (bit % 8));
      inputs.add(b);
    }
    Random r = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[1 + r.nextInt(40)];
      r.nextBytes(b);
      if (r.nextInt(4) == 0) {
        b[0] = 0; // leading zero bytes
      }
      inputs.add(b);
    }
    for (byte[] b : inputs) {
      assertThat(Base36.of(b.clone())).as(java.util.HexFormat.of().formatHex(b))
          .isEqualTo(new BigInteger(1, b).toString(36));
    }
  }
}
