package org.dane4j.samples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/** The sample application against the testkit's signed DNS world and SMTP servers on loopback. */
@SpringBootTest
class SampleApplicationTest {
  private static MailWorld mail;
  private static SmtpTestServer mx;
  private static SmtpTestServer relay;

  private static String tlsa(MintedCertificate c) {
    return TlsaRecord.of(c.certificate(), CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256).toString();
  }

  @DynamicPropertySource
  static void world(DynamicPropertyRegistry registry) throws Exception {
    mail = new MailWorld();
    MintedCertificate leaf = mail.leaf("mx.example.test");
    mx = mail.mx("mx.example.test", 2, leaf);
    mail.zone().add("example.test. 300 IN MX 10 mx.example.test.");
    mail.tlsa("mx.example.test", tlsa(leaf));
    MintedCertificate relayLeaf = mail.leaf("relay.example.test");
    relay = mail.mx("relay.example.test", 3, relayLeaf);
    mail.tlsa("relay.example.test", tlsa(relayLeaf));
    Path anchors = Files.createTempFile("anchors", ".key");
    anchors.toFile().deleteOnExit();
    Files.writeString(anchors, mail.world().trustAnchor());
    registry.add("dane4j.resolver.servers", () -> "127.0.0.1:" + mail.dns().address().getPort());
    registry.add("dane4j.resolver.trust-anchors", () -> anchors.toUri().toString());
    registry.add("dane4j.resolver.probe-name", () -> "test.");
    registry.add("dane4j.mailer.mx-port", () -> Integer.toString(mail.port()));
    registry.add("spring.mail.port", () -> Integer.toString(mail.port()));
  }

  @AfterAll
  static void stop() {
    mail.close();
  }

  @Autowired
  Mailings mailings;
  @Autowired
  MeterRegistry registry;
  @Autowired
  @Qualifier("dane4jHealthIndicator")
  HealthIndicator health;

  @Test
  void sendsDirectOverDane() throws Exception {
    RecipientResult r = mailings.direct("alice@example.org", "bob@example.test", "Hello.\n").of("bob@example.test");
    assertThat(r.status()).as("%s", r).isEqualTo(RecipientResult.Status.DELIVERED);
    assertThat(r.deliveredBy().orElseThrow().verdict()).isEqualTo(TlsVerdict.VERIFIED);
    assertThat(mx.messages()).singleElement().satisfies(m -> assertThat(m.tls()).isTrue());
    assertThat(registry.get("dane4j.deliveries").tag("status", "delivered").counter().count()).isEqualTo(1.0);
  }

  @Test
  void sendsThroughTheRelayOverDane() throws Exception {
    mailings.viaRelay("alice@example.org", "carol@example.org", "Hello.\n");
    assertThat(relay.messages()).singleElement().satisfies(m -> {
      assertThat(m.tls()).isTrue();
      assertThat(m.sniName()).contains("relay.example.test");
    });
  }

  @Test
  void healthIsUpWhenDnssecValidates() {
    assertThat(health.health().getStatus()).isEqualTo(Status.UP);
  }

  @Test
  void noClassTwiceOnTheClassPath() {
    assertThat(ClassPathDuplicates.ofTestClassPath()).isEmpty();
  }
}
