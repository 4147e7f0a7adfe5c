package dev.shoal.agent.runtime;

import dev.shoal.schemas.LogBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Reads a process task's {@code stdout.log} and {@code stderr.log} from byte offsets. Each file stays
 * open once found, so a task removed meanwhile (its directory deleted) is still read to its end.
 * A piece's {@code pos} is the file offset after it; its time is when it was read.
 */
final class ProcessOutputReader implements OutputReader {
  private final List<StreamFile> streams;
  private final BooleanSupplier exited;

  ProcessOutputReader(Path dir, Map<String, Long> from, BooleanSupplier exited) {
    this.exited = exited;
    this.streams = List.of(
        new StreamFile(LogBatch.STDOUT, ProcessEntry.stdoutFile(dir), from.getOrDefault(LogBatch.STDOUT, 0L)),
        new StreamFile(LogBatch.STDERR, ProcessEntry.stderrFile(dir), from.getOrDefault(LogBatch.STDERR, 0L)));
  }

  @Override
  public List<OutputPiece> read(int maxBytes) throws IOException {
    List<OutputPiece> out = new ArrayList<>();
    int left = maxBytes;
    for (int i = 0; i < streams.size() && left > 0; i++) {
      // An even share each, and what one stream leaves to the next: stderr is not starved by stdout.
      int share = i == streams.size() - 1 ? left : Math.max(1, left / (streams.size() - i));
      left -= streams.get(i).read(share, out);
    }
    return out;
  }

  @Override
  public boolean ended() {
    if (!exited.getAsBoolean()) {
      return false;
    }
    for (StreamFile s : streams) {
      if (s.unread() > 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public List<Skipped> skipBacklog(long limit) throws IOException {
    List<Skipped> out = new ArrayList<>();
    for (StreamFile s : streams) {
      long backlog = s.unread();
      if (backlog > limit) {
        out.add(new Skipped(s.stream, backlog, s.skipToEnd()));
      }
    }
    return out;
  }

  @Override
  public void close() {
    streams.forEach(StreamFile::close);
  }

  /** One output file and where reading it has got to. */
  private static final class StreamFile {
    private final String stream;
    private final Path path;
    private FileChannel channel;
    private long position;
    /** After a skip: the rest of the line the skip landed in is not a line of its own. */
    private boolean discardToLineEnd;

    StreamFile(String stream, Path path, long position) {
      this.stream = stream;
      this.path = path;
      this.position = position;
    }

    private boolean open() throws IOException {
      if (channel == null) {
        try {
          channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException notYet) {
          return false;
        }
      }
      return true;
    }

    long unread() {
      try {
        return open() ? Math.max(0, channel.size() - position) : 0;
      } catch (IOException e) {
        return 0;
      }
    }

    long skipToEnd() throws IOException {
      position = channel.size();
      discardToLineEnd = true;
      return position;
    }

    /** Appends pieces of at most {@code max} bytes read from the file; returns the bytes read. */
    int read(int max, List<OutputPiece> out) throws IOException {
      if (max <= 0 || !open()) {
        return 0;
      }
      long size = channel.size();
      if (size < position) {
        position = size; // truncated by someone else: go on from its new end
      }
      int n = (int) Math.min(max, size - position);
      if (n == 0) {
        return 0;
      }
      ByteBuffer buf = ByteBuffer.allocate(n);
      while (buf.hasRemaining() && channel.read(buf, position + buf.position()) > 0) {
        // read until the buffer is full (a regular file does not stop short unless at its end)
      }
      byte[] bytes = buf.array();
      int got = buf.position();
      long time = nanos(Instant.now());
      int start = 0;
      for (int i = 0; i < got; i++) {
        if (bytes[i] == '\n') {
          emit(bytes, start, i, position + i + 1, true, time, out);
          start = i + 1;
        }
      }
      if (start < got) {
        emit(bytes, start, got, position + got, false, time, out);
      }
      position += got;
      return got;
    }

    private void emit(byte[] bytes, int from, int to, long pos, boolean endsLine, long time, List<OutputPiece> out) {
      if (discardToLineEnd) {
        discardToLineEnd = !endsLine;
        return;
      }
      out.add(new OutputPiece(stream, time, java.util.Arrays.copyOfRange(bytes, from, to), pos, endsLine));
    }

    void close() {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // nothing was written through it
        }
      }
    }
  }

  static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
