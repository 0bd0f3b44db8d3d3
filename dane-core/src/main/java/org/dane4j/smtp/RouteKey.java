package org.dane4j.smtp;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.TlsaRecord;

/**
 * Everything that decides how a connection to one server address is protected (RFC 7672 §2.2; checklist
 * TLS-6), made by {@link MxRoute#reuseKey(InetAddress)}: the address and port, the host and its TLSA base
 * domain, the reference names when a DANE-TA record could use them, the requirement, the secure TLSA RRset
 * and whether the MX RRset was secure. Two routes with equal keys verify the same chain with the same result,
 * so a connection (or TLS session) opened for one may carry mail for the other; any difference (another
 * requirement, a TLSA rollover, an insecure MX) means a new connection and a new handshake. This is the only
 * place that rule is written; every adapter that keeps connections compares these keys.
 */
public final class RouteKey {
  private final InetAddress address;
  private final int port;
  private final String host;
  private final String tlsaBaseDomain;
  private final List<String> referenceNames;
  private final TlsRequirement requirement;
  private final List<TlsaRecord> tlsa;
  private final boolean mxSecure;
  private final String stsName;

  private RouteKey(MxRoute route, InetAddress address) {
    this.address = Objects.requireNonNull(address, "address");
    this.port = route.port();
    this.host = route.host();
    this.tlsaBaseDomain = route.tlsaBaseDomain();
    // DANE-EE ignores names (RFC 7672 §3.1.1): domains hosted on the same DANE-EE server share connections;
    // with a DANE-TA record the reference names (which include the recipient domain) decide the name check
    boolean namesMatter = route.tlsa().stream().anyMatch(r -> r.usage().equals(CertUsage.DANE_TA));
    this.referenceNames = namesMatter ? route.referenceNames() : List.of();
    this.requirement = route.requirement();
    this.tlsa = route.tlsa();
    this.mxSecure = route.mxSecure();
    // an STS route checks the certificate against the MX host name (RFC 8461 §4.2)
    this.stsName = route.requirement() == TlsRequirement.STS ? route.mxHost() : null;
  }

  /** The key of {@code route} at one of its addresses (see {@link MxRoute#reuseKey(InetAddress)}). */
  static RouteKey of(MxRoute route, InetAddress address) {
    Objects.requireNonNull(route, "route");
    return new RouteKey(route, address);
  }

  /** The server's address. */
  public InetAddress address() {
    return address;
  }

  /** The server's port. */
  public int port() {
    return port;
  }

  /** The requirement the connection was secured under. */
  public TlsRequirement requirement() {
    return requirement;
  }

  /**
   * The server a connection limit counts against, address and port ({@code 192.0.2.1|25}): connections with
   * different keys may go to the same server.
   */
  public String server() {
    return address.getHostAddress() + "|" + port;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RouteKey k && port == k.port && mxSecure == k.mxSecure && address.equals(k.address)
        && host.equals(k.host) && tlsaBaseDomain.equals(k.tlsaBaseDomain) && referenceNames.equals(k.referenceNames)
        && requirement == k.requirement && tlsa.equals(k.tlsa)
        && Objects.equals(stsName, k.stsName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(address, port, host, tlsaBaseDomain, referenceNames, requirement, tlsa, mxSecure, stsName);
  }

  @Override
  public String toString() {
    return "RouteKey[" + server() + " " + host + " " + requirement + " base " + tlsaBaseDomain + " tlsa "
        + tlsa.size() + (referenceNames.isEmpty() ? "" : " names " + referenceNames)
        + (mxSecure ? "" : " insecure MX") + "]";
  }
}
