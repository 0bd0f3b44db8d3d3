package org.dane4j.testkit.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads LF-terminated lines from a stream with a bounded length, keeping its own buffer so that the bytes read
 * ahead (pipelined by the client) can be inspected and dropped when the stream under it changes (STARTTLS).
 */
final class LineInput {
  /** Returned by {@link #readLine()} for a line longer than the limit (the rest of it is consumed). */
  static final byte[] TOO_LONG = new byte[0];

  private final InputStream in;
  private final int maxLine;
  private final byte[] buffer = new byte[8192];
  private int position;
  private int limit;
  private long reads;

  /** Lines of up to {@code maxLine} bytes, line ending included. */
  LineInput(InputStream in, int maxLine) {
    this(in, maxLine, 0);
  }

  /** As {@link #LineInput(InputStream, int)}, its reads numbered after {@code readsBefore} (of a stream before). */
  LineInput(InputStream in, int maxLine, long readsBefore) {
    this.in = in;
    this.maxLine = maxLine;
    this.reads = readsBefore;
  }

  /**
   * The next line with its line ending ({@code LF} or {@code CRLF}); {@link #TOO_LONG} for a line longer than the
   * limit; {@code null} at the end of the stream (an unterminated last line is dropped).
   */
  byte[] readLine() throws IOException {
    byte[] line = new byte[Math.min(maxLine, 256)];
    int length = 0;
    boolean tooLong = false;
    while (true) {
      if (position == limit && !fill()) {
        return null;
      }
      int start = position;
      int lf = -1;
      for (int i = position; i < limit; i++) {
        if (buffer[i] == '\n') {
          lf = i;
          break;
        }
      }
      int end = lf >= 0 ? lf + 1 : limit;
      position = end;
      int chunk = end - start;
      if (!tooLong) {
        if (length + chunk > maxLine) {
          tooLong = true;
        } else {
          if (length + chunk > line.length) {
            line = Arrays.copyOf(line, Math.min(maxLine, Math.max(line.length * 2, length + chunk)));
          }
          System.arraycopy(buffer, start, line, length, chunk);
          length += chunk;
        }
      }
      if (lf >= 0) {
        return tooLong ? TOO_LONG : Arrays.copyOf(line, length);
      }
    }
  }

  /**
   * How many reads from the stream have returned bytes so far: the line just returned arrived (ended) in read
   * number {@code reads()}. Lines that share the number came in one read (RFC 2920 pipelining).
   */
  long reads() {
    return reads;
  }

  /** Takes the bytes already read ahead from the stream but not yet returned as lines. */
  byte[] drainBuffered() {
    byte[] rest = Arrays.copyOfRange(buffer, position, limit);
    position = limit;
    return rest;
  }

  private boolean fill() throws IOException {
    int n = in.read(buffer, 0, buffer.length);
    if (n <= 0) {
      return false;
    }
    position = 0;
    limit = n;
    reads++;
    return true;
  }
}
