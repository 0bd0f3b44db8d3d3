package org.dane4j.testkit.smtp;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** An input stream that hands every byte it reads to a {@link Sink} before returning it. */
final class RecordingInputStream extends FilterInputStream {

  /** Receives the bytes read; may refuse more by throwing. */
  @FunctionalInterface
  interface Sink {
    void accept(byte[] bytes, int offset, int length) throws IOException;
  }

  private final Sink sink;

  RecordingInputStream(InputStream in, Sink sink) {
    super(in);
    this.sink = sink;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      sink.accept(b, off, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    throw new IOException("skip is not supported by a recording stream");
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
