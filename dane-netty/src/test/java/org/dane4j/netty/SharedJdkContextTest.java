package org.dane4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dane4j.netty.NettyLab.ee311;
import static org.dane4j.netty.NettyLab.message;

import io.netty.handler.ssl.SslProvider;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.RecipientResult.Status;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue #17: every JDK connection shares one TLS context. Checklist TLS-6 must still hold: no handshake resumes
 * a session of an earlier connection (a resumed session would skip the trust manager), and each connection is
 * checked by its own route's trust manager.
 */
class SharedJdkContextTest {
  private static RecipientResult send(DaneSmtpClient client, String rcpt) throws Exception {
    return client.send("alice@example.org", List.of(rcpt), message(rcpt)).get(30, TimeUnit.SECONDS).of(rcpt);
  }

  @Test
  @DisplayName("TLS-6: with the shared JDK context a new connection to the same server is verified afresh: a "
      + "TLSA change after a verified session fails the next handshake instead of resuming")
  void tls6_sharedContextNeverResumes() throws Exception {
    try (NettyLab lab = new NettyLab()) {
      MintedCertificate leaf = lab.leaf("mx.example.test");
      SmtpTestServer mx = lab.mx("mx.example.test", 2, leaf);
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ee311(leaf));
      try (DaneSmtpClient client = DaneSmtpClient.builder(lab.resolver()).ehloName("sender.example.org")
          .mxPort(lab.port()).sslProvider(SslProvider.JDK).idleConnectionTime(Duration.ZERO)
          .handshakeTimeout(Duration.ofSeconds(5)).commandTimeout(Duration.ofSeconds(5)).build()) {
        for (String rcpt : List.of("bob@example.test", "carol@example.test")) {
          RecipientResult r = send(client, rcpt);
          assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
          assertThat(r.deliveredBy().orElseThrow().verdict()).isEqualTo(TlsVerdict.VERIFIED);
          assertThat(r.deliveredBy().orElseThrow().daneVerification()).hasValueSatisfying(
              v -> assertThat(v.verified()).isTrue());
        }
        lab.zone().remove("_" + lab.port() + "._tcp.mx.example.test.", org.xbill.DNS.Type.TLSA);
        lab.tlsa("mx.example.test", ee311(lab.leaf("mx.example.test"))); // a key the server does not have
        RecipientResult after = send(client, "dave@example.test");
        assertThat(after.status()).as("%s", after).isEqualTo(Status.DEFERRED);
      }
      assertThat(mx.awaitConnectionsClosed(Duration.ofSeconds(5))).isTrue();
      assertThat(mx.messages()).extracting(m -> m.rcptTo().get(0))
          .containsExactly("bob@example.test", "carol@example.test");
      assertThat(mx.cleartextBytes()).doesNotContainIgnoringCase("dave");
    }
  }
}
