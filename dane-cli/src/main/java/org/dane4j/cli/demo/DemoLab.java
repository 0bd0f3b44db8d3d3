package org.dane4j.cli.demo;

import java.time.Duration;
import java.util.function.UnaryOperator;
import org.dane4j.dns.DaneResolver;
import org.dane4j.jakartamail.DaneMailer;
import org.dane4j.sts.MtaSts;
import org.dane4j.testkit.MailWorld;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.dns.DnsZone;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;

/**
 * A small Internet on loopback for the demo and the tests: the testkit's {@link MailWorld} (a signed DNS
 * world served on 127.0.0.1, a fresh root and issuing CA, SMTP servers on 127.0.0.2, 127.0.0.3 … sharing
 * one port, the way MX hosts share port 25) with two more zones, the signed {@value #SIGNED} and the
 * unsigned {@value #UNSIGNED}. Each name is published in the zone it falls in.
 */
public final class DemoLab extends MailWorld {
  /** The signed zone the demo's domains live in. */
  public static final String SIGNED = "dane4j.test";
  /** An unsigned zone (securely delegated as insecure): no DANE there. */
  public static final String UNSIGNED = "insecure.test";

  private final DnsZone signed;
  private final DnsZone unsigned;
  private int nextOctet = 2;

  /** An empty lab: the zones exist, no server runs yet. */
  public DemoLab() {
    super("dane4j demo");
    signed = world().zone(SIGNED + ".");
    unsigned = world().unsignedZone(UNSIGNED + ".");
  }

  /**
   * Starts an SMTP server for {@code host} on the next loopback address and publishes its A record and an
   * MX record of {@code domain} pointing to it.
   */
  public SmtpTestServer mx(String domain, String host, MintedCertificate cert,
      UnaryOperator<SmtpTestServer.Builder> extra) {
    SmtpTestServer s = mx(zoneOf(host), host, nextOctet++, cert, extra);
    mxRecord(zoneOf(domain), domain, 10, host);
    return s;
  }

  /** Publishes TLSA records (presentation form, e.g. {@code 3 1 1 <hex>}) for {@code host} at the lab's port. */
  @Override
  public void tlsa(String host, String... records) {
    tlsa(zoneOf(host), host, records);
  }

  /** The {@code 3 1 1} record of a certificate's key. */
  public static TlsaRecord ee311(MintedCertificate c) {
    return TlsaRecord.of(c.certificate(), CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256);
  }

  /** The {@code 2 1 1} record of a CA certificate's key. */
  public static TlsaRecord ta211(MintedCertificate c) {
    return TlsaRecord.of(c.certificate(), CertUsage.DANE_TA, Selector.SPKI, MatchingType.SHA2_256);
  }

  /** The root's DS record, the trust anchor of the lab's world, in master-file form. */
  public String trustAnchor() {
    return world().trustAnchor();
  }

  /** A resolver for the lab's DNS server and trust anchor (to be closed by the caller). */
  public DaneResolver resolver() {
    return DaneResolver.builder().servers(dns().address()).trustAnchors(trustAnchor())
        .timeout(Duration.ofSeconds(2)).retries(0).cacheSize(0).build();
  }

  /** A mailer for the lab (to be closed by the caller; it does not close the resolver). */
  public DaneMailer mailer(DaneResolver resolver) {
    return mailer(resolver, null);
  }

  /**
   * A mailer for the lab that applies MTA-STS with {@code sts} (RFC 8461; null: without), DANE first (to be
   * closed by the caller; it closes neither the resolver nor {@code sts}).
   */
  public DaneMailer mailer(DaneResolver resolver, MtaSts sts) {
    DaneMailer.Builder b = DaneMailer.builder().resolver(resolver).ehloName("sender." + SIGNED)
        .mxPort(port() == 0 ? 25 : port()).connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(5));
    if (sts != null) {
      b.mtaSts(sts);
    }
    return b.build();
  }

  /**
   * The MTA-STS lookup of the lab (to be closed by the caller): over {@code resolver}, policies fetched from
   * {@code policyPort}, with the lab's root CA as an extra trust anchor the way {@code --sts-ca} adds one
   * ({@link MtaSts.Builder#extraTrustAnchors}), in memory, no refresh timer.
   */
  public MtaSts mtaSts(DaneResolver resolver, int policyPort) {
    return MtaSts.builder(resolver).extraTrustAnchors(java.util.List.of(root().certificate()))
        .policyPort(policyPort).fetchTimeout(Duration.ofSeconds(5)).refreshCheckInterval(Duration.ZERO).build();
  }

  /** The lab zone {@code name} falls in: {@value #UNSIGNED} or {@value #SIGNED} (e.g. to publish MTA-STS records). */
  public DnsZone zoneOf(String name) {
    return name.equals(UNSIGNED) || name.endsWith("." + UNSIGNED) ? unsigned : signed;
  }
}
