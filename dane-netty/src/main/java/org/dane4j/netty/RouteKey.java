package org.dane4j.netty;

import java.net.InetAddress;
import java.util.List;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.TlsaRecord;

/**
 * Everything that decides how a connection to one server address is protected (checklist TLS-6): the host
 * and its TLSA base domain and reference names, the requirement, the secure TLSA RRset and whether the MX
 * RRset was secure. Two routes with equal keys verify the same chain with the same result, so a connection
 * opened for one may carry mail for the other; any difference (another requirement, a TLSA rollover, an
 * insecure MX) means a new connection and a new handshake.
 */
record RouteKey(InetAddress address, int port, String host, String tlsaBaseDomain, List<String> referenceNames,
    TlsRequirement requirement, List<TlsaRecord> tlsa, boolean mxSecure) {

  /**
   * The key of a route at one of its addresses. The reference names (which include the recipient domain)
   * count only when a DANE-TA record could use them: DANE-EE ignores names (RFC 7672 §3.1.1), so domains
   * hosted on the same DANE-EE server share connections.
   */
  static RouteKey of(MxRoute route, InetAddress address) {
    boolean namesMatter = route.tlsa().stream().anyMatch(r -> r.usage().equals(CertUsage.DANE_TA));
    return new RouteKey(address, route.port(), route.host(), route.tlsaBaseDomain(),
        namesMatter ? route.referenceNames() : List.of(), route.requirement(), route.tlsa(), route.mxSecure());
  }

  /** The server the connection limit counts against: address and port. */
  String destination() {
    return address.getHostAddress() + "|" + port;
  }
}
