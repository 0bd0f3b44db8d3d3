package org.dane4j.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The DATA payload of a message (RFC 5321 §4.5.2, §2.3.8): every line ending normalised to CRLF, a leading
 * '.' doubled, and a final CRLF added if missing. The end-of-data line is added by the encoder.
 */
final class MessageData {
  private MessageData() {}

  static ByteBuf stuff(ByteBufAllocator alloc, byte[] message) {
    ByteBuf out = alloc.buffer(message.length + message.length / 32 + 8);
    boolean lineStart = true;
    for (int i = 0; i < message.length; i++) {
      byte b = message[i];
      if (b == '\r' || b == '\n') {
        if (b == '\r' && i + 1 < message.length && message[i + 1] == '\n') {
          i++;
        }
        out.writeByte('\r').writeByte('\n');
        lineStart = true;
        continue;
      }
      if (lineStart && b == '.') {
        out.writeByte('.');
      }
      out.writeByte(b);
      lineStart = false;
    }
    if (!lineStart) {
      out.writeByte('\r').writeByte('\n');
    }
    return out;
  }
}
