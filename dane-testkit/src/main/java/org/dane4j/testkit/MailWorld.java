package org.dane4j.testkit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.dane4j.testkit.dns.DnsTestServer;
import org.dane4j.testkit.dns.DnsWorld;
import org.dane4j.testkit.dns.DnsZone;
import org.dane4j.testkit.smtp.SmtpTestServer;

/**
 * A whole mail world for end-to-end tests of a DANE sender: a DNSSEC-signed DNS world (signed {@code test.}
 * and {@code example.test.}) served on 127.0.0.1, a private CA, and receiving SMTP servers on 127.0.0.2,
 * 127.0.0.3 … that share one port, each with its A record published. Everything runs on loopback.
 *
 * <pre>{@code
 * try (MailWorld mail = new MailWorld()) {
 *   MintedCertificate leaf = mail.leaf("mx.example.test");
 *   SmtpTestServer mx = mail.mx("mx.example.test", 2, leaf, b -> b);
 *   mail.zone().add("example.test. 300 IN MX 10 mx.example.test.");
 *   mail.tlsa("mx.example.test", "3 1 1 " + digestOfLeafKey);   // at _<port>._tcp.mx.example.test
 *   // point the sender's resolver at mail.dns().address() with mail.world().trustAnchor(),
 *   // and its MX port at mail.port()
 * }
 * }</pre>
 *
 * <p>Hosts and domains may live in other zones of {@link #world()}, signed or not: the overloads taking a
 * {@link DnsZone} publish there, and {@link #mxRecord} adds MX records.
 */
public class MailWorld implements AutoCloseable {
  private final DnsWorld world = DnsWorld.create();
  private final DnsZone zone;
  private final MintedCertificate root;
  private final MintedCertificate issuer;
  private final List<SmtpTestServer> servers = new ArrayList<>();
  private DnsTestServer dns;
  private int port;

  /** A world with the signed zones {@code test.} and {@code example.test.}; nothing runs yet. */
  public MailWorld() {
    this("Lab Root", "Lab Issuing CA");
  }

  /** As {@link #MailWorld()}, with CAs named "{@code caName} root CA" and "{@code caName} issuing CA". */
  public MailWorld(String caName) {
    this(caName + " root CA", caName + " issuing CA");
  }

  private MailWorld(String rootName, String issuerName) {
    root = CertificateMinter.certificate().commonName(rootName).ca().mint();
    issuer = CertificateMinter.certificate().commonName(issuerName).ca(0).issuer(root).mint();
    world.zone("test.");
    zone = world.zone("example.test.");
  }

  /** The signed DNS world (add zones, faults). */
  public DnsWorld world() {
    return world;
  }

  /** The signed zone {@code example.test.}. */
  public DnsZone zone() {
    return zone;
  }

  /** The private root CA. */
  public MintedCertificate root() {
    return root;
  }

  /** The issuing CA below the root (path length 0), which signs {@link #leaf} certificates. */
  public MintedCertificate issuer() {
    return issuer;
  }

  /** A server certificate for {@code host} issued by {@link #issuer()}. */
  public MintedCertificate leaf(String host) {
    return CertificateMinter.certificate().dnsNames(host).issuer(issuer).mint();
  }

  /**
   * Starts an SMTP server for {@code host} on 127.0.0.{octet} presenting {@code cert}, and publishes the
   * A record. All servers share the port of the first one.
   */
  public SmtpTestServer mx(String host, int octet, MintedCertificate cert,
      UnaryOperator<SmtpTestServer.Builder> extra) {
    return mx(zone, host, octet, cert, extra);
  }

  /**
   * As {@link #mx(String, int, MintedCertificate, UnaryOperator)}, publishing the A record in {@code in}, a
   * zone of {@link #world()} (signed or unsigned), instead of {@link #zone()}.
   */
  public SmtpTestServer mx(DnsZone in, String host, int octet, MintedCertificate cert,
      UnaryOperator<SmtpTestServer.Builder> extra) {
    SmtpTestServer s = extra.apply(SmtpTestServer.builder().address(loopback(octet)).port(port)
        .hostname(host).certificate(cert)).start();
    if (port == 0) {
      port = s.port();
    }
    servers.add(s);
    in.add(host + ". 300 IN A 127.0.0." + octet);
    return s;
  }

  /** Publishes {@code domain. 300 IN MX preference host.} in {@code in}, a zone of {@link #world()}. */
  public void mxRecord(DnsZone in, String domain, int preference, String host) {
    in.add(domain + ". 300 IN MX " + preference + " " + host + ".");
  }

  /** As {@link #mx(String, int, MintedCertificate, UnaryOperator)} without extra settings. */
  public SmtpTestServer mx(String host, int octet, MintedCertificate cert) {
    return mx(host, octet, cert, b -> b);
  }

  /** Publishes TLSA records (presentation form) for {@code host} at the servers' port. */
  public void tlsa(String host, String... records) {
    tlsa(zone, host, records);
  }

  /** Publishes TLSA records (presentation form) for {@code host} at the servers' port, in {@code in}. */
  public void tlsa(DnsZone in, String host, String... records) {
    for (String r : records) {
      in.add(tlsaOwner(host) + " 300 IN TLSA " + r);
    }
  }

  /** The TLSA owner name of {@code host} at the servers' port, absolute: {@code _<port>._tcp.<host>.}. */
  public String tlsaOwner(String host) {
    return "_" + port + "._tcp." + host + ".";
  }

  /** The port the SMTP servers share (0 before the first one starts). */
  public int port() {
    return port;
  }

  /** The DNS server for the world, started on first use. */
  public DnsTestServer dns() {
    if (dns == null) {
      dns = world.start();
    }
    return dns;
  }

  /** The SMTP servers started so far. */
  public List<SmtpTestServer> servers() {
    return List.copyOf(servers);
  }

  /** 127.0.0.{octet}. */
  public static InetAddress loopback(int octet) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) octet});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops every server. */
  @Override
  public void close() {
    servers.forEach(SmtpTestServer::close);
    if (dns != null) {
      dns.close();
    }
  }
}
