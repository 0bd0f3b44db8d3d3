package org.dane4j.samples.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.Version;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.dane4j.dns.DaneResolver;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.testkit.ClassPathDuplicates;
import org.dane4j.testkit.MailWorld;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;
import org.junit.jupiter.api.Test;

class CourierTest {
  @Test
  void runsOnNetty41() {
    assertThat(Version.identify().get("netty-common").artifactVersion()).startsWith("4.1.");
    assertThat(Version.identify().get("netty-transport").artifactVersion()).startsWith("4.1.");
  }

  @Test
  void sendsOverDaneThroughTheTestkit() throws Exception {
    try (MailWorld mail = new MailWorld()) {
      MintedCertificate leaf = mail.leaf("mx.example.test");
      SmtpTestServer mx = mail.mx("mx.example.test", 2, leaf);
      mail.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      mail.tlsa("mx.example.test",
          TlsaRecord.of(leaf.certificate(), CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256).toString());
      try (DaneResolver resolver = DaneResolver.builder().servers(mail.dns().address())
              .trustAnchors(mail.world().trustAnchor()).timeout(Duration.ofSeconds(2)).build();
          Courier courier = new Courier(resolver, "app.example.org", mail.port())) {
        String message = "From: alice@example.org\r\nTo: bob@example.test\r\nSubject: hi\r\n\r\nHello.\r\n";
        RecipientResult r = courier.send("alice@example.org", "bob@example.test", message)
            .get(60, TimeUnit.SECONDS).of("bob@example.test");
        assertThat(r.status()).as("%s", r).isEqualTo(RecipientResult.Status.DELIVERED);
        assertThat(r.deliveredBy().orElseThrow().verdict()).isEqualTo(TlsVerdict.VERIFIED);
      }
      assertThat(mx.messages()).singleElement().satisfies(m -> assertThat(m.tls()).isTrue());
    }
  }

  @Test
  void noClassTwiceOnTheClassPath() {
    assertThat(ClassPathDuplicates.ofTestClassPath()).isEmpty();
  }
}
