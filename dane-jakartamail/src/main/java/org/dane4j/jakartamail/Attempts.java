package org.dane4j.jakartamail;

import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.util.MailConnectException;
import java.net.InetAddress;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.SmtpReplyGuard;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.tlsa.DaneVerification;
import org.dane4j.tlsa.FailureType;

/** Builds the {@link DeliveryAttempt} reports of a Jakarta Mail connection (checklist OUT-1). */
final class Attempts {
  private Attempts() {}

  static DeliveryAttempt unusable(MxRoute route) {
    return new DeliveryAttempt(route, null, TlsVerdict.FAILED, null, null, null,
        route.failureType().orElse(FailureType.VALIDATION_FAILURE), true, route.reason());
  }

  static DeliveryAttempt connected(MxRoute route, InetAddress address, RouteSocketFactory.Connection c) {
    SSLSocket socket = c.socket;
    boolean tls = c.tlsEstablished();
    SSLSession session = tls ? socket.getSession() : null;
    DaneVerification v = c.trustManager.verification().orElse(null);
    boolean authenticated = c.trustManager.authenticated();
    return new DeliveryAttempt(route, address, route.verdict(tls, authenticated), v,
        session == null ? null : session.getProtocol(), session == null ? null : session.getCipherSuite(),
        null, false, tls ? (authenticated ? v.reason() : "TLS without authentication")
            : "cleartext: the server did not offer STARTTLS");
  }

  static DeliveryAttempt failed(MxRoute route, InetAddress address, RouteSocketFactory.Connection c,
      MessagingException e) {
    DaneVerification v = c.trustManager.verification().orElse(null);
    FailureType type;
    String detail;
    SmtpReplyGuard.LimitExceededException limit = cause(e, SmtpReplyGuard.LimitExceededException.class);
    if (v != null && !v.verified()) {
      type = v.failureType().orElse(FailureType.VALIDATION_FAILURE);
      detail = v.reason();
    } else if (limit != null) { // the server crossed a limit (TLS-7): not a TLS verdict
      type = null;
      detail = limit.getMessage();
    } else if (mentionsStartTls(e) || (c.socket == null && c.tlsRequired
        && !(e instanceof MailConnectException))) { // greeted, but no TLS: not offered or refused (454)
      type = FailureType.STARTTLS_NOT_SUPPORTED;
      detail = e.getMessage();
    } else {
      type = hasCause(e, SSLHandshakeException.class) ? FailureType.VALIDATION_FAILURE : null;
      detail = rootMessage(e);
    }
    return new DeliveryAttempt(route, address, TlsVerdict.FAILED, v, null, null, type, true, detail);
  }

  private static boolean mentionsStartTls(MessagingException e) {
    String m = e.getMessage();
    return m != null && m.contains("STARTTLS");
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> kind) {
    return cause(e, kind) != null;
  }

  private static <T extends Throwable> T cause(Throwable e, Class<T> kind) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (kind.isInstance(t)) {
        return kind.cast(t);
      }
    }
    return null;
  }

  /** Why a session failed after it was connected: the message, and the root cause (a crossed limit, say). */
  static String afterConnect(DeliveryAttempt connected, MessagingException e) {
    return connected + "; then: " + rootMessage(e);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return e.getMessage() + (t == e ? "" : " (" + t + ")");
  }
}
