package org.dane4j.cli.demo;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.dane4j.dns.DaneResolver;
import org.dane4j.jakartamail.DaneMailer;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.dns.DnsTestServer;
import org.dane4j.testkit.dns.DnsWorld;
import org.dane4j.testkit.dns.DnsZone;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;

/**
 * A small Internet on loopback for the demo and the tests: the testkit's signed DNS world (root,
 * {@code test.}, the signed {@value #SIGNED} and the unsigned {@value #UNSIGNED}) served on 127.0.0.1, and
 * SMTP servers on 127.0.0.2, 127.0.0.3 … sharing one port, the way MX hosts share port 25. Certificates
 * come from a fresh root and issuing CA.
 */
public final class DemoLab implements AutoCloseable {
  /** The signed zone the demo's domains live in. */
  public static final String SIGNED = "dane4j.test";
  /** An unsigned zone (securely delegated as insecure): no DANE there. */
  public static final String UNSIGNED = "insecure.test";

  private final DnsWorld world = DnsWorld.create();
  private final DnsZone signed;
  private final DnsZone unsigned;
  private final MintedCertificate root = CertificateMinter.certificate().commonName("dane4j demo root CA").ca()
      .mint();
  private final MintedCertificate issuer = CertificateMinter.certificate().commonName("dane4j demo issuing CA")
      .ca(0).issuer(root).mint();
  private final List<SmtpTestServer> servers = new ArrayList<>();
  private DnsTestServer dns;
  private int port;
  private int nextOctet = 2;

  /** An empty lab: the zones exist, no server runs yet. */
  public DemoLab() {
    world.zone("test.");
    signed = world.zone(SIGNED + ".");
    unsigned = world.unsignedZone(UNSIGNED + ".");
  }

  /** The DNS world, e.g. to set faults. */
  public DnsWorld world() {
    return world;
  }

  /** The issuing CA, whose {@code 2 1 1} record authenticates every server of the lab. */
  public MintedCertificate issuer() {
    return issuer;
  }

  /** A fresh certificate for {@code host}, issued by the lab's issuing CA. */
  public MintedCertificate leaf(String host) {
    return CertificateMinter.certificate().dnsNames(host).issuer(issuer).mint();
  }

  /**
   * Starts an SMTP server for {@code host} on the next loopback address and publishes its A record and an
   * MX record of {@code domain} pointing to it.
   */
  public SmtpTestServer mx(String domain, String host, MintedCertificate cert,
      UnaryOperator<SmtpTestServer.Builder> extra) {
    int octet = nextOctet++;
    SmtpTestServer s = extra.apply(SmtpTestServer.builder().address(loopback(octet)).port(port).hostname(host)
        .certificate(cert)).start();
    if (port == 0) {
      port = s.port();
    }
    servers.add(s);
    zoneOf(host).add(host + ". 300 IN A 127.0.0." + octet);
    zoneOf(domain).add(domain + ". 300 IN MX 10 " + host + ".");
    return s;
  }

  /** Publishes TLSA records (presentation form, e.g. {@code 3 1 1 <hex>}) for {@code host} at the lab's port. */
  public void tlsa(String host, String... records) {
    for (String r : records) {
      zoneOf(host).add(tlsaOwner(host) + " 300 IN TLSA " + r);
    }
  }

  /** The TLSA owner name of {@code host} at the lab's port, absolute. */
  public String tlsaOwner(String host) {
    return "_" + port + "._tcp." + host + ".";
  }

  /** The {@code 3 1 1} record of a certificate's key. */
  public static TlsaRecord ee311(MintedCertificate c) {
    return TlsaRecord.of(c.certificate(), CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256);
  }

  /** The {@code 2 1 1} record of a CA certificate's key. */
  public static TlsaRecord ta211(MintedCertificate c) {
    return TlsaRecord.of(c.certificate(), CertUsage.DANE_TA, Selector.SPKI, MatchingType.SHA2_256);
  }

  /** The port every SMTP server of the lab listens on (0 before the first server starts). */
  public int port() {
    return port;
  }

  /** The running DNS server, started on first use. */
  public DnsTestServer dns() {
    if (dns == null) {
      dns = world.start();
    }
    return dns;
  }

  /** The root's DS record, the trust anchor of the lab's world, in master-file form. */
  public String trustAnchor() {
    return world.trustAnchor();
  }

  /** A resolver for the lab's DNS server and trust anchor (to be closed by the caller). */
  public DaneResolver resolver() {
    return DaneResolver.builder().servers(dns().address()).trustAnchors(trustAnchor())
        .timeout(Duration.ofSeconds(2)).retries(0).cacheSize(0).build();
  }

  /** A mailer for the lab (to be closed by the caller; it does not close the resolver). */
  public DaneMailer mailer(DaneResolver resolver) {
    return DaneMailer.builder().resolver(resolver).ehloName("sender." + SIGNED).mxPort(port == 0 ? 25 : port)
        .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(5)).build();
  }

  /** The servers started, in order. */
  public List<SmtpTestServer> servers() {
    return List.copyOf(servers);
  }

  private DnsZone zoneOf(String name) {
    return name.equals(UNSIGNED) || name.endsWith("." + UNSIGNED) ? unsigned : signed;
  }

  private static InetAddress loopback(int octet) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) octet});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    servers.forEach(SmtpTestServer::close);
    if (dns != null) {
      dns.close();
    }
  }
}
