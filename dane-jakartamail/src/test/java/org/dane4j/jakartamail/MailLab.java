package org.dane4j.jakartamail;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.dane4j.dns.DaneResolver;
import org.dane4j.testkit.MailWorld;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;

/** The testkit's {@link MailWorld} with a validating resolver and a {@link DaneMailer} pointed at it. */
final class MailLab extends MailWorld {
  static final String BODY_MARKER = "secret-body-7f3a9c";

  private DaneResolver resolver;

  static String ee311(MintedCertificate c) {
    return TlsaRecord.of(c.certificate(), CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256).toString();
  }

  static String ta211(MintedCertificate c) {
    return TlsaRecord.of(c.certificate(), CertUsage.DANE_TA, Selector.SPKI, MatchingType.SHA2_256).toString();
  }

  DaneResolver resolver() {
    if (resolver == null) {
      resolver = DaneResolver.builder().servers(dns().address()).trustAnchors(world().trustAnchor())
          .timeout(Duration.ofSeconds(1)).retries(0).cacheSize(0).build();
    }
    return resolver;
  }

  DaneMailer mailer() {
    return DaneMailer.builder().resolver(resolver()).ehloName("sender.example.org").mxPort(port() == 0 ? 25 : port())
        .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(5)).build();
  }

  static MimeMessage message(String... to) throws Exception {
    MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
    m.setFrom(new InternetAddress("alice@example.org"));
    for (String t : to) {
      m.addRecipient(jakarta.mail.Message.RecipientType.TO, new InternetAddress(t));
    }
    m.setSubject("DANE test " + Instant.now());
    m.setText("Hello over DANE.\n" + BODY_MARKER + "\n.leading dot stays\n");
    m.saveChanges();
    return m;
  }

  @Override
  public void close() {
    super.close();
    if (resolver != null) {
      resolver.close();
    }
  }
}
