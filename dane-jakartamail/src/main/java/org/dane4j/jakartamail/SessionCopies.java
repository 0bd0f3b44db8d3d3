package org.dane4j.jakartamail;

import jakarta.mail.Session;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;

/**
 * A private copy of a user's {@link Session} whose properties carry the DANE STARTTLS socket factory, so
 * that nothing is written into the user's properties (which may be shared, even the JVM's own).
 */
final class SessionCopies {
  private SessionCopies() {}

  static Session withSslSocketFactory(Session user, String prefix, SSLSocketFactory factory) {
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
    Session session = Session.getInstance(copy);
    session.setDebug(user.getDebug());
    session.setDebugOut(user.getDebugOut());
    return session;
  }
}
