package org.dane4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.dane4j.dns.DaneResolver;
import org.dane4j.jakartamail.DaneMailer;
import org.dane4j.micrometer.DaneMetrics;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.testkit.MailWorld;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter in a Spring Boot application, against the testkit's signed DNS world and SMTP servers on
 * loopback: the DaneMailer bean, relay mode of Spring's JavaMailSender, the health indicator and the meters.
 */
@SpringBootTest(classes = DaneStarterTest.App.class)
class DaneStarterTest {
  private static final String MX = "mx.example.test";
  private static final String RELAY = "relay.example.test";
  private static MailWorld mail;
  private static SmtpTestServer mx;
  private static SmtpTestServer relay;

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  static String tlsa(MintedCertificate c) {
    return TlsaRecord.of(c.certificate(), CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256).toString();
  }

  @DynamicPropertySource
  static void world(DynamicPropertyRegistry registry) throws Exception {
    mail = new MailWorld();
    MintedCertificate leaf = mail.leaf(MX);
    mx = mail.mx(MX, 2, leaf);
    mail.zone().add("example.test. 300 IN MX 10 " + MX + ".");
    mail.tlsa(MX, tlsa(leaf));
    MintedCertificate relayLeaf = mail.leaf(RELAY);
    relay = mail.mx(RELAY, 3, relayLeaf);
    mail.tlsa(RELAY, tlsa(relayLeaf));
    Path anchors = Files.createTempFile("dane4j-anchors", ".key");
    anchors.toFile().deleteOnExit();
    Files.writeString(anchors, mail.world().trustAnchor());
    registry.add("dane4j.resolver.servers", () -> "127.0.0.1:" + mail.dns().address().getPort());
    registry.add("dane4j.resolver.trust-anchors", () -> anchors.toUri().toString());
    registry.add("dane4j.resolver.probe-name", () -> "test.");
    registry.add("dane4j.resolver.timeout", () -> "2s");
    registry.add("dane4j.resolver.retries", () -> "0");
    registry.add("dane4j.mailer.ehlo-name", () -> "app.example.org");
    registry.add("dane4j.mailer.mx-port", () -> Integer.toString(mail.port()));
    registry.add("dane4j.mailer.connect-timeout", () -> "5s");
    registry.add("dane4j.mailer.read-timeout", () -> "5s");
    registry.add("dane4j.relay.enabled", () -> "true");
    registry.add("spring.mail.host", () -> RELAY);
    registry.add("spring.mail.port", () -> Integer.toString(mail.port()));
    registry.add("spring.mail.properties.mail.smtp.localhost", () -> "app.example.org");
    registry.add("spring.mail.properties.mail.smtp.connectiontimeout", () -> "5000");
    registry.add("spring.mail.properties.mail.smtp.timeout", () -> "5000");
  }

  @AfterAll
  static void stop() {
    mail.close();
  }

  @Autowired
  DaneMailer mailer;
  @Autowired
  JavaMailSender sender;
  @Autowired
  DaneResolver resolver;
  @Autowired
  MeterRegistry registry;
  @Autowired
  DaneHealthIndicator health;

  private static MimeMessage message(String to) throws Exception {
    MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
    m.setFrom(new InternetAddress("alice@example.org"));
    m.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
    m.setSubject("starter");
    m.setText("Hello from Spring Boot.\n");
    m.saveChanges();
    return m;
  }

  @Test
  @DisplayName("EE-1: the DaneMailer bean delivers over DANE-verified TLS and the meters count it")
  void ee1_mailerBeanDeliversAndIsMetered() throws Exception {
    RecipientResult r = mailer.send(message("bob@example.test")).of("bob@example.test");
    assertThat(r.status()).as("%s", r).isEqualTo(RecipientResult.Status.DELIVERED);
    assertThat(mx.messages()).anySatisfy(m -> assertThat(m.tls()).isTrue());
    assertThat(registry.get(DaneMetrics.DELIVERIES).tag("status", "delivered").tag("verdict", "verified")
        .counter().count()).isGreaterThanOrEqualTo(1.0);
    assertThat(registry.get(DaneMetrics.PLAN).timer().count()).isGreaterThanOrEqualTo(1);
  }

  @Test
  @DisplayName("POL-2: dane4j.relay.enabled switches Spring's JavaMailSender to DaneSmtpTransport with the shared resolver")
  void pol2_relayModeThroughJavaMailSender() throws Exception {
    MimeMessage m = sender.createMimeMessage();
    MimeMessageHelper h = new MimeMessageHelper(m);
    h.setFrom("alice@example.org");
    h.setTo("carol@example.org");
    h.setSubject("relay");
    h.setText("Hello through the relay.\n");
    sender.send(m);
    assertThat(sender).isInstanceOf(DaneRelayPostProcessor.DaneRelaySender.class);
    assertThat(relay.messages()).singleElement().satisfies(msg -> {
      assertThat(msg.tls()).isTrue();
      assertThat(msg.sniName()).contains(RELAY);
    });
    // the relay's attempt reached the application's listeners (here: the meters)
    assertThat(registry.get(DaneMetrics.ATTEMPTS).tag("verdict", "verified").counter().count())
        .isGreaterThanOrEqualTo(1.0);
  }

  @Test
  @DisplayName("DNS-4: health dane4j is UP when the shared resolver validates DNSSEC; the probe gauge says so")
  void dns4_healthUpWhenValidating() {
    assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    assertThat(health.health().getDetails()).containsEntry("state", "validating");
    assertThat(registry.get(DaneMetrics.PROBE).tag("state", "validating").gauge().value()).isEqualTo(1.0);
  }

  @Test
  @DisplayName("One shared resolver: the mailer bean and relay mode use the context's DaneResolver")
  void oneSharedResolver() {
    assertThat(resolver.servers()).singleElement()
        .satisfies(s -> assertThat(s.getPort()).isEqualTo(mail.dns().address().getPort()));
  }
}
