package org.dane4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dane4j.netty.NettyLab.ee311;
import static org.dane4j.netty.NettyLab.message;

import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.testkit.MintedCertificate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The client's TCP options (issue #17: a 40 ms Nagle / delayed-ACK stall per new connection). */
class TcpOptionsTest {
  @Test
  @DisplayName("#17: the client's SMTP connections have TCP_NODELAY")
  void tcpNoDelay() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      MintedCertificate leaf = lab.leaf("mx.example.test");
      lab.mx("mx.example.test", 2, leaf);
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ee311(leaf));
      try (DaneSmtpClient client = DaneSmtpClient.builder(lab.resolver()).ehloName("sender.example.org")
          .mxPort(lab.port()).connectTimeout(Duration.ofSeconds(5)).commandTimeout(Duration.ofSeconds(5))
          .idleConnectionTime(Duration.ofSeconds(30)).build()) {
        RecipientResult r = client.send("alice@example.org", List.of("bob@example.test"), message("bob@example.test"))
            .get(30, TimeUnit.SECONDS).of("bob@example.test");
        assertThat(r.status()).as("%s", r).isEqualTo(RecipientResult.Status.DELIVERED);
        List<RouteConnection> idle = client.pool().idleConnections();
        assertThat(idle).hasSize(1);
        assertThat(idle.get(0).channel().config().getOption(ChannelOption.TCP_NODELAY)).isTrue();
      }
    }
  }
}
