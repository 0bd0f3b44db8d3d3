package org.dane4j.jakartamail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.dane4j.dns.DaneResolver;

/**
 * The resolvers relay mode makes from {@code mail.smtp.dane.*} properties, one per Jakarta Mail
 * {@link Session} (and DNS configuration within it), so that DNSSEC keys and answers stay cached from one
 * {@code Transport.send} to the next of the same Session (Spring's {@code JavaMailSenderImpl} keeps one Session
 * for its life). The lifecycle, which {@link DaneSmtpTransport} documents:
 *
 * <ul>
 *   <li>made at the first {@code connect} of a transport of the Session that needs one;</li>
 *   <li>shared by every transport of that Session with the same DNS settings (a trust-anchor file counts
 *       with its modification time, so a replaced file gets a new resolver);</li>
 *   <li>closed by {@link DaneSmtpTransport#closeResolvers(Session)}, or, at the latest, when the Session has
 *       been garbage-collected (the Session is held weakly; nothing here keeps it alive).</li>
 * </ul>
 *
 * <p>At most {@value #MAX_PER_SESSION} DNS configurations are kept per Session; beyond that a transport gets a
 * resolver of its own, closed with the transport.
 */
final class SessionResolvers {
  static final int MAX_PER_SESSION = 4;
  private static final Cleaner CLEANER = Cleaner.create();
  private static final Map<Session, Resolvers> BY_SESSION = new WeakHashMap<>();

  private record Key(List<InetSocketAddress> servers, Path trustAnchors, long anchorsModified, boolean trustAd,
      Duration timeout) {}

  /** A resolver and whether the transport owns it (closes it when it closes). */
  record Lease(DaneResolver resolver, boolean owned) {}

  /** The resolvers of one Session; closed once, explicitly or by the cleaner. Never refers to the Session. */
  private static final class Resolvers implements Runnable {
    private final Map<Key, DaneResolver> resolvers = new LinkedHashMap<>();

    @Override
    public synchronized void run() {
      resolvers.values().forEach(DaneResolver::close);
      resolvers.clear();
    }
  }

  private SessionResolvers() {}

  static Lease forSession(Session session, DaneSettings settings) throws MessagingException {
    Key key = new Key(settings.servers, settings.trustAnchors, modified(settings.trustAnchors), settings.trustAd,
        settings.dnsTimeout);
    Resolvers mine;
    synchronized (BY_SESSION) {
      mine = BY_SESSION.get(session);
      if (mine == null) {
        mine = new Resolvers();
        BY_SESSION.put(session, mine);
        CLEANER.register(session, mine);
      }
    }
    synchronized (mine) {
      DaneResolver shared = mine.resolvers.get(key);
      if (shared != null) {
        return new Lease(shared, false);
      }
      DaneResolver made = settings.newResolver();
      if (mine.resolvers.size() >= MAX_PER_SESSION) {
        return new Lease(made, true);
      }
      mine.resolvers.put(key, made);
      return new Lease(made, false);
    }
  }

  /** Closes the resolvers of this Session now; the next connect makes new ones. */
  static void close(Session session) {
    Resolvers mine;
    synchronized (BY_SESSION) {
      mine = BY_SESSION.remove(session);
    }
    if (mine != null) {
      mine.run(); // the cleaner's later run finds nothing left to close
    }
  }

  /** How many resolvers the Session has now (for tests). */
  static int count(Session session) {
    Resolvers mine;
    synchronized (BY_SESSION) {
      mine = BY_SESSION.get(session);
    }
    if (mine == null) {
      return 0;
    }
    synchronized (mine) {
      return mine.resolvers.size();
    }
  }

  private static long modified(Path file) {
    try {
      return file == null ? 0 : Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      return -1; // the resolver build reports the unreadable file
    }
  }
}
