package org.dane4j.jakartamail;

import jakarta.mail.Session;
import java.util.Properties;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;
import org.dane4j.smtp.SmtpLimits;

/**
 * A private copy of a user's {@link Session} whose properties carry the DANE socket factories (plain and
 * STARTTLS), so that nothing is written into the user's properties (which may be shared, even the JVM's own).
 * A connect timeout the user did not set gets {@link SmtpLimits#DEFAULT_CONNECT_TIMEOUT} (checklist TLS-7:
 * Angus's own default is to wait for ever).
 */
final class SessionCopies {
  private SessionCopies() {}

  /**
   * A transport's own socket factory and the private session copy that carries it. Making the copy is a
   * {@link Session#getInstance} (Jakarta Mail looks its providers and address map up again each time: about
   * 5 % of DaneMailer's CPU per message in the profile of issue #17), so {@link AngusSession} keeps the kits of
   * finished sessions and hands each to one session at a time; relay-mode transports make their own.
   */
  static final class TlsKit {
    final RouteSocketFactory factory;
    final Session session;

    private TlsKit(RouteSocketFactory factory, Session session) {
      this.factory = factory;
      this.session = session;
    }

    /** A new factory (no route yet: it refuses every socket) and a copy of {@code user} that carries it. */
    static TlsKit of(Session user) {
      RouteSocketFactory factory = new RouteSocketFactory();
      return new TlsKit(factory, withSocketFactories(user, "mail.smtp", factory.plain(), factory));
    }
  }

  static Session withSocketFactories(Session user, String prefix, SocketFactory plain, SSLSocketFactory factory) {
    Properties copy = new Properties();
    Properties original = user.getProperties();
    for (String name : original.stringPropertyNames()) { // includes the defaults of the original
      copy.setProperty(name, original.getProperty(name));
    }
    original.forEach((k, v) -> {
      if (!(v instanceof String)) {
        copy.put(k, v); // factories and other objects set with put
      }
    });
    copy.remove(prefix + ".ssl.socketFactory.class");
    copy.put(prefix + ".ssl.socketFactory", factory);
    copy.remove(prefix + ".socketFactory.class");
    copy.put(prefix + ".socketFactory", plain);
    copy.setProperty(prefix + ".socketFactory.fallback", "false"); // never a socket that bypasses the guard
    if (copy.getProperty(prefix + ".connectiontimeout") == null) {
      copy.setProperty(prefix + ".connectiontimeout", Long.toString(SmtpLimits.DEFAULT_CONNECT_TIMEOUT.toMillis()));
    }
    Session session = Session.getInstance(copy);
    session.setDebug(user.getDebug());
    session.setDebugOut(user.getDebugOut());
    return session;
  }
}
