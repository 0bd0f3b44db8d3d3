package org.dane4j.smtp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import org.dane4j.dns.DnssecProbe;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;

/**
 * The envelope of one message — its sender and recipients — checked before any DNS lookup or connection
 * (checklist IN-1; RFC 5321 §4.1.2 for the syntax, §4.5.3.1 for the size limits, RFC 6531 for UTF-8
 * addresses). Every adapter ({@code DaneMailer}, {@code DaneSmtpClient}, {@code dane4j send}) sends through
 * it, so that all of them accept and refuse the same input.
 *
 * <p>Checking never throws for bad content: a recipient that cannot be handled becomes a {@code FAILED}
 * {@link RecipientResult} with no attempt and the reason (see {@link #refused()}), and the other recipients
 * are delivered as usual. A sender that cannot be used (a control character such as CR, bad syntax, too
 * long) fails every recipient in the same way, so that nothing is sent at all. The rules:
 *
 * <ul>
 *   <li>no control character anywhere (C0 including CR, LF, NUL and TAB; DEL; C1; U+2028, U+2029), no
 *       unpaired surrogate;
 *   <li>{@code local@domain}; the local part a dot-string or a quoted string of RFC 5321 §4.1.2 (UTF-8
 *       allowed, RFC 6531), the domain a host name (U-labels are accepted and looked up as A-labels);
 *   <li>at most {@value #MAX_LOCAL_PART_OCTETS} octets of local part, {@value #MAX_DOMAIN_OCTETS} of domain
 *       and {@value #MAX_PATH_OCTETS} of path ({@code <address>}, angle brackets included), in UTF-8;
 *   <li>a recipient at an address literal ({@code carol@[192.0.2.1]}) is refused: a DANE sender finds its
 *       servers and their TLSA records through the DNS name of the recipient domain (RFC 7672 §2.2), and a
 *       literal has none; the sender may be at an address literal, and may be {@code ""} (the null
 *       reverse-path, for bounces).
 * </ul>
 *
 * <p>Recipients are taken once each, compared without regard to case, in the order given; the report has one
 * result per such recipient, in that order.
 */
public final class Envelope {
  /** The most octets of a local part (RFC 5321 §4.5.3.1.1). */
  public static final int MAX_LOCAL_PART_OCTETS = 64;
  /** The most octets of a domain (RFC 5321 §4.5.3.1.2). */
  public static final int MAX_DOMAIN_OCTETS = 255;
  /** The most octets of a reverse- or forward-path, angle brackets included (RFC 5321 §4.5.3.1.3). */
  public static final int MAX_PATH_OCTETS = 256;

  private static final String ATEXT = "A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~\\x{80}-\\x{10FFFF}";
  /** The ASCII characters of {@code ATEXT} (RFC 5322 §3.2.3). */
  private static final String ATEXT_ASCII =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-/=?^_`{|}~";
  static final Pattern DOT_STRING = Pattern.compile("[" + ATEXT + "]+(\\.[" + ATEXT + "]+)*");
  /** qtextSMTP (32-33, 35-91, 93-126, UTF-8) or a quoted-pairSMTP (backslash, 32-126). */
  private static final Pattern QUOTED_STRING =
      Pattern.compile("\"([\\x20\\x21\\x23-\\x5b\\x5d-\\x7e\\x{80}-\\x{10FFFF}]|\\\\[\\x20-\\x7e])*\"");
  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  private static final Pattern IPV4 = Pattern.compile("(" + OCTET + "\\.){3}" + OCTET);
  private static final Pattern IPV6 = Pattern.compile("IPv6:[0-9A-Fa-f:.]{2,45}", Pattern.CASE_INSENSITIVE);

  private final String sender;
  private final String senderProblem;
  private final List<String> recipients;
  private final Map<String, List<String>> domains;
  private final Map<String, RecipientResult> refused;
  private final RequireTls requireTls;

  private Envelope(Envelope e, RequireTls requireTls) {
    this.sender = e.sender;
    this.senderProblem = e.senderProblem;
    this.recipients = e.recipients;
    this.domains = e.domains;
    this.refused = e.refused;
    this.requireTls = requireTls;
  }

  private Envelope(String sender, List<String> given, boolean relayed) {
    this.requireTls = RequireTls.NONE;
    this.sender = sender;
    this.senderProblem = problem(sender, false);
    List<String> distinct = new ArrayList<>();
    Map<String, List<String>> byDomain = new LinkedHashMap<>();
    Map<String, RecipientResult> failed = new LinkedHashMap<>();
    for (String r : given) {
      Objects.requireNonNull(r, "recipient");
      if (distinct.stream().anyMatch(r::equalsIgnoreCase)) {
        continue;
      }
      distinct.add(r);
      String problem = problem(r, true, relayed);
      if (problem != null) {
        failed.put(r, refusal(r, "recipient " + quote(r) + " refused before sending: " + problem));
      } else if (senderProblem != null) {
        failed.put(r, refusal(r, "envelope sender " + quote(sender) + " refused before sending: " + senderProblem
            + "; nothing was sent to any recipient"));
      } else {
        String domain = r.substring(r.lastIndexOf('@') + 1);
        byDomain.computeIfAbsent(domain.startsWith("[") ? domain.toLowerCase(Locale.ROOT) : HostNames.check(domain),
            d -> new ArrayList<>()).add(r);
      }
    }
    this.recipients = List.copyOf(distinct);
    byDomain.replaceAll((d, list) -> List.copyOf(list));
    this.domains = java.util.Collections.unmodifiableMap(byDomain);
    this.refused = failed;
  }

  /**
   * Checks an envelope. Bad addresses do not throw: they are in {@link #refused()}.
   *
   * @param sender the envelope sender, {@code ""} for the null reverse-path
   * @param recipients the envelope recipients
   * @return the checked envelope
   * @throws NullPointerException when the sender, the list or a recipient is null
   * @throws IllegalArgumentException when there is no recipient
   */
  public static Envelope of(String sender, List<String> recipients) {
    return checked(sender, recipients, false);
  }

  /**
   * Checks an envelope for a relay (smarthost, POL-2), which routes the mail on: the same rules, except that
   * a recipient at an address literal is accepted (DANE applies to the relay's name, and the relay finds the
   * recipient's server). {@link #domains()} then holds such a literal as a key, lower-case.
   *
   * @throws NullPointerException when the sender, the list or a recipient is null
   * @throws IllegalArgumentException when there is no recipient
   */
  public static Envelope forRelay(String sender, List<String> recipients) {
    return checked(sender, recipients, true);
  }

  private static Envelope checked(String sender, List<String> recipients, boolean relayed) {
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(recipients, "recipients");
    if (recipients.isEmpty()) {
      throw new IllegalArgumentException("at least one recipient is required");
    }
    return new Envelope(sender, recipients, relayed);
  }

  /**
   * Checks an EHLO name (RFC 5321 §4.1.1.1, §4.1.3): a host name (U-labels are converted to A-labels), or an
   * address literal such as {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]} for a client without a name.
   *
   * @return the name to send: lower-case A-labels without a trailing dot, or the literal as given
   * @throws IllegalArgumentException with the reason when the name cannot be sent in EHLO
   */
  public static String checkEhloName(String name) {
    Objects.requireNonNull(name, "name");
    String control = control(name);
    if (control != null) {
      throw new IllegalArgumentException("the EHLO name " + quote(name) + " " + control);
    }
    if (name.startsWith("[")) {
      String problem = literalProblem(name);
      if (problem != null) {
        throw new IllegalArgumentException("the EHLO name " + quote(name) + ": " + problem);
      }
      return name;
    }
    try {
      return HostNames.check(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the EHLO name must be a host name or an address literal: "
          + e.getMessage(), e);
    }
  }

  /**
   * This envelope with a per-message TLS requirement (RFC 8689; checklist RTLS-1, RTLS-2): set
   * {@link RequireTls#REQUIRETLS} when the application asks for it, or when an MTA relays a message it received
   * with the {@code REQUIRETLS} MAIL parameter. The engine also reads the message's headers
   * ({@link RequireTls#fromHeaders}); the stronger requirement wins ({@link RequireTls#and}).
   */
  public Envelope withRequireTls(RequireTls requireTls) {
    return new Envelope(this, Objects.requireNonNull(requireTls, "requireTls"));
  }

  /** The per-message TLS requirement set with {@link #withRequireTls}; {@link RequireTls#NONE} by default. */
  public RequireTls requireTls() {
    return requireTls;
  }

  /** The envelope sender as given; {@code ""} is the null reverse-path. */
  public String sender() {
    return sender;
  }

  /** Why the sender cannot be used, when it cannot; then every recipient is {@linkplain #refused() refused}. */
  public Optional<String> senderProblem() {
    return Optional.ofNullable(senderProblem);
  }

  /** The recipients, each once (compared without regard to case), in the order given. */
  public List<String> recipients() {
    return recipients;
  }

  /**
   * The recipients to deliver to, grouped by domain in the order first seen: the key is the domain to plan
   * (lower-case A-labels), the values the addresses as given. Empty when the sender cannot be used.
   */
  public Map<String, List<String>> domains() {
    return domains;
  }

  /** The recipients failed before sending (permanent, no attempt), with the reason each was refused. */
  public List<RecipientResult> refused() {
    return List.copyOf(refused.values());
  }

  /**
   * The results for the recipients of one domain when its planning or delivery ended with an unexpected
   * error: each is deferred (to try again later) with the error's message, so that one domain's trouble
   * never hides what became of the others.
   *
   * @param domain a key of {@link #domains()}
   * @param error what went wrong
   */
  public List<RecipientResult> deferredByError(String domain, Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    String reason = "delivery to " + domain + " stopped by an unexpected error: " + e;
    return domains.getOrDefault(domain, List.of()).stream()
        .map(r -> new RecipientResult(r, RecipientResult.Status.DEFERRED, List.of(), reason, null)).toList();
  }

  /**
   * The report of an envelope that was not sent at all: the refused recipients as refused, every other one
   * deferred with {@code reason} and no attempt (e.g. an adapter's bound on sends in progress was reached; the
   * reason names it). Nothing was looked up or sent, so a caller may retry all the deferred ones.
   */
  public DeliveryReport deferredReport(String reason, DnssecProbe dnssec) {
    Objects.requireNonNull(reason, "reason");
    List<RecipientResult> deferred = new ArrayList<>();
    domains.values().forEach(rs -> rs.forEach(r -> deferred.add(new RecipientResult(r,
        RecipientResult.Status.DEFERRED, List.of(), reason, null))));
    return report(deferred, dnssec);
  }

  /**
   * The report of the whole envelope: the refused recipients and the given results, one per recipient, in
   * the order of {@link #recipients()}. A recipient with no result (which would be a bug) is reported
   * deferred rather than left out.
   *
   * @param results the results of the domains delivered to
   */
  public DeliveryReport report(Collection<RecipientResult> results) {
    return report(results, DnssecProbe.notProbed());
  }

  /**
   * As {@link #report(Collection)}, with the state of the resolver's DNSSEC probe that the plans were made
   * under (checklist DNS-4).
   */
  public DeliveryReport report(Collection<RecipientResult> results, DnssecProbe dnssec) {
    List<RecipientResult> ordered = new ArrayList<>();
    for (String r : recipients) {
      RecipientResult refusal = refused.get(r);
      if (refusal != null) {
        ordered.add(refusal);
        continue;
      }
      ordered.add(results.stream().filter(x -> x.recipient().equalsIgnoreCase(r)).findFirst()
          .orElseGet(() -> new RecipientResult(r, RecipientResult.Status.DEFERRED, List.of(),
              "no outcome was recorded for this recipient (internal error)", null)));
    }
    return new DeliveryReport(ordered, dnssec);
  }

  private static RecipientResult refusal(String recipient, String reason) {
    return new RecipientResult(recipient, RecipientResult.Status.FAILED, List.of(), reason, null);
  }

  /** What is wrong with an address, or null. */
  static String problem(String address, boolean recipient) {
    return problem(address, recipient, !recipient);
  }

  /** What is wrong with an address, or null; {@code literalOk}: whether the domain may be an address literal. */
  private static String problem(String address, boolean recipient, boolean literalOk) {
    if (address.isEmpty()) {
      return recipient ? "an empty address" : null;
    }
    String control = control(address);
    if (control != null) {
      return control;
    }
    int at = address.lastIndexOf('@');
    if (at < 0) {
      return "not an address: no @domain (RFC 5321 §4.1.2)";
    }
    if (at == 0) {
      return "not an address: no local part before the @ (RFC 5321 §4.1.2)";
    }
    if (at == address.length() - 1) {
      return "not an address: no domain after the @ (RFC 5321 §4.1.2)";
    }
    String local = address.substring(0, at);
    String domain = address.substring(at + 1);
    int localOctets = octets(local);
    if (localOctets > MAX_LOCAL_PART_OCTETS) {
      return "the local part is " + localOctets + " octets, more than the limit MAX_LOCAL_PART_OCTETS of "
          + MAX_LOCAL_PART_OCTETS + " (RFC 5321 §4.5.3.1.1)";
    }
    int domainOctets = octets(domain);
    if (domainOctets > MAX_DOMAIN_OCTETS) {
      return "the domain is " + domainOctets + " octets, more than the limit MAX_DOMAIN_OCTETS of "
          + MAX_DOMAIN_OCTETS + " (RFC 5321 §4.5.3.1.2)";
    }
    int pathOctets = octets(address) + 2;
    if (pathOctets > MAX_PATH_OCTETS) {
      return "the path <address> is " + pathOctets + " octets, more than the limit MAX_PATH_OCTETS of "
          + MAX_PATH_OCTETS + " (RFC 5321 §4.5.3.1.3)";
    }
    if (!dotString(local) && !QUOTED_STRING.matcher(local).matches()) {
      return "not an address: the local part is neither a dot-string nor a quoted string (RFC 5321 §4.1.2)";
    }
    if (domain.startsWith("[")) {
      if (!literalOk) {
        return "an address literal (" + quote(domain) + ") cannot be delivered to with DANE: a DANE sender "
            + "finds the servers and their TLSA records through the recipient's DNS domain, and a literal has "
            + "no MX or TLSA record to look up (RFC 7672 §2.2); use an address at a domain name";
      }
      return literalProblem(domain);
    }
    if (domain.endsWith(".")) {
      return "not an address: the domain ends with a dot (RFC 5321 §4.1.2)";
    }
    try {
      HostNames.check(domain);
    } catch (IllegalArgumentException e) {
      return "not an address: " + e.getMessage();
    }
    return null;
  }

  /**
   * Whether {@code s} is an RFC 5321 Dot-string: what {@link #DOT_STRING} matches (atext runs, from U+0080 on as
   * well, joined by single dots), without a regex engine per address (the profile of issue #17 showed the
   * envelope's check at about 1 % of the client's CPU per message).
   */
  static boolean dotString(String s) {
    boolean atomStart = true; // at the start, or just after a dot
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.') {
        if (atomStart) {
          return false;
        }
        atomStart = true;
      } else if (c >= 0x80 || ATEXT_ASCII.indexOf(c) >= 0) {
        atomStart = false;
      } else {
        return false;
      }
    }
    return !atomStart;
  }

  /** What is wrong with an address literal {@code [...]} (RFC 5321 §4.1.3), or null. */
  private static String literalProblem(String literal) {
    String inner = literal.length() >= 2 && literal.endsWith("]") ? literal.substring(1, literal.length() - 1) : null;
    boolean ipv6 = inner != null && IPV6.matcher(inner).matches() && inner.indexOf(':', 5) > 0;
    if (inner == null || !(ipv6 || IPV4.matcher(inner).matches())) {
      return "not an address literal: [IPv4] or [IPv6:...] (RFC 5321 §4.1.3)";
    }
    return null;
  }

  /** "contains a control character (CR)" and the like, or null. */
  private static String control(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        String name = switch (c) {
          case '\r' -> "CR";
          case '\n' -> "LF";
          case '\0' -> "NUL";
          case '\t' -> "TAB";
          default -> String.format(Locale.ROOT, "U+%04X", (int) c);
        };
        return "contains a control character (" + name + "), which SMTP cannot carry in an address";
      }
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "is not valid Unicode (an unpaired surrogate)";
      }
    }
    return null;
  }

  private static int octets(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** The text in quotes for a message: controls escaped, at most 80 characters. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    int limit = Math.min(s.length(), 80);
    for (int i = 0; i < limit; i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    if (s.length() > limit) {
      b.append("...\" (").append(s.length()).append(" characters)");
    } else {
      b.append('"');
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return "Envelope[from " + quote(sender) + " to " + recipients.size() + " recipient(s)]";
  }
}
