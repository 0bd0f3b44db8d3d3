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
