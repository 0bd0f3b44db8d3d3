package org.dane4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Properties;
import org.dane4j.jakartamail.DaneMailer;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.sts.MtaSts;
import org.dane4j.testkit.MailWorld;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.dane4j.testkit.sts.StsPolicyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code dane4j.mta-sts.*}: the {@link MtaSts} bean (RFC 8461) and the {@link DaneMailer} bean that applies it
 * (checklist STS-2): a domain without TLSA under an {@code enforce} policy, served over HTTPS by the testkit with
 * the world's CA given as {@code dane4j.mta-sts.trust-anchors}, is delivered under requirement STS, and the
 * policy lands in the {@code dane4j.mta-sts.cache} file.
 */
@SpringBootTest(classes = DaneMtaStsStarterTest.App.class, properties = "dane4j.relay.enabled=false")
class DaneMtaStsStarterTest {
  private static final String DOMAIN = "sts.example.test";
  private static final String MX = "mx." + DOMAIN;
  private static MailWorld mail;
  private static SmtpTestServer mx;
  private static StsPolicyServer policy;
  private static Path cache;

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  @DynamicPropertySource
  static void world(DynamicPropertyRegistry registry) throws Exception {
    mail = new MailWorld();
    MintedCertificate leaf = mail.leaf(MX);
    mx = mail.mx(MX, 2, leaf);
    mail.zone().add(DOMAIN + ". 300 IN MX 10 " + MX + ".");
    policy = StsPolicyServer.builder(DOMAIN).issuer(mail.issuer()).address("127.0.0.220")
        .policy(StsPolicyServer.policyText("enforce", 86400, MX)).start();
    policy.publish(mail.zone(), "id1");
    Path anchors = Files.createTempFile("dane4j-anchors", ".key");
    anchors.toFile().deleteOnExit();
    Files.writeString(anchors, mail.world().trustAnchor());
    Path ca = Files.createTempFile("dane4j-sts-ca", ".pem");
    ca.toFile().deleteOnExit();
    Files.writeString(ca, "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(
            mail.root().certificate().getEncoded()) + "\n-----END CERTIFICATE-----\n");
    cache = Files.createTempDirectory("dane4j-sts-cache").resolve("sts.cache");
    registry.add("dane4j.resolver.servers", () -> "127.0.0.1:" + mail.dns().address().getPort());
    registry.add("dane4j.resolver.trust-anchors", () -> anchors.toUri().toString());
    registry.add("dane4j.resolver.probe-name", () -> "test.");
    registry.add("dane4j.resolver.timeout", () -> "2s");
    registry.add("dane4j.resolver.retries", () -> "0");
    registry.add("dane4j.mailer.ehlo-name", () -> "app.example.org");
    registry.add("dane4j.mailer.mx-port", () -> Integer.toString(mail.port()));
    registry.add("dane4j.mailer.connect-timeout", () -> "5s");
    registry.add("dane4j.mailer.read-timeout", () -> "5s");
    registry.add("dane4j.mta-sts.enabled", () -> "true");
    registry.add("dane4j.mta-sts.cache", cache::toString);
    registry.add("dane4j.mta-sts.trust-anchors", () -> ca.toUri().toString());
    registry.add("dane4j.mta-sts.fetch-timeout", () -> "5s");
    registry.add("dane4j.mta-sts.policy-port", () -> Integer.toString(policy.port()));
  }

  @AfterAll
  static void stop() {
    policy.close();
    mail.close();
  }

  @Autowired
  DaneMailer mailer;
  @Autowired
  MtaSts mtaSts;

  @Test
  @DisplayName("STS-2: dane4j.mta-sts.enabled gives the DaneMailer bean MTA-STS: enforce, no TLSA -> requirement"
      + " STS, verified, delivered; the policy is kept in dane4j.mta-sts.cache")
  void sts2_mailerBeanAppliesEnforcePolicy() throws Exception {
    MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
    m.setFrom(new InternetAddress("alice@example.org"));
    m.addRecipient(Message.RecipientType.TO, new InternetAddress("bob@" + DOMAIN));
    m.setSubject("starter sts");
    m.setText("Hello under MTA-STS.\n");
    m.saveChanges();
    RecipientResult r = mailer.send(m).of("bob@" + DOMAIN);
    assertThat(r.status()).as("%s", r).isEqualTo(RecipientResult.Status.DELIVERED);
    DeliveryAttempt last = r.attempts().get(r.attempts().size() - 1);
    assertThat(last.route().requirement()).isEqualTo(TlsRequirement.STS);
    assertThat(last.verdict()).isEqualTo(TlsVerdict.VERIFIED);
    assertThat(mx.messages()).anySatisfy(x -> assertThat(x.tls()).isTrue());
    assertThat(policy.requests()).isNotEmpty();
    assertThat(cache).exists();
  }

  @Test
  @DisplayName("STS-2: MTA-STS is off by default, as in the DaneMailer builder: no MtaSts bean")
  void sts2_offByDefault() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DaneAutoConfiguration.class))
        .withPropertyValues("dane4j.resolver.servers=127.0.0.1:1", "dane4j.mailer.ehlo-name=app.example.org")
        .run(ctx -> {
          assertThat(ctx).hasSingleBean(DaneMailer.class);
          assertThat(ctx).doesNotHaveBean(MtaSts.class);
        });
  }
}
