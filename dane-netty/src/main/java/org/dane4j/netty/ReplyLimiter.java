package org.dane4j.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;

/**
 * Bounds the number of lines of one SMTP reply (RFC 5321 §4.2.1 multi-line replies) before the response
 * decoder accumulates them; the decoder itself bounds the line length. Reads raw bytes and passes them on.
 *
 * <p>It also counts what has arrived: complete replies, and whether part of a reply is held. The response
 * decoder decodes every reply of a buffer in one read, so a reply the server sent before the client's command
 * (pipelined by a server or injected by an attacker) would otherwise be taken as that command's reply;
 * {@link SmtpConversation} compares these counts with the replies it has consumed before it writes a command
 * (checklist TLS-3).
 */
final class ReplyLimiter extends ChannelInboundHandlerAdapter {
  private final int maxLines;
  private int column;
  private boolean continued;
  private int lines;
  private boolean failed;
  private long replies;

  ReplyLimiter(int maxLines) {
    this.maxLines = maxLines;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (failed) {
      io.netty.util.ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof ByteBuf in) {
      for (int i = in.readerIndex(); i < in.writerIndex(); i++) {
        byte b = in.getByte(i);
        if (column == 3) {
          continued = b == '-';
        }
        column++;
        if (b == '\n') {
          lines = continued ? lines + 1 : 0;
          if (!continued) {
            replies++;
          }
          continued = false;
          column = 0;
          if (lines >= maxLines) {
            failed = true;
            in.release();
            ctx.fireExceptionCaught(new TooLongFrameException(
                "SMTP reply has more than " + maxLines + " lines (limit maxReplyLines); closing"));
            ctx.close();
            return;
          }
        }
      }
    }
    ctx.fireChannelRead(msg);
  }

  /** How many complete replies have arrived so far (those passed on and those in the buffer being passed on). */
  long repliesReceived() {
    return replies;
  }

  /** Whether part of a reply (a partial line, or lines of an unfinished multi-line reply) has arrived. */
  boolean partialReply() {
    return column > 0 || lines > 0;
  }
}
