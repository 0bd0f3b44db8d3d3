package org.dane4j.jakartamail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dane4j.jakartamail.MailLab.BODY_MARKER;
import static org.dane4j.jakartamail.MailLab.ee311;
import static org.dane4j.jakartamail.MailLab.message;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Consumer;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.dns.DnsFault;
import org.dane4j.testkit.smtp.SmtpFault;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/** Relay mode configured with session properties alone (POL-2), against signed DNS and SMTP on loopback. */
class DaneSmtpTransportTest {
  private static final String RELAY = "relay.example.test";

  @TempDir
  Path dir;

  private Properties properties(MailLab lab) throws Exception {
    Path anchors = dir.resolve("root.key");
    Files.writeString(anchors, lab.world().trustAnchor());
    Properties p = new Properties();
    p.setProperty("mail.smtp.class", DaneSmtpTransport.class.getName());
    p.setProperty("mail.smtp.host", RELAY);
    p.setProperty("mail.smtp.port", Integer.toString(lab.port()));
    p.setProperty("mail.smtp.localhost", "app.example.org");
    p.setProperty("mail.smtp.connectiontimeout", "5000");
    p.setProperty("mail.smtp.timeout", "5000");
    p.setProperty("mail.smtp.dane.resolver", "127.0.0.1:" + lab.dns().address().getPort());
    p.setProperty("mail.smtp.dane.trust-anchors", anchors.toString());
    p.setProperty("mail.smtp.dane.dns-timeout", "2");
    return p;
  }

  private void send(Properties p) throws Exception {
    MimeMessage m = message("bob@example.org");
    Session session = Session.getInstance(p);
    Transport.send(new MimeMessage(session, toStream(m)));
  }

  private static java.io.InputStream toStream(MimeMessage m) throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    m.writeTo(out);
    return new java.io.ByteArrayInputStream(out.toByteArray());
  }

  private SmtpTestServer relay(MailLab lab, MintedCertificate cert, Consumer<SmtpTestServer.Builder> faults) {
    return lab.mx(RELAY, 2, cert, b -> {
      faults.accept(b);
      return b;
    });
  }

  private static void assertNothingSentInCleartext(SmtpTestServer server) throws InterruptedException {
    server.awaitConnectionsClosed(Duration.ofSeconds(5));
    assertThat(server.cleartextBytes()).doesNotContain(BODY_MARKER).doesNotContainIgnoringCase("MAIL FROM");
    assertThat(server.messages()).isEmpty();
  }

  @Test
  @DisplayName("POL-2: relay with a matching TLSA record: delivered over authenticated TLS")
  void pol2_daneRelayDelivers() throws Exception {
    try (MailLab lab = new MailLab()) {
      MintedCertificate leaf = lab.leaf(RELAY);
      SmtpTestServer server = relay(lab, leaf, b -> { });
      lab.tlsa(RELAY, ee311(leaf));
      send(properties(lab));
      assertThat(server.messages()).singleElement().satisfies(m -> {
        assertThat(m.tls()).isTrue();
        assertThat(m.sniName()).contains(RELAY);
        assertThat(m.ehloNames()).contains("app.example.org");
      });
    }
  }

  @Test
  @DisplayName("Resolver cache: transports with the same DNS settings share one resolver: the second send asks DNS nothing")
  void transportsShareTheResolverCache() throws Exception {
    try (MailLab lab = new MailLab()) {
      MintedCertificate leaf = lab.leaf(RELAY);
      SmtpTestServer server = relay(lab, leaf, b -> { });
      lab.tlsa(RELAY, ee311(leaf));
      Properties p = properties(lab);
      send(p);
      int afterFirst = lab.dns().queryCount();
      assertThat(lab.dns().queryCount(RELAY + ".", org.xbill.DNS.Type.A)).isEqualTo(1);
      send(p); // a new Session and a new transport, as Transport.send makes
      assertThat(lab.dns().queryCount()).as("queries after the second send").isEqualTo(afterFirst);
      assertThat(server.messages()).hasSize(2).allSatisfy(m -> assertThat(m.tls()).isTrue());
    }
  }

  @Test
  @DisplayName("TLS-1: DANE relay without STARTTLS: MessagingException, nothing sent in cleartext")
  void daneRelayWithoutStartTlsFails() throws Exception {
    try (MailLab lab = new MailLab()) {
      MintedCertificate leaf = lab.leaf(RELAY);
      SmtpTestServer server = relay(lab, leaf, b -> b.fault(SmtpFault.NO_STARTTLS));
      lab.tlsa(RELAY, ee311(leaf));
      assertThatThrownBy(() -> send(properties(lab))).isInstanceOf(MessagingException.class)
          .hasMessageContaining("STARTTLS");
      assertNothingSentInCleartext(server);
    }
  }

  @Test
  @DisplayName("TLS-2: DANE relay presenting another key: refused in the handshake")
  void daneRelayMismatchFails() throws Exception {
    try (MailLab lab = new MailLab()) {
      SmtpTestServer server = relay(lab, lab.leaf(RELAY), b -> { });
      lab.tlsa(RELAY, ee311(lab.leaf(RELAY)));
      assertThatThrownBy(() -> send(properties(lab))).isInstanceOfSatisfying(DaneMessagingException.class,
          e -> assertThat(e.attempt().failureType().resultType()).isEqualTo("certificate-not-trusted"));
      assertNothingSentInCleartext(server);
    }
  }

  @Test
  void encryptRelayDeliversUnauthenticated() throws Exception {
    try (MailLab lab = new MailLab()) {
      SmtpTestServer server = relay(lab, lab.leaf("whatever.example.net"), b -> { });
      lab.tlsa(RELAY, "0 1 1 " + "ab".repeat(32));
      send(properties(lab));
      assertThat(server.messages()).singleElement().satisfies(m -> assertThat(m.tls()).isTrue());
    }
  }

  @Test
  void opportunisticRelayUsesTlsWhenOfferedAndCleartextOtherwise() throws Exception {
    try (MailLab lab = new MailLab()) {
      SmtpTestServer server = relay(lab, lab.leaf(RELAY), b -> { });
      send(properties(lab));
      assertThat(server.messages()).singleElement().satisfies(m -> assertThat(m.tls()).isTrue());
      server.setFaults(SmtpFault.NO_STARTTLS);
      send(properties(lab));
      assertThat(server.messages()).hasSize(2);
      assertThat(server.messages().get(1).tls()).isFalse();
    }
  }

  @Test
  @DisplayName("TLSA-3: bogus TLSA for the relay: no connection at all")
  void bogusRelayIsNotContacted() throws Exception {
    try (MailLab lab = new MailLab()) {
      MintedCertificate leaf = lab.leaf(RELAY);
      SmtpTestServer server = relay(lab, leaf, b -> { });
      lab.tlsa(RELAY, ee311(leaf));
      lab.world().fault("_" + lab.port() + "._tcp." + RELAY + ".", Type.TLSA, DnsFault.EXPIRED_RRSIG);
      assertThatThrownBy(() -> send(properties(lab))).isInstanceOfSatisfying(DaneMessagingException.class,
          e -> assertThat(e.attempt().verdict()).isEqualTo(TlsVerdict.FAILED));
      assertThat(server.connections()).isEmpty();
    }
  }

  @Test
  void badPropertiesFailAtConnectNamingTheProperty() throws Exception {
    try (MailLab lab = new MailLab()) {
      relay(lab, lab.leaf(RELAY), b -> { });
      Properties unknown = properties(lab);
      unknown.setProperty("mail.smtp.dane.moed", "dane");
      assertThatThrownBy(() -> send(unknown)).hasMessageContaining("unknown property mail.smtp.dane.moed");
      Properties badMode = properties(lab);
      badMode.setProperty("mail.smtp.dane.mode", "off");
      assertThatThrownBy(() -> send(badMode)).hasMessageContaining("mail.smtp.dane.mode");
      Properties badResolver = properties(lab);
      badResolver.setProperty("mail.smtp.dane.resolver", "dns.example.com");
      assertThatThrownBy(() -> send(badResolver)).hasMessageContaining("mail.smtp.dane.resolver");
      Properties ipRelay = properties(lab);
      ipRelay.setProperty("mail.smtp.host", "127.0.0.2");
      assertThatThrownBy(() -> send(ipRelay)).hasMessageContaining("host name");
    }
  }
}
