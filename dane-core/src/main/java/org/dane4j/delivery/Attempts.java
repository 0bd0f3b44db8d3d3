package org.dane4j.delivery;

import java.net.InetAddress;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.tlsa.DaneVerification;
import org.dane4j.tlsa.FailureType;

/** Turns a session's facts into the attempt the report records (checklist OUT-1); the only place that does. */
final class Attempts {
  private Attempts() {}

  /** A route that was not tried: its DNS made it unusable (DNS-2, ADDR-2, TLSA-3). */
  static DeliveryAttempt unusable(MxRoute route) {
    return new DeliveryAttempt(route, null, TlsVerdict.FAILED, null, null, null,
        route.failureType().orElse(FailureType.VALIDATION_FAILURE), true, route.reason());
  }

  /**
   * One session. It failed when it ended abnormally (before MAIL, or with the connection lost in the
   * transaction); a DANE verification that did not match is then the reason and gives the failure type.
   */
  static DeliveryAttempt of(MxRoute route, InetAddress address, SessionResult r) {
    return of(route, address, r, false, false);
  }

  /** A host skipped for a REQUIRETLS message without connecting (RFC 8689 §4.2.1; RTLS-1). */
  static DeliveryAttempt requireTlsSkipped(MxRoute route, String reason) {
    return new DeliveryAttempt(route, null, TlsVerdict.FAILED, null, null, null, null, false, reason, false, false,
        false);
  }

  /**
   * One session, with what the message's TLS requirement did in it: whether MAIL FROM carried REQUIRETLS, and
   * whether {@code TLS-Required: No} let it go without verification (RFC 8689; RTLS-1, RTLS-2).
   */
  static DeliveryAttempt of(MxRoute route, InetAddress address, SessionResult r, boolean requireTls,
      boolean bypassed) {
    DeliveryAttempt a = plain(route, address, r);
    if (!requireTls && !bypassed) {
      return a;
    }
    String detail = a.detail() + (requireTls ? "; MAIL FROM carried REQUIRETLS" : "")
        + (bypassed ? "; TLS-Required: No: the verification the route required failed and "
            + "was bypassed (RFC 8689 §5)" : "");
    return new DeliveryAttempt(a.route(), a.address(), a.verdict(), a.verification(), a.tlsProtocol(),
        a.cipherSuite(), a.failureType(), a.transientFailure(), detail, a.reusedConnection(), requireTls, bypassed);
  }

  private static DeliveryAttempt plain(MxRoute route, InetAddress address, SessionResult r) {
    DaneVerification v = r.verification().orElse(null);
    String protocol = r.tlsProtocol().orElse(null);
    String cipher = r.cipherSuite().orElse(null);
    if (r.failure().isPresent()) {
      FailureType type = r.failureType().orElse(null);
      String detail = r.failure().get();
      if (v != null && !v.verified()) {
        type = v.failureType().orElse(FailureType.VALIDATION_FAILURE);
        detail = v.reason();
      } else if (r.stsFailure().isPresent() && route.requirement() == TlsRequirement.STS) {
        type = r.stsFailure().get().failureType(); // STS-2: the RFC 8460 type of the refused certificate
        detail = r.stsFailure().get().getMessage();
      }
      String where = r.mailReply().isPresent() ? "connection lost during the transaction at " + r.phase() + ": "
          : "";
      return new DeliveryAttempt(route, address, TlsVerdict.FAILED, v, protocol, cipher, type, true,
          where + detail + reuse(r), r.reusedConnection());
    }
    String tls = !r.tls() ? "cleartext: the server did not offer STARTTLS"
        : r.authenticated() ? (v != null ? v.reason() : "authenticated") : "TLS without authentication";
    String last = r.dataReply().or(r::mailReply).map(SmtpReply::toString).orElse("QUIT");
    if (r.stsFailure().isPresent() && route.requirement() != TlsRequirement.STS) {
      tls += "; MTA-STS testing: enforce would have refused this session: " + r.stsFailure().get().getMessage();
    }
    return new DeliveryAttempt(route, address, route.verdict(r.tls(), r.authenticated()), v, protocol, cipher,
        null, false, tls + reuse(r) + "; " + last, r.reusedConnection());
  }

  private static String reuse(SessionResult r) {
    return r.reusedConnection() ? "; connection reused (message " + r.messagesOnConnection() + " on it)" : "";
  }
}
