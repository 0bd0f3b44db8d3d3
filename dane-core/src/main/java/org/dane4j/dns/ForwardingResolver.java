package org.dane4j.dns;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.TSIG;

/**
 * A dnsjava {@link Resolver} in front of another: every setting goes to the upstream, and
 * {@link #sendAsync(Message)} runs on the caller's thread; subclasses implement
 * {@link #sendAsync(Message, java.util.concurrent.Executor)}, the one method they change
 * ({@link UpstreamRcodes}, {@link KeyChainPrefetch}).
 */
abstract class ForwardingResolver implements Resolver {
  /** The resolver every query and setting goes on to. */
  protected final Resolver upstream;

  ForwardingResolver(Resolver upstream) {
    this.upstream = Objects.requireNonNull(upstream, "upstream");
  }

  @Override
  public CompletionStage<Message> sendAsync(Message query) {
    return sendAsync(query, Runnable::run);
  }

  @Override
  public void setPort(int port) {
    upstream.setPort(port);
  }

  @Override
  public void setTCP(boolean flag) {
    upstream.setTCP(flag);
  }

  @Override
  public void setIgnoreTruncation(boolean flag) {
    upstream.setIgnoreTruncation(flag);
  }

  @Override
  public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
    upstream.setEDNS(version, payloadSize, flags, options);
  }

  @Override
  public void setTSIGKey(TSIG key) {
    upstream.setTSIGKey(key);
  }

  @Override
  public void setTimeout(Duration timeout) {
    upstream.setTimeout(timeout);
  }

  @Override
  public Duration getTimeout() {
    return upstream.getTimeout();
  }
}
