package org.dane4j.netty;

import io.netty.handler.ssl.SslProvider;
import java.time.Clock;
import java.time.Duration;

/** The validated settings of a {@link DaneSmtpClient}, shared by its sessions. */
record ClientSettings(String ehloName, int mxPort, Duration connectTimeout, Duration greetingTimeout,
    Duration commandTimeout, Duration dataInitiationTimeout, Duration dataTerminationTimeout,
    Duration handshakeTimeout, Duration startTlsTimeout, int maxReplyLineLength, int maxReplyLines,
    Duration idleConnectionTime,
    int maxMessagesPerConnection, Duration connectionReuseTimeLimit, SslProvider sslProvider, Clock clock) {

  /** Whether idle connections are kept for the next message (TLS-6). */
  boolean reuseConnections() {
    return !idleConnectionTime.isZero();
  }
}
