package dev.shoal.gateway.ingress;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;

/**
 * Finds where a task's answer ends (Content-Length, chunked, or the end of the connection; none for
 * HEAD, 1xx, 204 and 304) — the common head by {@link SimpleResponseHead}, any other with Jetty's
 * {@link HttpParser} — and notes on the attempt what its head
 * says: the status, whether the task closes the connection after it, whether it is interim (1xx).
 * The bytes themselves are relayed as they came. One per client connection, reused answer after
 * answer.
 */
final class ResponseFraming implements HttpParser.ResponseHandler {
  /** Largest head of a task's response. */
  private static final int MAX_RESPONSE_HEAD = 64 * 1024;

  /** Replaced after it saw an end of stream: a closed parser cannot be reset. */
  private HttpParser parser = newParser();
  private volatile RelayAttempt attempt;
  private volatile HttpException bad;
  /** Nothing of the answer was read yet: its head may be one {@link SimpleResponseHead} reads. */
  private boolean atStart;
  /** Bytes of the body still to come when {@link SimpleResponseHead} read the head; -1 while the parser reads the answer. */
  private long bodyLeft = -1;

  private HttpParser newParser() {
    return new HttpParser(this, MAX_RESPONSE_HEAD, HttpCompliance.RFC9110);
  }

  /** Readies the parser for {@code a}'s answer to a request with method HEAD or not. */
  void begin(RelayAttempt a, boolean headRequest) {
    attempt = a;
    bad = null;
    atStart = true;
    bodyLeft = -1;
    if (parser.isClosed() || parser.isAtEOF()) {
      parser = newParser();
    }
    parser.reset();
    parser.setHeadResponse(headRequest);
  }

  /**
   * Parses on in {@code bytes}; true when the answer (not an interim 1xx, which ends here as a
   * message of its own and is passed on) is complete.
   */
  boolean parse(ByteBuffer bytes, boolean headRequest) throws IOException {
    if (atStart) {
      atStart = false;
      // A HEAD answer's Content-Length announces a body that does not come: the parser knows.
      if (!headRequest && attempt != null) {
        bodyLeft = SimpleResponseHead.read(bytes, attempt);
      }
    }
    if (bodyLeft >= 0) {
      int n = (int) Math.min(bytes.remaining(), bodyLeft);
      bytes.position(bytes.position() + n);
      bodyLeft -= n;
      return bodyLeft == 0;
    }
    boolean complete = parser.parseNext(bytes);
    HttpException x = bad;
    if (x != null) {
      bad = null;
      throw new IOException("bad response from task: " + x);
    }
    RelayAttempt a = attempt;
    if (complete && a != null && a.interim) {
      // 1xx before the answer: passed on, and the answer follows.
      a.interim = false;
      parser.reset();
      parser.setHeadResponse(headRequest);
      return false;
    }
    return complete;
  }

  /** The task closed its connection: true if that ended an answer without length (or one just complete). */
  boolean endedByClose(ByteBuffer rest) {
    if (bodyLeft >= 0) {
      return false; // cut short: its length said more was coming
    }
    parser.atEOF();
    RelayAttempt a = attempt;
    return a != null && a.headSeen && (parser.parseNext(rest) || parser.isComplete());
  }

  @Override
  public void startResponse(HttpVersion v, int status, String reason) {
    RelayAttempt a = attempt;
    if (a != null) {
      a.headSeen = true;
      a.status = status;
      a.interim = status >= 100 && status < 200;
      if (status == 101) {
        bad = new HttpException.RuntimeException(502, "101 without an upgrade asked");
      }
      if (v != HttpVersion.HTTP_1_1) {
        a.taskCloses = true;
      }
    }
  }

  @Override
  public void parsedHeader(HttpField field) {
    if (field.getHeader() == HttpHeader.CONNECTION && field.contains("close")) {
      RelayAttempt a = attempt;
      if (a != null) {
        a.taskCloses = true;
      }
    }
  }

  @Override
  public boolean headerComplete() {
    return false;
  }

  @Override
  public boolean content(ByteBuffer content) {
    return false;
  }

  @Override
  public boolean contentComplete() {
    return false;
  }

  @Override
  public boolean messageComplete() {
    return true;
  }

  @Override
  public void earlyEOF() {
    // reported by the pump as a failure
  }

  @Override
  public void badMessage(HttpException failure) {
    bad = failure;
  }
}
