package org.dane4j.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Properties;
import org.dane4j.dns.DaneResolver;
import org.dane4j.jakartamail.DaneMailer;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.testkit.MailWorld;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The meters of real deliveries through DaneMailer, against the testkit's signed DNS and SMTP on loopback. */
class DaneMetricsTest {
  private static final String MX = "mx.example.test";

  private static MimeMessage message(String to) throws Exception {
    MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
    m.setFrom(new InternetAddress("alice@example.org"));
    m.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
    m.setSubject("metrics");
    m.setText("Hello.\n");
    m.saveChanges();
    return m;
  }

  private static String tlsa(MintedCertificate c) {
    return TlsaRecord.of(c.certificate(), CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256).toString();
  }

  private static DaneResolver resolver(MailWorld mail) {
    return DaneResolver.builder().servers(mail.dns().address()).trustAnchors(mail.world().trustAnchor())
        .timeout(Duration.ofSeconds(2)).retries(0).build();
  }

  private static DaneMailer mailer(MailWorld mail, DaneResolver resolver, DaneMetrics metrics) {
    return DaneMailer.builder().resolver(resolver).ehloName("sender.example.org").mxPort(mail.port())
        .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(5)).listener(metrics).build();
  }

  @Test
  @DisplayName("OUT-1: a verified delivery and a TLSA mismatch are counted by status, verdict and RFC 8460 type")
  void out1_deliveriesByVerdictAndFailureType() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (MailWorld mail = new MailWorld(); DaneResolver resolver = resolver(mail)) {
      MintedCertificate good = mail.leaf(MX);
      mail.mx(MX, 2, good);
      mail.zone().add("example.test. 300 IN MX 10 " + MX + ".");
      mail.tlsa(MX, tlsa(good));
      // bad.example.test: its MX publishes a TLSA record that matches nothing, so the DANE check fails
      mail.mx("mx2.example.test", 3, mail.leaf("mx2.example.test"));
      mail.zone().add("bad.example.test. 300 IN MX 10 mx2.example.test.");
      mail.tlsa("mx2.example.test", "3 1 1 " + "00".repeat(32));
      DaneMetrics metrics = new DaneMetrics(registry);
      try (DaneMailer mailer = mailer(mail, resolver, metrics)) {
        RecipientResult ok = mailer.send(message("bob@example.test")).of("bob@example.test");
        assertThat(ok.status()).as("%s", ok).isEqualTo(RecipientResult.Status.DELIVERED);
        RecipientResult deferred = mailer.send(message("carol@bad.example.test")).of("carol@bad.example.test");
        assertThat(deferred.status()).as("%s", deferred).isEqualTo(RecipientResult.Status.DEFERRED);
      }
    }
    assertThat(registry.get(DaneMetrics.DELIVERIES).tag("status", "delivered").tag("verdict", "verified")
        .tag("failure.type", "none").counter().count()).isEqualTo(1.0);
    assertThat(registry.get(DaneMetrics.DELIVERIES).tag("status", "deferred").tag("verdict", "failed")
        .tag("failure.type", "certificate-not-trusted").counter().count()).isEqualTo(1.0);
    assertThat(registry.get(DaneMetrics.ATTEMPTS).tag("verdict", "verified").tag("requirement", "dane")
        .counter().count()).isEqualTo(1.0);
    assertThat(registry.get(DaneMetrics.ATTEMPTS).tag("failure.type", "certificate-not-trusted")
        .counter().count()).isGreaterThanOrEqualTo(1.0);
    assertThat(registry.get(DaneMetrics.PLAN).tag("outcome", "routes").timer().count()).isEqualTo(2);
  }

  @Test
  @DisplayName("DNS-4: the probe gauge shows the resolver's DNSSEC state, validating against the signed world")
  void dns4_probeGauge() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (MailWorld mail = new MailWorld(); DaneResolver resolver = DaneResolver.builder()
        .servers(mail.dns().address()).trustAnchors(mail.world().trustAnchor()).probeName("test.")
        .timeout(Duration.ofSeconds(2)).retries(0).build()) {
      DaneMetrics.monitorResolver(resolver, registry);
      assertThat(registry.get(DaneMetrics.PROBE).tag("state", "not-probed").gauge().value()).isEqualTo(1.0);
      assertThat(resolver.probe().get().state().word()).isEqualTo("validating");
      assertThat(registry.get(DaneMetrics.PROBE).tag("state", "validating").gauge().value()).isEqualTo(1.0);
      assertThat(registry.get(DaneMetrics.PROBE).tag("state", "not-probed").gauge().value()).isEqualTo(0.0);
    }
  }

  @Test
  @DisplayName("DNS cache: a second identical lookup is a hit, the first a miss; the counters and the size say so")
  void dnsCacheHitsAndMisses() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (MailWorld mail = new MailWorld(); DaneResolver resolver = resolver(mail)) {
      mail.mx(MX, 2, mail.leaf(MX));
      DaneMetrics.monitorResolver(resolver, registry);
      resolver.lookup(MX, org.xbill.DNS.Type.A).get();
      resolver.lookup(MX, org.xbill.DNS.Type.A).get();
      assertThat(resolver.cacheStats().hits()).isEqualTo(1);
      assertThat(registry.get(DaneMetrics.DNS_CACHE).tag("result", "hit").functionCounter().count()).isEqualTo(1.0);
      assertThat(registry.get(DaneMetrics.DNS_CACHE).tag("result", "miss").functionCounter().count()).isEqualTo(1.0);
      assertThat(registry.get(DaneMetrics.DNS_CACHE_SIZE).gauge().value()).isEqualTo(1.0);
    }
  }
}
