package org.dane4j.samples.plain;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
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

class NotifierTest {
  @Test
  void sendsOverDaneThroughTheTestkit() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (MailWorld mail = new MailWorld()) {
      MintedCertificate leaf = mail.leaf("mx.example.test");
      SmtpTestServer mx = mail.mx("mx.example.test", 2, leaf);
      mail.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      mail.tlsa("mx.example.test",
          TlsaRecord.of(leaf.certificate(), CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256).toString());
      try (DaneResolver resolver = DaneResolver.builder().servers(mail.dns().address())
              .trustAnchors(mail.world().trustAnchor()).timeout(Duration.ofSeconds(2)).build();
          Notifier notifier = new Notifier(resolver, "app.example.org", mail.port(), registry)) {
        RecipientResult r = notifier.notify("alice@example.org", "bob@example.test", "hi", "Hello.\n")
            .of("bob@example.test");
        assertThat(r.status()).as("%s", r).isEqualTo(RecipientResult.Status.DELIVERED);
        assertThat(r.deliveredBy().orElseThrow().verdict()).isEqualTo(TlsVerdict.VERIFIED);
      }
      assertThat(mx.messages()).singleElement().satisfies(m -> assertThat(m.tls()).isTrue());
    }
    assertThat(registry.get("dane4j.deliveries").tag("status", "delivered").counter().count()).isEqualTo(1.0);
  }

  @Test
  void noClassTwiceOnTheClassPath() {
    assertThat(ClassPathDuplicates.ofTestClassPath()).isEmpty();
  }
}
