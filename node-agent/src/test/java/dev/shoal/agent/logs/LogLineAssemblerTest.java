package dev.shoal.agent.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.agent.runtime.OutputPiece;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Pieces become lines; long lines are cut on a character boundary and say what they lost. */
class LogLineAssemblerTest {
  private static OutputPiece piece(String text, long pos, boolean ends) {
    return new OutputPiece("stdout", pos * 10, text.getBytes(StandardCharsets.UTF_8), pos, ends);
  }

  @Test
  void aLineInPiecesIsOneLineWithItsFirstTimeAndItsLastPosition() {
    LineAssembler a = new LineAssembler("stdout", 100);
    assertThat(a.add(piece("hel", 3, false))).isNull();
    assertThat(a.isOpen()).isTrue();
    LineAssembler.Assembled line = a.add(piece("lo", 6, true));
    assertThat(line).isEqualTo(new LineAssembler.Assembled("stdout", 30, "hello", 5, 0, 6));
    assertThat(a.isOpen()).isFalse();
    assertThat(a.flush()).isNull();
  }

  @Test
  void anUnfinishedLineIsFlushedAsItStands() {
    LineAssembler a = new LineAssembler("stdout", 100);
    a.add(piece("no newline", 10, false));
    assertThat(a.flush().text()).isEqualTo("no newline");
    assertThat(a.isOpen()).isFalse();
  }

  @Test
  void aLongLineKeepsItsFirstBytesAndCountsTheRest() {
    LineAssembler a = new LineAssembler("stdout", 4);
    a.add(piece("abcdef", 6, false));
    LineAssembler.Assembled line = a.add(piece("ghij", 11, true));
    assertThat(line.text()).isEqualTo("abcd");
    assertThat(line.cutBytes()).isEqualTo(6);
    assertThat(line.pos()).isEqualTo(11);
  }

  @Test
  void aLineAtTheLimitIsWholeAndOneByteOverIsCut() {
    int max = dev.shoal.schemas.LogBatch.MAX_LINE_BYTES;
    LineAssembler a = new LineAssembler("stdout", max);
    LineAssembler.Assembled at = a.add(piece("x".repeat(max), max, true));
    assertThat(at.cutBytes()).isZero();
    assertThat(at.text()).hasSize(max);
    LineAssembler.Assembled over = a.add(piece("y".repeat(max + 1), 2L * max + 1, true));
    assertThat(over.cutBytes()).isEqualTo(1);
    assertThat(over.text()).hasSize(max);
  }

  @Test
  void aCutNeverSplitsACharacter() {
    // "é" is two bytes: a 3-byte bound after "a" would keep half of the second "é".
    LineAssembler a = new LineAssembler("stdout", 4);
    LineAssembler.Assembled line = a.add(piece("aééé", 7, true));
    assertThat(line.text()).isEqualTo("aé");
    assertThat(line.bytes()).isEqualTo(3);
    assertThat(line.cutBytes()).isEqualTo(4);
    assertThat(LineAssembler.completeUtf8Prefix("a€".getBytes(StandardCharsets.UTF_8))).isEqualTo(4);
    assertThat(LineAssembler.completeUtf8Prefix(new byte[] {'a', (byte) 0xE2, (byte) 0x82})).isEqualTo(1);
  }
}
