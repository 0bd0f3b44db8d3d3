package org.dane4j.smtp;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import org.dane4j.tlsa.DaneVerification;
import org.dane4j.tlsa.FailureType;

/**
 * One attempt to deliver over one route and address, as reported to the user and to TLS reporting
 * (checklist OUT-1): host, address, requirement, verdict, the DANE verification (matched record and
 * depth), the TLS protocol and cipher, and for a failure its RFC 8460 type, whether it is transient, and
 * what the server or the network said.
 *
 * @param route the route tried
 * @param address the address connected to, or null when no connection was made
 * @param verdict the protection the session had, or FAILED
 * @param verification the DANE verification of the server's chain, or null when none ran
 * @param tlsProtocol the negotiated TLS protocol, or null for cleartext or no session
 * @param cipherSuite the negotiated cipher suite, or null
 * @param failureType the RFC 8460 failure type of a failed attempt, or null
 * @param transientFailure whether a failure is transient (4xx, the default for DANE failures)
 * @param detail what happened, in words (the server's reply, the exception, the DANE reason)
 * @param reusedConnection whether the session ran on a connection kept from an earlier one (TLS-6), so no
 *     handshake was made for it
 * @param requireTls whether MAIL FROM carried the {@code REQUIRETLS} parameter (RFC 8689 §4.2.1; RTLS-1)
 * @param verificationBypassed whether the message's {@code TLS-Required: No} let this attempt go without the
 *     DANE or MTA-STS verification its route required, after that verification failed (RFC 8689 §5; RTLS-2):
 *     the attempt's route is then the unverified one ({@link MxRoute#withoutVerification()}), and the failed
 *     attempt before it says what failed (for TLS reports)
 */
public record DeliveryAttempt(MxRoute route, InetAddress address, TlsVerdict verdict,
    DaneVerification verification, String tlsProtocol, String cipherSuite, FailureType failureType,
    boolean transientFailure, String detail, boolean reusedConnection, boolean requireTls,
    boolean verificationBypassed) {

  /** Checks for nulls where a value is required. */
  public DeliveryAttempt {
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(detail, "detail");
  }

  /** An attempt without REQUIRETLS and without {@code TLS-Required: No}. */
  public DeliveryAttempt(MxRoute route, InetAddress address, TlsVerdict verdict, DaneVerification verification,
      String tlsProtocol, String cipherSuite, FailureType failureType, boolean transientFailure, String detail,
      boolean reusedConnection) {
    this(route, address, verdict, verification, tlsProtocol, cipherSuite, failureType, transientFailure, detail,
        reusedConnection, false, false);
  }

  /** An attempt on a new connection (or none). */
  public DeliveryAttempt(MxRoute route, InetAddress address, TlsVerdict verdict, DaneVerification verification,
      String tlsProtocol, String cipherSuite, FailureType failureType, boolean transientFailure, String detail) {
    this(route, address, verdict, verification, tlsProtocol, cipherSuite, failureType, transientFailure, detail,
        false);
  }

  /** Whether this attempt made a TLS handshake of its own: it connected, ran TLS and reused no connection. */
  public boolean handshake() {
    return tlsProtocol != null && !reusedConnection;
  }

  /** The DANE verification, when one ran. */
  public Optional<DaneVerification> daneVerification() {
    return Optional.ofNullable(verification);
  }

  /** Whether the attempt failed. */
  public boolean failed() {
    return verdict == TlsVerdict.FAILED;
  }

  @Override
  public String toString() {
    String where = route.mxHost() + (address == null ? "" : "[" + address.getHostAddress() + "]:" + route.port());
    String tls = tlsProtocol == null ? "" : " " + tlsProtocol + " " + cipherSuite;
    String match = verification == null || !verification.verified() ? ""
        : " matched " + verification.matchedRecord().map(Object::toString).orElse("?") + " at depth "
            + verification.matchDepth();
    String failure = failureType == null ? "" : " " + failureType + (transientFailure ? " (transient)" : " (permanent)");
    String message = (requireTls ? " REQUIRETLS" : "") + (verificationBypassed ? " TLS-Required: No" : "");
    return where + " " + route.requirement() + " -> " + verdict + tls + match + failure + message + ": " + detail;
  }
}
