package org.dane4j.jakartamail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dane4j.jakartamail.MailLab.BODY_MARKER;
import static org.dane4j.jakartamail.MailLab.ee311;
import static org.dane4j.jakartamail.MailLab.message;

import java.time.Duration;
import org.dane4j.dns.DaneResolver;
import org.dane4j.dns.DnssecProbe;
import org.dane4j.smtp.DaneMode;
import org.dane4j.smtp.DeliveryReport;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.RecipientResult.Status;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.dane4j.tlsa.FailureType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * DNS-4 end to end through {@link DaneMailer}: a domain with DANE-EE, and a trust-AD resolver that does not
 * validate (the testkit's DNS server never sets AD). Without the probe, mode dane delivered with opportunistic
 * TLS and nothing said why DANE was gone.
 */
class DaneMailerDnssecProbeTest {
  private static final String RCPT = "bob@example.test";

  private static DeliveryReport send(MailLab lab, DaneResolver resolver, DaneMode mode) throws Exception {
    try (DaneMailer mailer = DaneMailer.builder().resolver(resolver).mode(mode).ehloName("sender.example.org")
        .mxPort(lab.port() == 0 ? 25 : lab.port()).connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(5)).build()) {
      return mailer.send(message(RCPT));
    }
  }

  private static DaneResolver trustAdWithoutValidation(MailLab lab) {
    return DaneResolver.builder().servers(lab.dns().address()).trustAd().timeout(Duration.ofSeconds(1))
        .retries(0).cacheSize(0).build();
  }

  private static SmtpTestServer daneDomain(MailLab lab) {
    MintedCertificate leaf = lab.leaf("mx.example.test");
    SmtpTestServer mx = lab.mx("mx.example.test", 2, leaf);
    lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
    lab.tlsa("mx.example.test", ee311(leaf));
    return mx;
  }

  @Test
  @DisplayName("DNS-4: dane-only over a resolver that does not validate: deferred, the reason says so, no connection")
  void dns4_daneOnlyRefusesOverNonValidatingResolver() throws Exception {
    try (MailLab lab = new MailLab(); DaneResolver resolver = trustAdWithoutValidation(lab)) {
      SmtpTestServer mx = daneDomain(lab);
      DeliveryReport report = send(lab, resolver, DaneMode.DANE_ONLY);
      RecipientResult r = report.of(RCPT);
      assertThat(r.status()).isEqualTo(Status.DEFERRED);
      assertThat(r.failureType()).isEqualTo(FailureType.DNSSEC_INVALID);
      assertThat(r.reason()).contains("mode dane-only", "does not validate DNSSEC");
      assertThat(report.dnssec().state()).isEqualTo(DnssecProbe.State.NOT_VALIDATING);
      assertThat(mx.connectionCount()).isZero();
      assertThat(mx.messages()).isEmpty();
    }
  }

  @Test
  @DisplayName("DNS-4: mode dane over a resolver that does not validate: delivered, but the report carries the fact")
  void dns4_daneModeReportCarriesTheProbe() throws Exception {
    try (MailLab lab = new MailLab(); DaneResolver resolver = trustAdWithoutValidation(lab)) {
      SmtpTestServer mx = daneDomain(lab);
      DeliveryReport report = send(lab, resolver, DaneMode.DANE);
      RecipientResult r = report.of(RCPT);
      assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
      assertThat(r.deliveredBy().orElseThrow().verdict()).isEqualTo(TlsVerdict.OPPORTUNISTIC);
      assertThat(report.dnssec().state()).isEqualTo(DnssecProbe.State.NOT_VALIDATING);
      assertThat(report.dnssec().explanation()).contains("does not validate DNSSEC");
      assertThat(report.toString()).contains("DNSSEC not-validating");
      assertThat(mx.messages()).singleElement().satisfies(m -> assertThat(m.text()).contains(BODY_MARKER));
    }
  }

  @Test
  @DisplayName("DNS-4: over a validating resolver the report says validating")
  void dns4_validatingResolverReported() throws Exception {
    try (MailLab lab = new MailLab()) {
      daneDomain(lab);
      DeliveryReport report = send(lab, lab.resolver(), DaneMode.DANE_ONLY);
      assertThat(report.of(RCPT).status()).isEqualTo(Status.DELIVERED);
      assertThat(report.dnssec().state()).isEqualTo(DnssecProbe.State.VALIDATING);
    }
  }
}
