package org.dane4j.jakartamail;

import jakarta.mail.MessagingException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dane4j.dns.DaneResolver;
import org.dane4j.smtp.DaneMode;
import org.dane4j.smtp.SmtpLimits;

/**
 * The {@code mail.smtp.dane.*} session properties, read and checked at connect time: a bad value or an
 * unknown name fails the connection with the property named.
 */
final class DaneSettings {
  static final String PREFIX = "mail.smtp.dane.";
  static final String MODE = PREFIX + "mode";
  static final String RESOLVER = PREFIX + "resolver";
  static final String TRUST_ANCHORS = PREFIX + "trust-anchors";
  static final String TRUST_AD = PREFIX + "trust-ad";
  static final String DNS_TIMEOUT = PREFIX + "dns-timeout";
  /** Seconds one SMTP reply may take, however it is trickled (TLS-7); SmtpLimits.DEFAULT_REPLY_TIMEOUT. */
  static final String REPLY_TIMEOUT = PREFIX + "reply-timeout";
  /**
   * Seconds the TLS handshake after STARTTLS may take in all (TLS-7);
   * {@link SmtpLimits#DEFAULT_HANDSHAKE_TIMEOUT} (30 s) by default, 1..600.
   */
  static final String HANDSHAKE_TIMEOUT = PREFIX + "handshake-timeout";
  /** Opt-in: AUTH may be sent without TLS when the server offers no STARTTLS (TLS-8); false by default. */
  static final String ALLOW_CLEARTEXT_AUTH = PREFIX + "allow-cleartext-auth";
  private static final Set<String> KNOWN = knownNames();

  private static Set<String> knownNames() {
    Set<String> names = new java.util.HashSet<>(Set.of(MODE, RESOLVER, TRUST_ANCHORS, TRUST_AD, DNS_TIMEOUT,
        REPLY_TIMEOUT, HANDSHAKE_TIMEOUT, ALLOW_CLEARTEXT_AUTH));
    names.addAll(RequireTlsSettings.NAMES);
    return Set.copyOf(names);
  }
  /** An IPv4 or IPv6 address with an optional port: 127.0.0.1, 127.0.0.1:5353, [::1]:53, ::1. */
  private static final Pattern SERVER = Pattern.compile("^\\[([0-9a-fA-F:.]+)\\](?::(\\d{1,5}))?$"
      + "|^([0-9.]+)(?::(\\d{1,5}))?$|^([0-9a-fA-F]*:[0-9a-fA-F:]*)$");

  final DaneMode mode;
  final List<InetSocketAddress> servers;
  final Path trustAnchors;
  final boolean trustAd;
  final Duration dnsTimeout;
  final SmtpLimits limits;
  final Duration handshakeTimeout;
  final boolean allowCleartextAuth;

  private DaneSettings(Properties p) throws MessagingException {
    for (String name : p.stringPropertyNames()) {
      if (name.startsWith(PREFIX + "mta-sts")) {
        throw new MessagingException(name + ": MTA-STS (RFC 8461 §4) applies to the MX hosts of a recipient "
            + "domain, never to a configured relay (mail.smtp.host); deliver to the MX hosts with "
            + "DaneMailer.Builder.mtaSts(MtaSts) instead");
      }
      if (name.startsWith(PREFIX) && !KNOWN.contains(name)) {
        throw new MessagingException("unknown property " + name + "; known: " + KNOWN);
      }
    }
    try {
      this.mode = DaneMode.parse(p.getProperty(MODE, "dane"));
    } catch (IllegalArgumentException e) {
      throw new MessagingException(MODE + ": " + e.getMessage(), e);
    }
    this.servers = servers(p.getProperty(RESOLVER, ""));
    String anchors = p.getProperty(TRUST_ANCHORS, "").strip();
    this.trustAnchors = anchors.isEmpty() ? null : Path.of(anchors);
    this.trustAd = bool(p, TRUST_AD);
    this.dnsTimeout = seconds(DNS_TIMEOUT, p.getProperty(DNS_TIMEOUT, "5"), 60);
    this.limits = SmtpLimits.DEFAULTS.withReplyTimeout(seconds(REPLY_TIMEOUT,
        p.getProperty(REPLY_TIMEOUT, Long.toString(SmtpLimits.DEFAULT_REPLY_TIMEOUT.toSeconds())), 3600));
    this.handshakeTimeout = seconds(HANDSHAKE_TIMEOUT, p.getProperty(HANDSHAKE_TIMEOUT,
        Long.toString(SmtpLimits.DEFAULT_HANDSHAKE_TIMEOUT.toSeconds())), 600);
    this.allowCleartextAuth = bool(p, ALLOW_CLEARTEXT_AUTH);
  }

  static DaneSettings of(Properties p) throws MessagingException {
    return new DaneSettings(p);
  }

  /** A resolver for these settings; the caller closes it. */
  DaneResolver newResolver() throws MessagingException {
    try {
      DaneResolver.Builder b = DaneResolver.builder().timeout(dnsTimeout);
      if (!servers.isEmpty()) {
        b.servers(servers.toArray(new InetSocketAddress[0]));
      }
      if (trustAnchors != null) {
        b.trustAnchors(trustAnchors);
      }
      if (trustAd) {
        b.trustAd();
      }
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new MessagingException("DANE resolver settings (" + PREFIX + "*): " + e.getMessage(), e);
    }
  }

  private static List<InetSocketAddress> servers(String text) throws MessagingException {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String item : text.strip().split("[,\\s]+")) {
      if (item.isEmpty()) {
        continue;
      }
      Matcher m = SERVER.matcher(item);
      if (!m.matches()) {
        throw new MessagingException(RESOLVER + ": \"" + item + "\" is not an IP address with an optional port");
      }
      String ip = m.group(1) != null ? m.group(1) : m.group(3) != null ? m.group(3) : m.group(5);
      String port = m.group(2) != null ? m.group(2) : m.group(4);
      try {
        // Only literals reach here, so this parses and never looks anything up.
        out.add(new InetSocketAddress(InetAddress.getByName(ip), port == null ? 53 : Integer.parseInt(port)));
      } catch (UnknownHostException | IllegalArgumentException e) {
        throw new MessagingException(RESOLVER + ": \"" + item + "\": " + e.getMessage(), e);
      }
    }
    return out;
  }

  /**
   * The application's own demand for TLS (checklist TLS-8), read from Jakarta Mail's properties in this one
   * place for relay mode and {@code DaneMailer}: {@code mail.smtp.starttls.required=true} is a floor, and so
   * are credentials ({@code mail.smtp.auth=true}, or a user and password given to {@code connect}) unless
   * {@value #ALLOW_CLEARTEXT_AUTH} is true; credentials are never retried in cleartext either way.
   *
   * @param floor TLS mandatory on every route
   * @param credentials the session may send AUTH
   */
  record AppTls(boolean floor, boolean credentials) {
    /** @param passwordGiven a user and a password were passed to {@code connect} */
    static AppTls of(Properties p, boolean passwordGiven) {
      boolean credentials = flag(p, "mail.smtp.auth") || passwordGiven;
      return new AppTls(flag(p, "mail.smtp.starttls.required") || (credentials && !flag(p, ALLOW_CLEARTEXT_AUTH)),
          credentials);
    }

    /** Whether an OPPORTUNISTIC route whose handshake failed may be tried again in cleartext. */
    boolean cleartextRetry() {
      return !floor && !credentials;
    }
  }

  /** A boolean property as Jakarta Mail reads one: a Boolean object, or the text "true" in any case. */
  static boolean flag(Properties p, String name) {
    Object v = p.get(name);
    if (v instanceof Boolean b) {
      return b;
    }
    String text = p.getProperty(name);
    return text != null && text.strip().equalsIgnoreCase("true");
  }

  private static boolean bool(Properties p, String name) throws MessagingException {
    String v = p.getProperty(name, "false").strip();
    if (!v.equals("true") && !v.equals("false")) {
      throw new MessagingException(name + " must be true or false, got \"" + v + "\"");
    }
    return Boolean.parseBoolean(v);
  }

  private static Duration seconds(String name, String v, int max) throws MessagingException {
    try {
      int s = Integer.parseInt(v.strip());
      if (s < 1 || s > max) {
        throw new NumberFormatException("out of range");
      }
      return Duration.ofSeconds(s);
    } catch (NumberFormatException e) {
      throw new MessagingException(name + " must be 1.." + max + " seconds, got \"" + v + "\"", e);
    }
  }
}
