package org.dane4j.netty;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.dane4j.dns.DaneResolver;
import org.dane4j.testkit.MailWorld;
import java.util.function.UnaryOperator;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;

/** The testkit's {@link MailWorld} with a validating resolver and a {@link DaneSmtpClient} pointed at it. */
final class NettyLab extends MailWorld {
  static final String BODY_MARKER = "secret-body-7f3a9c";

  private DaneResolver resolver;

  static String ee311(MintedCertificate c) {
    return TlsaRecord.of(c.certificate(), CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256).toString();
  }

  static String ta211(MintedCertificate c) {
    return TlsaRecord.of(c.certificate(), CertUsage.DANE_TA, Selector.SPKI, MatchingType.SHA2_256).toString();
  }

  /**
   * The usual DANE-EE host: {@code example.test MX 10 mx.example.test}, its server on 127.0.0.2 with a fresh
   * leaf and the {@code 3 1 1} record of that leaf.
   */
  SmtpTestServer daneMx(UnaryOperator<SmtpTestServer.Builder> extra) {
    MintedCertificate leaf = leaf("mx.example.test");
    SmtpTestServer mx = mx("mx.example.test", 2, leaf, extra);
    zone().add("example.test. 300 IN MX 10 mx.example.test.");
    tlsa("mx.example.test", ee311(leaf));
    return mx;
  }

  DaneResolver resolver() {
    if (resolver == null) {
      resolver = DaneResolver.builder().servers(dns().address()).trustAnchors(world().trustAnchor())
          .timeout(Duration.ofSeconds(1)).retries(0).cacheSize(0).build();
    }
    return resolver;
  }

  DaneSmtpClient client() {
    return builder().build();
  }

  /** The builder of {@link #client()}: 5 s for connect, greeting, each command and the handshake. */
  DaneSmtpClient.Builder builder() {
    return DaneSmtpClient.builder(resolver()).ehloName("sender.example.org").mxPort(port() == 0 ? 25 : port())
        .connectTimeout(Duration.ofSeconds(5)).greetingTimeout(Duration.ofSeconds(5))
        .commandTimeout(Duration.ofSeconds(5)).handshakeTimeout(Duration.ofSeconds(5));
  }

  static byte[] message(String... to) {
    String text = "From: alice@example.org\nTo: " + String.join(", ", to) + "\nSubject: DANE test " + Instant.now()
        + "\n\nHello over DANE.\n" + BODY_MARKER + "\n.leading dot stays\n";
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    super.close();
    if (resolver != null) {
      resolver.close();
    }
  }
}
