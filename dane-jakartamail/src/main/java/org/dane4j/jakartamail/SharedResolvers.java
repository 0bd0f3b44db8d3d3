package org.dane4j.jakartamail;

import jakarta.mail.MessagingException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.dane4j.dns.DaneResolver;

/**
 * One {@link DaneResolver} per distinct {@code mail.smtp.dane.*} DNS configuration, shared by every
 * {@link DaneSmtpTransport} of the JVM, so that DNSSEC keys and answers stay cached from one send to the next
 * (Jakarta Mail and Spring make a new transport per send or batch; a resolver per transport started each send
 * cold: the root-to-zone key chain again, about 16 ms and eight round trips). Its threads are daemons and it
 * lives as long as the JVM. A trust-anchor file counts with its modification time, so a replaced file gets a
 * new resolver. At most {@value #MAX_SHARED} configurations are shared; beyond that each transport gets its
 * own resolver, closed with the transport.
 */
final class SharedResolvers {
  static final int MAX_SHARED = 16;

  private record Key(List<InetSocketAddress> servers, Path trustAnchors, long anchorsModified, boolean trustAd,
      Duration timeout) {}

  /** A resolver and whether the transport owns it (closes it when it closes). */
  record Lease(DaneResolver resolver, boolean owned) {}

  private static final Map<Key, DaneResolver> SHARED = new ConcurrentHashMap<>();

  private SharedResolvers() {}

  static Lease forSettings(DaneSettings settings) throws MessagingException {
    Key key = new Key(settings.servers, settings.trustAnchors, modified(settings.trustAnchors), settings.trustAd,
        settings.dnsTimeout);
    DaneResolver shared = SHARED.get(key);
    if (shared != null) {
      return new Lease(shared, false);
    }
    DaneResolver made = settings.newResolver();
    if (SHARED.size() >= MAX_SHARED) {
      return new Lease(made, true);
    }
    DaneResolver raced = SHARED.putIfAbsent(key, made);
    if (raced != null) {
      made.close();
      return new Lease(raced, false);
    }
    return new Lease(made, false);
  }

  private static long modified(Path file) {
    try {
      return file == null ? 0 : Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      return -1; // the resolver build reports the unreadable file
    }
  }

  /** How many configurations are shared now (for tests). */
  static int size() {
    return SHARED.size();
  }
}
