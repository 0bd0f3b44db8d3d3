package org.dane4j.jakartamail;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The sockets dane4j opens for Angus, in relay mode and for DaneMailer alike (issue #17). */
class RouteSocketFactoryTest {
  @Test
  @DisplayName("#17: every SMTP socket has TCP_NODELAY, so no command or handshake flight waits for Nagle")
  void tcpNoDelayOnEverySocket() throws Exception {
    try (Socket s = RouteSocketFactory.newSocket()) {
      assertThat(s.getTcpNoDelay()).isTrue();
    }
  }
}
