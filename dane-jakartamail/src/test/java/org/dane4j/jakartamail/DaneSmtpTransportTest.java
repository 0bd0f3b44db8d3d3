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

  private static void send(Session session) throws Exception {
    Transport.send(new MimeMessage(session, toStream(message("bob@example.org"))));
  }

  // Behaviour changed on purpose (#12, no global state): the resolver made from the properties belongs to the
  // Jakarta Mail Session, no longer to the JVM. Sends through one Session share it; a new Session starts cold.
  @Test
  @DisplayName("Resolver cache: transports of one Session share its resolver: the second send asks DNS nothing")
  void transportsOfOneSessionShareTheResolverCache() throws Exception {
    try (MailLab lab = new MailLab()) {
      MintedCertificate leaf = lab.leaf(RELAY);
      SmtpTestServer server = relay(lab, leaf, b -> { });
      lab.tlsa(RELAY, ee311(leaf));
      Session session = Session.getInstance(properties(lab));
      send(session);
      int afterFirst = lab.dns().queryCount();
      assertThat(lab.dns().queryCount(RELAY + ".", org.xbill.DNS.Type.A)).isEqualTo(1);
      send(session); // a new transport of the same Session, as Transport.send makes
      assertThat(lab.dns().queryCount()).as("queries after the second send").isEqualTo(afterFirst);
      assertThat(SessionResolvers.count(session)).isEqualTo(1);
      assertThat(server.messages()).hasSize(2).allSatisfy(m -> assertThat(m.tls()).isTrue());
    }
  }

  @Test
  @DisplayName("Resolver lifecycle: a Session's resolver is closed by closeResolvers; another Session has its own")
  void sessionResolverLifecycle() throws Exception {
    try (MailLab lab = new MailLab()) {
      MintedCertificate leaf = lab.leaf(RELAY);
      SmtpTestServer server = relay(lab, leaf, b -> { });
      lab.tlsa(RELAY, ee311(leaf));
      Properties p = properties(lab);
      Session first = Session.getInstance(p);
      send(first);
      int afterFirst = lab.dns().queryCount(RELAY + ".", org.xbill.DNS.Type.A);
      Session second = Session.getInstance(p);
      send(second);
      assertThat(lab.dns().queryCount(RELAY + ".", org.xbill.DNS.Type.A)).as("a new Session asks again")
          .isEqualTo(afterFirst + 1);
      DaneSmtpTransport.closeResolvers(first);
      assertThat(SessionResolvers.count(first)).isZero();
      assertThat(SessionResolvers.count(second)).isEqualTo(1);
      send(first); // works again, with a new resolver
      assertThat(lab.dns().queryCount(RELAY + ".", org.xbill.DNS.Type.A)).isEqualTo(afterFirst + 2);
      assertThat(SessionResolvers.count(first)).isEqualTo(1);
      DaneSmtpTransport.closeResolvers(first);
      DaneSmtpTransport.closeResolvers(second);
      assertThat(server.messages()).hasSize(3);
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

  /** A relay without DANE (no TLSA: OPPORTUNISTIC) that offers AUTH PLAIN and accepts any credentials. */
  private SmtpTestServer authRelay(MailLab lab, boolean offerStartTls, SmtpFault... faults) {
    return relay(lab, lab.leaf(RELAY), b -> b.faults(faults)
        .replyTo("EHLO", "250-" + RELAY + "\r\n" + (offerStartTls ? "250-STARTTLS\r\n" : "") + "250 AUTH PLAIN")
        .replyTo("AUTH", "235 2.7.0 Authentication successful"));
  }

  private void sendWithCredentials(Properties p) throws Exception {
    MimeMessage m = message("bob@example.org");
    Session session = Session.getInstance(p);
    Transport.send(new MimeMessage(session, toStream(m)), "alice", "s3cret-password");
  }

  /** TLS-8: no credential, no MAIL FROM and no message byte was received in cleartext, on any connection. */
  private static void assertNoCredentialsOrMailInCleartext(SmtpTestServer server) throws InterruptedException {
    server.awaitConnectionsClosed(Duration.ofSeconds(5));
    assertThat(server.connections()).isNotEmpty().allSatisfy(c -> assertThat(c.cleartextBytes())
        .doesNotContainIgnoringCase("AUTH").doesNotContainIgnoringCase("MAIL FROM").doesNotContain(BODY_MARKER)
        .doesNotContain(java.util.Base64.getEncoder().encodeToString("\0alice\0s3cret-password"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    assertThat(server.messages()).isEmpty();
  }

  @Test
  @DisplayName("TLS-8: credentials, relay without DANE and without STARTTLS: refused, nothing sent in cleartext")
  void tls8_credentialsWithoutStartTlsAreNotSentInCleartext() throws Exception {
    try (MailLab lab = new MailLab()) {
      SmtpTestServer server = authRelay(lab, false);
      Properties p = properties(lab);
      p.setProperty("mail.smtp.auth", "true");
      assertThatThrownBy(() -> sendWithCredentials(p)).isInstanceOf(MessagingException.class)
          .hasMessageContaining("STARTTLS");
      assertNoCredentialsOrMailInCleartext(server);
    }
  }

  @Test
  @DisplayName("TLS-8: credentials, relay without DANE whose handshake fails: no cleartext retry")
  void tls8_credentialsAreNeverRetriedInCleartext() throws Exception {
    try (MailLab lab = new MailLab()) {
      SmtpTestServer server = authRelay(lab, true, SmtpFault.HANDSHAKE_FAIL);
      Properties p = properties(lab);
      p.setProperty("mail.smtp.auth", "true");
      assertThatThrownBy(() -> sendWithCredentials(p)).isInstanceOf(MessagingException.class);
      assertNoCredentialsOrMailInCleartext(server);
      assertThat(server.connections()).as("no second, cleartext connection").singleElement()
          .satisfies(c -> assertThat(c.handshakeFailed()).isTrue());
    }
  }

  @Test
  @DisplayName("TLS-8: mail.smtp.starttls.required=true on a relay without DANE: no STARTTLS or a failed "
      + "handshake defer, never a cleartext retry")
  void tls8_starttlsRequiredIsAFloor() throws Exception {
    for (SmtpFault fault : new SmtpFault[] {SmtpFault.NO_STARTTLS, SmtpFault.HANDSHAKE_FAIL}) {
      try (MailLab lab = new MailLab()) {
        SmtpTestServer server = relay(lab, lab.leaf(RELAY), b -> b.fault(fault));
        Properties p = properties(lab);
        p.setProperty("mail.smtp.starttls.required", "true");
        assertThatThrownBy(() -> send(p)).as("%s", fault).isInstanceOf(MessagingException.class);
        assertNoCredentialsOrMailInCleartext(server);
        assertThat(server.connections()).as("%s: one connection", fault).hasSize(1);
      }
    }
  }

  @Test
  @DisplayName("TLS-8: with credentials over TLS, AUTH goes inside TLS and the message is delivered")
  void tls8_credentialsOverTlsWork() throws Exception {
    try (MailLab lab = new MailLab()) {
      SmtpTestServer server = authRelay(lab, true);
      Properties p = properties(lab);
      p.setProperty("mail.smtp.auth", "true");
      sendWithCredentials(p);
      assertThat(server.messages()).singleElement().satisfies(m -> assertThat(m.tls()).isTrue());
      assertThat(server.connections()).singleElement()
          .satisfies(c -> assertThat(c.commandsInTls()).anyMatch(l -> l.startsWith("AUTH PLAIN")));
      assertNoCleartextAuth(server);
    }
  }

  /** The verbs a connection sent before its TLS session began. */
  private static java.util.List<String> verbsBeforeTls(org.dane4j.testkit.smtp.SmtpConnection c) {
    java.util.List<String> before = c.commands().subList(0, c.commands().size() - c.commandsInTls().size());
    return before.stream().map(l -> l.split(" ", 2)[0].toUpperCase(java.util.Locale.ROOT))
        .collect(java.util.stream.Collectors.toList());
  }

  @Test
  @DisplayName("TLS-8, POL-2: relay with DANE and SMTP AUTH (LOGIN, PLAIN): the relay is verified by its TLSA "
      + "record, then AUTH goes inside TLS; before TLS only EHLO and STARTTLS, though the relay offers AUTH there")
  void tls8_daneRelayWithAuth() throws Exception {
    for (String mechanism : new String[] {"LOGIN", "PLAIN"}) {
      try (MailLab lab = new MailLab()) {
        MintedCertificate leaf = lab.leaf(RELAY);
        // a relay that would take AUTH in cleartext too: the client must not
        SmtpTestServer server = relay(lab, leaf, b -> b.authUser("alice", "s3cret-password").authWithoutTls());
        lab.tlsa(RELAY, ee311(leaf));
        Properties p = properties(lab);
        p.setProperty("mail.smtp.auth", "true");
        p.setProperty("mail.smtp.auth.mechanisms", mechanism);
        sendWithCredentials(p);
        assertThat(server.awaitConnectionsClosed(1, Duration.ofSeconds(5))).isTrue();
        assertThat(server.messages()).as(mechanism).singleElement().satisfies(m -> {
          assertThat(m.tls()).isTrue();
          assertThat(m.sniName()).contains(RELAY);
          assertThat(m.authenticatedUser()).contains("alice");
        });
        assertThat(server.connections()).singleElement().satisfies(c -> {
          assertThat(c.authMechanism()).contains(mechanism);
          assertThat(c.commandsInTls()).anyMatch(l -> l.startsWith("AUTH " + mechanism));
          assertThat(verbsBeforeTls(c)).as("%s: commands before TLS", mechanism).containsExactly("EHLO", "STARTTLS");
          assertThat(c.cleartextBytes()).doesNotContainIgnoringCase("AUTH").doesNotContain(BODY_MARKER)
              .doesNotContainIgnoringCase("MAIL FROM")
              .doesNotContain(java.util.Base64.getEncoder().encodeToString("alice".getBytes(
                  java.nio.charset.StandardCharsets.UTF_8)))
              .doesNotContain(java.util.Base64.getEncoder().encodeToString("s3cret-password".getBytes(
                  java.nio.charset.StandardCharsets.UTF_8)));
        });
      }
    }
  }

  @Test
  @DisplayName("TLS-2, TLS-8: relay with DANE and SMTP AUTH presenting another key: refused in the handshake, "
      + "the credentials never sent, in cleartext or in TLS")
  void tls8_daneRelayWithAuthMismatchSendsNoCredentials() throws Exception {
    try (MailLab lab = new MailLab()) {
      MintedCertificate published = lab.leaf(RELAY);
      SmtpTestServer server = relay(lab, lab.leaf(RELAY), b -> b.authUser("alice", "s3cret-password"));
      lab.tlsa(RELAY, ee311(published));
      Properties p = properties(lab);
      p.setProperty("mail.smtp.auth", "true");
      assertThatThrownBy(() -> sendWithCredentials(p)).isInstanceOf(MessagingException.class);
      assertNoCredentialsOrMailInCleartext(server);
      assertThat(server.authenticatedUsers()).isEmpty();
      assertThat(server.connections()).allSatisfy(c -> {
        assertThat(c.commandsInTls()).isEmpty();
        assertThat(verbsBeforeTls(c)).isSubsetOf("EHLO", "STARTTLS", "QUIT");
      });
    }
  }

  private static void assertNoCleartextAuth(SmtpTestServer server) throws InterruptedException {
    server.awaitConnectionsClosed(Duration.ofSeconds(5));
    assertThat(server.cleartextBytes()).doesNotContainIgnoringCase("AUTH");
  }

  @Test
  @DisplayName("TLS-8: mail.smtp.dane.allow-cleartext-auth=true lets AUTH go to a relay without STARTTLS, "
      + "yet a failed handshake is still not retried in cleartext")
  void tls8_cleartextAuthIsAnExplicitOptIn() throws Exception {
    try (MailLab lab = new MailLab()) {
      SmtpTestServer server = authRelay(lab, false);
      Properties p = properties(lab);
      p.setProperty("mail.smtp.auth", "true");
      p.setProperty("mail.smtp.dane.allow-cleartext-auth", "true");
      sendWithCredentials(p);
      assertThat(server.messages()).singleElement().satisfies(m -> assertThat(m.tls()).isFalse());
      assertThat(server.cleartextBytes()).contains("AUTH PLAIN");
    }
    try (MailLab lab = new MailLab()) {
      SmtpTestServer server = authRelay(lab, true, SmtpFault.HANDSHAKE_FAIL);
      Properties p = properties(lab);
      p.setProperty("mail.smtp.auth", "true");
      p.setProperty("mail.smtp.dane.allow-cleartext-auth", "true");
      assertThatThrownBy(() -> sendWithCredentials(p)).isInstanceOf(MessagingException.class);
      assertNoCredentialsOrMailInCleartext(server);
      assertThat(server.connections()).hasSize(1);
    }
  }

  @Test
  @DisplayName("TLS-7: relay mode: a slowloris relay ends at mail.smtp.dane.reply-timeout, naming it")
  void tls7_relayReplyDeadline() throws Exception {
    try (MailLab lab = new MailLab()) {
      relay(lab, lab.leaf(RELAY), b -> b.faults(SmtpFault.TRICKLE_REPLIES, SmtpFault.ENDLESS_REPLY));
      Properties p = properties(lab);
      p.setProperty("mail.smtp.dane.reply-timeout", "2");
      org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
          assertThatThrownBy(() -> send(p)).isInstanceOf(MessagingException.class)
              .hasMessageContaining("limit replyTimeout 2 s"));
    }
  }

  @Test
  @DisplayName("TLS-7: relay mode, inside TLS: an endless reply line to MAIL FROM fails naming maxReplyLineLength")
  void tls7_relayEndlessLineInsideTls() throws Exception {
    try (MailLab lab = new MailLab()) {
      MintedCertificate leaf = lab.leaf(RELAY);
      SmtpTestServer server = relay(lab, leaf, b -> { });
      lab.tlsa(RELAY, ee311(leaf));
      Session session = Session.getInstance(properties(lab));
      try (Transport transport = session.getTransport()) {
        transport.connect();
        server.setFaults(SmtpFault.ENDLESS_LINE);
        MimeMessage m = new MimeMessage(session, toStream(message("bob@example.org")));
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
            assertThatThrownBy(() -> transport.sendMessage(m, m.getAllRecipients()))
                .isInstanceOf(MessagingException.class).hasStackTraceContaining("limit maxReplyLineLength 2048"));
      }
      assertThat(server.connections()).singleElement().satisfies(c -> {
        assertThat(c.tlsEstablished()).isTrue();
        assertThat(c.bytesSent()).isGreaterThan(10 * 2048);
      });
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

  @Test
  @DisplayName("OUT-1: relay mode tells a listener set on the transport the plan, each session and each attempt")
  void relayModeTellsTheListener() throws Exception {
    try (MailLab lab = new MailLab()) {
      MintedCertificate leaf = lab.leaf(RELAY);
      relay(lab, leaf, b -> { });
      lab.tlsa(RELAY, ee311(leaf));
      java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
      org.dane4j.delivery.DeliveryListener listener = new org.dane4j.delivery.DeliveryListener() {
        @Override
        public void planStarted(String destination) {
          heard.add("planStarted");
        }

        @Override
        public void planFinished(org.dane4j.smtp.DeliveryPlan plan) {
          heard.add("planFinished");
        }

        @Override
        public void sessionStarted(org.dane4j.smtp.MxRoute route, java.net.InetAddress address) {
          heard.add("sessionStarted " + route.mxHost());
        }

        @Override
        public void attemptFinished(org.dane4j.smtp.DeliveryAttempt attempt, org.dane4j.delivery.SessionResult s) {
          heard.add("attemptFinished " + attempt.verdict());
        }
      };
      Session session = Session.getInstance(properties(lab));
      try (Transport t = session.getTransport("smtp")) {
        ((DaneSmtpTransport) t).setListener(listener);
        t.connect();
        MimeMessage m = new MimeMessage(session, toStream(message("bob@example.org")));
        t.sendMessage(m, m.getAllRecipients());
      }
      assertThat(heard).containsExactly("planStarted", "planFinished", "sessionStarted " + RELAY,
          "attemptFinished " + TlsVerdict.VERIFIED);
    }
  }
}
