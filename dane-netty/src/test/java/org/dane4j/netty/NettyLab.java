package org.dane4j.netty;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;
import org.dane4j.dns.DaneResolver;
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
 * A signed DNS world plus SMTP servers on 127.0.0.2, 127.0.0.3 … sharing one port, for end-to-end tests
 * of the Netty client (copied from the Jakarta Mail adapter's MailLab). Everything is on loopback and on the system clock.
 */
final class NettyLab implements AutoCloseable {
  static final String BODY_MARKER = "secret-body-7f3a9c";

  final DnsWorld world = DnsWorld.create();
  final DnsZone zone;
  final MintedCertificate root = CertificateMinter.certificate().commonName("Lab Root").ca().mint();
  final MintedCertificate issuer = CertificateMinter.certificate().commonName("Lab Issuing CA").ca(0)
      .issuer(root).mint();
  private final List<SmtpTestServer> servers = new ArrayList<>();
  private DnsTestServer dns;
  private DaneResolver resolver;
  private int port;

  NettyLab() {
    world.zone("test.");
    zone = world.zone("example.test.");
  }

  MintedCertificate leaf(String host) {
    return CertificateMinter.certificate().dnsNames(host).issuer(issuer).mint();
  }

  /** Starts an SMTP server for {@code host} on 127.0.0.{octet} and publishes its A record. */
  SmtpTestServer mx(String host, int octet, MintedCertificate cert, UnaryOperator<SmtpTestServer.Builder> extra) {
    SmtpTestServer s = extra.apply(SmtpTestServer.builder().address(loopback(octet)).port(port)
        .hostname(host).certificate(cert)).start();
    if (port == 0) {
      port = s.port();
    }
    servers.add(s);
    zone.add(host + ". 300 IN A 127.0.0." + octet);
    return s;
  }

  SmtpTestServer mx(String host, int octet, MintedCertificate cert) {
    return mx(host, octet, cert, b -> b);
  }

  /** Publishes TLSA records for {@code host} at the lab's port. */
  void tlsa(String host, String... records) {
    for (String r : records) {
      zone.add("_" + port + "._tcp." + host + ". 300 IN TLSA " + r);
    }
  }

  static String ee311(MintedCertificate c) {
    return TlsaRecord.of(c.certificate(), CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256).toString();
  }

  static String ta211(MintedCertificate c) {
    return TlsaRecord.of(c.certificate(), CertUsage.DANE_TA, Selector.SPKI, MatchingType.SHA2_256).toString();
  }

  int port() {
    return port;
  }

  DnsTestServer dns() {
    if (dns == null) {
      dns = world.start();
    }
    return dns;
  }

  DaneResolver resolver() {
    if (resolver == null) {
      resolver = DaneResolver.builder().servers(dns().address()).trustAnchors(world.trustAnchor())
          .timeout(Duration.ofSeconds(1)).retries(0).cacheSize(0).build();
    }
    return resolver;
  }

  DaneSmtpClient client() {
    return DaneSmtpClient.builder(resolver()).ehloName("sender.example.org").mxPort(port == 0 ? 25 : port)
        .connectTimeout(Duration.ofSeconds(5)).greetingTimeout(Duration.ofSeconds(5))
        .commandTimeout(Duration.ofSeconds(5)).handshakeTimeout(Duration.ofSeconds(5)).build();
  }

  static byte[] message(String... to) {
    String text = "From: alice@example.org\nTo: " + String.join(", ", to) + "\nSubject: DANE test " + Instant.now()
        + "\n\nHello over DANE.\n" + BODY_MARKER + "\n.leading dot stays\n";
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static InetAddress loopback(int octet) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) octet});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  List<SmtpTestServer> servers() {
    return servers;
  }

  @Override
  public void close() {
    servers.forEach(SmtpTestServer::close);
    if (resolver != null) {
      resolver.close();
    }
    if (dns != null) {
      dns.close();
    }
  }
}
