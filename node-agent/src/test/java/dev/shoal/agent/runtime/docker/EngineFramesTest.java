package dev.shoal.agent.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's log frames come out whole however the socket cut them. */
class EngineFramesTest {
  private static byte[] frame(int stream, String payload) {
    byte[] p = payload.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(stream);
    b.write(0);
    b.write(0);
    b.write(0);
    b.write(p.length >>> 24);
    b.write(p.length >>> 16);
    b.write(p.length >>> 8);
    b.write(p.length);
    b.writeBytes(p);
    return b.toByteArray();
  }

  /** A socket that delivers at most {@code n} bytes per read, as a busy one does. */
  private static InputStream trickle(byte[] bytes, int n) {
    return new FilterInputStream(new java.io.ByteArrayInputStream(bytes)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, n));
      }
    };
  }

  private static List<String> read(InputStream in) throws Exception {
    List<String> out = new ArrayList<>();
    EngineFrames.read(in, (stream, payload) -> out.add(stream + ":" + new String(payload, StandardCharsets.UTF_8)));
    return out;
  }

  @Test
  void framesCutByTheSocketAreReassembled() throws Exception {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    List<String> want = new ArrayList<>();
    for (int i = 1; i <= 1000; i++) {
      String msg = "2026-11-30T07:29:01.341394530Z line " + i + "\n";
      int stream = i % 7 == 0 ? 2 : 1;
      all.writeBytes(frame(stream, msg));
      want.add(stream + ":" + msg);
    }
    for (int cut : new int[] {1, 3, 13, 1024}) {
      assertThat(read(trickle(all.toByteArray(), cut))).as("reads of %d bytes", cut).containsExactlyElementsOf(want);
    }
  }

  @Test
  void aStreamThatEndsInsideAFrameOrIsNotFramedBreaks() {
    byte[] f = frame(1, "2026-11-30T07:29:01Z hello\n");
    assertThatThrownBy(() -> read(trickle(java.util.Arrays.copyOf(f, f.length - 2), 5))).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> read(trickle(java.util.Arrays.copyOf(f, 5), 5))).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> read(trickle("2026-11-30 raw tty output\n".getBytes(StandardCharsets.UTF_8), 5)))
        .isInstanceOf(IOException.class).hasMessageContaining("not a multiplexed log stream");
  }

  @Test
  void anEmptyStreamEndsQuietly() throws Exception {
    assertThat(read(trickle(new byte[0], 5))).isEmpty();
  }
}
