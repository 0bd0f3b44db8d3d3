package org.dane4j.samples.sjm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.dane4j.testkit.ClassPathDuplicates;
import org.dane4j.testkit.MailWorld;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayMailerTest {
  private static final String RELAY = "relay.example.test";

  @TempDir
  Path dir;

  private Properties dane(MailWorld mail) throws Exception {
    Path anchors = dir.resolve("root.key");
    Files.writeString(anchors, mail.world().trustAnchor());
    Properties p = new Properties();
    p.setProperty("mail.smtp.localhost", "app.example.org");
    p.setProperty("mail.smtp.dane.mode", "dane-only");
    p.setProperty("mail.smtp.dane.resolver", "127.0.0.1:" + mail.dns().address().getPort());
    p.setProperty("mail.smtp.dane.trust-anchors", anchors.toString());
    p.setProperty("mail.smtp.dane.dns-timeout", "2");
    return p;
  }

  private static String ee311(MintedCertificate leaf) {
    return TlsaRecord.of(leaf.certificate(), CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256).toString();
  }

  @Test
  void sendsThroughTheDaneRelayWithAuthInsideTls() throws Exception {
    try (MailWorld mail = new MailWorld()) {
      MintedCertificate leaf = mail.leaf(RELAY);
      SmtpTestServer relay = mail.mx(RELAY, 2, leaf, b -> b.authUser("app", "s3cret"));
      mail.tlsa(RELAY, ee311(leaf));
      new RelayMailer(RELAY, mail.port(), "app", "s3cret", dane(mail))
          .send("app@example.org", "bob@example.net", "Hello", "Sent by Simple Java Mail over DANE.");
      assertThat(relay.messages()).singleElement().satisfies(m -> {
        assertThat(m.tls()).isTrue();
        assertThat(m.authenticatedUser()).contains("app");
        assertThat(m.rcptTo()).containsExactly("bob@example.net");
        assertThat(m.text()).contains("Sent by Simple Java Mail over DANE.");
      });
      assertThat(relay.cleartextBytes()).doesNotContain("AUTH").doesNotContain("MAIL FROM");
    }
  }

  @Test
  void refusesARelayWhoseKeyDoesNotMatchItsTlsaRecord() throws Exception {
    try (MailWorld mail = new MailWorld()) {
      SmtpTestServer relay = mail.mx(RELAY, 2, mail.leaf(RELAY), b -> b.authUser("app", "s3cret"));
      mail.tlsa(RELAY, ee311(mail.leaf(RELAY))); // another key
      RelayMailer mailer = new RelayMailer(RELAY, mail.port(), "app", "s3cret", dane(mail));
      Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
          () -> mailer.send("app@example.org", "bob@example.net", "Hello", "never sent"));
      assertThat(thrown).isInstanceOf(RuntimeException.class);
      java.util.List<Throwable> chain = new java.util.ArrayList<>();
      for (Throwable t = thrown; t != null && chain.size() < 20; t = t.getCause()) {
        chain.add(t);
      }
      // Simple Java Mail's exception, with dane4j's MessagingException (naming the reason) as a cause
      assertThat(chain).as("%s", chain).anySatisfy(t -> assertThat(t).isInstanceOf(jakarta.mail.MessagingException.class)
          .hasMessageContaining("DANE"));
      assertThat(relay.messages()).isEmpty();
      assertThat(relay.authenticatedUsers()).isEmpty();
    }
  }

  @Test
  void noClassTwiceOnTheClassPath() {
    // Simple Java Mail 8 and dane-jakartamail both use jakarta.mail-api with angus-mail
    assertThat(ClassPathDuplicates.ofTestClassPath()).isEmpty();
  }
}
