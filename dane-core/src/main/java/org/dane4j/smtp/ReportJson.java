package org.dane4j.smtp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.dane4j.sts.StsMode;
import org.dane4j.tlsa.DaneVerification;
import org.dane4j.tlsa.FailureType;
import org.dane4j.tlsa.TlsaRecord;

/**
 * The stable JSON form of a {@link DeliveryReport} (checklist OUT-1 as data): what {@code dane4j send --json}
 * prints, for programs that keep, compare or forward delivery reports. The schema is versioned by
 * {@value #SCHEMA_VERSION} in the top-level {@code schema_version}; within a version fields are only ever
 * added, never renamed, removed or retyped. {@code docs/report-schema.md} documents the same schema.
 *
 * <p>The text is plain ASCII, pretty-printed with two spaces, keys always in the order of the tables
 * below. Strings are escaped as RFC 8259 §7 allows: {@code "} and {@code \} with a backslash;
 * backspace, form feed, LF, CR and tab as {@code \b \f \n \r \t}; every other character below U+0020 and
 * every character from U+007F up (C1 controls, U+2028, U+2029, bidirectional controls, every non-ASCII
 * letter) as a backslash, {@code u} and four lower-case hex digits; a character outside the Basic
 * Multilingual Plane as its escaped UTF-16 surrogate pair; an unpaired surrogate, which has no Unicode
 * meaning, as U+FFFD. So a CR in a refused address or an SMTP reply can break neither a line of the output
 * nor a terminal, and any output encoding carries the document unchanged.
 *
 * <p>Words are the enum constants in lower case with {@code -} for {@code _}.
 *
 * <table class="striped">
 *   <caption>The document</caption>
 *   <thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Value; when null</th></tr>
 *   </thead>
 *   <tbody>
 *   <tr><td>{@code schema_version}</td><td>integer</td><td>{@value #SCHEMA_VERSION}; never null</td></tr>
 *   <tr><td>(the caller's fields)</td><td>string, integer, boolean or null</td><td>only with
 *       {@link #write(DeliveryReport, Map)}, in the caller's order; {@code dane4j send} adds {@code command},
 *       {@code mode}, {@code from} and {@code exit_code}</td></tr>
 *   <tr><td>{@code status}</td><td>string</td><td>the worst recipient status ({@link
 *       DeliveryReport#worstStatus()}): {@code delivered}, {@code deferred} or {@code failed}; never
 *       null</td></tr>
 *   <tr><td>{@code dnssec_validation}</td><td>string</td><td>the resolver's DNSSEC probe (DNS-4,
 *       {@link DeliveryReport#dnssec()}): {@code validating}, {@code not-validating}, {@code unknown} or
 *       {@code not-probed}; never null</td></tr>
 *   <tr><td>{@code dnssec_explanation}</td><td>string</td><td>what the probe found, in words; never
 *       null</td></tr>
 *   <tr><td>{@code summary}</td><td>object</td><td>the counts below; never null</td></tr>
 *   <tr><td>{@code recipients}</td><td>array of objects</td><td>one per envelope recipient, in envelope
 *       order; never null</td></tr>
 *   </tbody>
 * </table>
 *
 * <table class="striped">
 *   <caption>{@code summary}: counts, never null</caption>
 *   <thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Counts</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@code recipients}</td><td>integer</td><td>recipients</td></tr>
 *   <tr><td>{@code delivered}</td><td>integer</td><td>recipients delivered</td></tr>
 *   <tr><td>{@code deferred}</td><td>integer</td><td>recipients deferred</td></tr>
 *   <tr><td>{@code failed}</td><td>integer</td><td>recipients failed</td></tr>
 *   <tr><td>{@code attempts}</td><td>integer</td><td>attempts made (sessions tried)</td></tr>
 *   <tr><td>{@code handshakes}</td><td>integer</td><td>attempts that made a TLS handshake of their own
 *       ({@link DeliveryAttempt#handshake()})</td></tr>
 *   <tr><td>{@code reused_connections}</td><td>integer</td><td>attempts that ran on a connection kept
 *       from an earlier one ({@link DeliveryAttempt#reusedConnection()}, TLS-6)</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>An attempt made for several recipients of one domain (one session, several RCPT TO) is listed under
 * each of them but counted once: the counts are of distinct {@link DeliveryAttempt} objects, so
 * {@code handshakes} is the number of TLS handshakes made.
 *
 * <table class="striped">
 *   <caption>A recipient</caption>
 *   <thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Value; when null</th></tr>
 *   </thead>
 *   <tbody>
 *   <tr><td>{@code recipient}</td><td>string</td><td>the address as given; never null</td></tr>
 *   <tr><td>{@code domain}</td><td>string</td><td>the part after the last {@code @}, lower case;
 *       {@code ""} when there is none; never null</td></tr>
 *   <tr><td>{@code status}</td><td>string</td><td>{@code delivered}, {@code deferred} or {@code failed};
 *       never null</td></tr>
 *   <tr><td>{@code mx_host}</td><td>string</td><td>the MX host of the last attempt; null when no attempt
 *       was made (a refused address, a failed lookup, a null MX)</td></tr>
 *   <tr><td>{@code address}</td><td>string</td><td>the IP address of the last attempt; null when no
 *       attempt was made or it connected to no address</td></tr>
 *   <tr><td>{@code requirement}</td><td>string</td><td>what DNS said of the last attempt's host:
 *       {@code dane}, {@code encrypt}, {@code sts}, {@code opportunistic}, {@code unusable}; {@code unusable} when no
 *       attempt was made; never null</td></tr>
 *   <tr><td>{@code verdict}</td><td>string</td><td>the last attempt's verdict: {@code verified},
 *       {@code trusted}, {@code encrypted}, {@code opportunistic}, {@code cleartext}, {@code failed};
 *       {@code failed} when no attempt was made; never null</td></tr>
 *   <tr><td>{@code tlsa_match}</td><td>string</td><td>the TLSA record that matched in the last attempt,
 *       presentation form ({@code 3 1 1 <hex>}); null when no record matched or no attempt was made</td></tr>
 *   <tr><td>{@code failure_type}</td><td>string</td><td>the RFC 8460 result type
 *       ({@link RecipientResult#reportedFailureType()}); null when delivered or no type applies</td></tr>
 *   <tr><td>{@code transient}</td><td>boolean</td><td>true when deferred (try again later); never
 *       null</td></tr>
 *   <tr><td>{@code reason}</td><td>string</td><td>why the recipient has its status, in words; never
 *       null</td></tr>
 *   <tr><td>{@code attempts}</td><td>array of objects</td><td>every attempt, in order, the last one decided
 *       the status; empty when none was made; never null</td></tr>
 *   <tr><td>{@code policy_type}</td><td>string</td><td>the policy that decided the last attempt's route
 *       (RFC 8460): {@code tlsa}, {@code sts}, {@code no-policy-found} ({@link MxRoute#policyType()});
 *       {@code no-policy-found} when no attempt was made; never null</td></tr>
 *   <tr><td>{@code sts_mode}</td><td>string</td><td>the MTA-STS mode that applied to the last attempt's
 *       host: {@code enforce} or {@code testing} ({@link MxRoute#stsMode()}); null when MTA-STS did not apply
 *       or no attempt was made</td></tr>
 *   </tbody>
 * </table>
 *
 * <table class="striped">
 *   <caption>An attempt</caption>
 *   <thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Value; when null</th></tr>
 *   </thead>
 *   <tbody>
 *   <tr><td>{@code mx_host}</td><td>string</td><td>the MX host name as published; never null</td></tr>
 *   <tr><td>{@code host}</td><td>string</td><td>the host name after CNAME expansion (the MX host name
 *       when there is no CNAME); never null</td></tr>
 *   <tr><td>{@code address}</td><td>string</td><td>the IP address connected to; null when no connection
 *       was made</td></tr>
 *   <tr><td>{@code port}</td><td>integer</td><td>the SMTP port; never null</td></tr>
 *   <tr><td>{@code requirement}</td><td>string</td><td>what the route demanded (as for a recipient);
 *       never null</td></tr>
 *   <tr><td>{@code verdict}</td><td>string</td><td>the protection the session had, or {@code failed};
 *       never null</td></tr>
 *   <tr><td>{@code tlsa_match}</td><td>string</td><td>the TLSA record that matched the presented chain
 *       (also when a later check failed); null when no DANE verification ran or nothing matched</td></tr>
 *   <tr><td>{@code match_depth}</td><td>integer</td><td>the chain depth of the match, 0 for the server's
 *       own certificate ({@link DaneVerification#matchDepth()}); null exactly when {@code tlsa_match} is
 *       null</td></tr>
 *   <tr><td>{@code tls_protocol}</td><td>string</td><td>the negotiated protocol, e.g. {@code TLSv1.3};
 *       null for cleartext or when no TLS session was made</td></tr>
 *   <tr><td>{@code cipher_suite}</td><td>string</td><td>the negotiated cipher suite; null for cleartext
 *       or when no TLS session was made</td></tr>
 *   <tr><td>{@code failure_type}</td><td>string</td><td>the RFC 8460 result type of the attempt; null when
 *       it has none</td></tr>
 *   <tr><td>{@code transient}</td><td>boolean</td><td>true when the attempt failed transiently; never
 *       null</td></tr>
 *   <tr><td>{@code reused_connection}</td><td>boolean</td><td>true when the session ran on a connection
 *       kept from an earlier one (TLS-6), so it made no handshake; never null</td></tr>
 *   <tr><td>{@code reason}</td><td>string</td><td>what happened, in words: the server's reply, the
 *       error, the DANE reason ({@link DeliveryAttempt#detail()}); never null</td></tr>
 *   <tr><td>{@code policy_type}</td><td>string</td><td>the policy that decided the route: {@code tlsa},
 *       {@code sts}, {@code no-policy-found}; never null. A verdict {@code verified} with {@code sts} means
 *       WebPKI-valid for the MX host name under MTA-STS {@code enforce} (RFC 8461 §4.2)</td></tr>
 *   <tr><td>{@code sts_mode}</td><td>string</td><td>{@code enforce} or {@code testing}; null when MTA-STS
 *       did not apply to the route</td></tr>
 *   <tr><td>{@code requiretls}</td><td>boolean</td><td>true when MAIL FROM carried the {@code REQUIRETLS}
 *       parameter (RFC 8689 §4.2.1); never null</td></tr>
 *   <tr><td>{@code tls_required_no}</td><td>boolean</td><td>true when the message's {@code TLS-Required: No}
 *       let this attempt go without the verification its route required, after that verification failed (the
 *       failed attempt is listed before it; RFC 8689 §5); {@code requirement} is then {@code opportunistic}
 *       and {@code policy_type} names the bypassed policy; never null</td></tr>
 *   </tbody>
 * </table>
 */
public final class ReportJson {
  /** The version of the schema written, the top-level {@code schema_version}. */
  public static final int SCHEMA_VERSION = 1;

  /** The top-level keys of the schema, which the caller's fields cannot take. */
  private static final Set<String> OWN_KEYS = Set.of("schema_version", "status", "dnssec_validation",
      "dnssec_explanation", "summary", "recipients");

  private ReportJson() {}

  /** The JSON document of {@code report}, with no newline after it. */
  public static String write(DeliveryReport report) {
    return write(report, Map.of());
  }

  /**
   * The JSON document of {@code report} with the caller's own top-level fields right after
   * {@code schema_version}, in the map's iteration order (the CLI adds {@code command}, {@code mode},
   * {@code from} and {@code exit_code}).
   *
   * @param report the report
   * @param callerFields values that are strings, integers ({@link Integer}, {@link Long}), booleans or null
   * @throws IllegalArgumentException when a key is one of the schema's top-level keys or a value has
   *     another type
   */
  public static String write(DeliveryReport report, Map<String, ?> callerFields) {
    Objects.requireNonNull(report, "report");
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schema_version", SCHEMA_VERSION);
    callerFields.forEach((key, value) -> {
      if (OWN_KEYS.contains(Objects.requireNonNull(key, "key"))) {
        throw new IllegalArgumentException("the caller's field '" + key + "' is a field of the report schema");
      }
      if (value != null && !(value instanceof String || value instanceof Integer || value instanceof Long
          || value instanceof Boolean)) {
        throw new IllegalArgumentException("the caller's field '" + key + "' must be a string, an integer, a"
            + " boolean or null, not a " + value.getClass().getName());
      }
      doc.put(key, value);
    });
    doc.put("status", word(report.worstStatus()));
    doc.put("dnssec_validation", report.dnssec().state().word());
    doc.put("dnssec_explanation", report.dnssec().explanation());
    doc.put("summary", summary(report));
    List<Object> recipients = new ArrayList<>();
    report.results().forEach(r -> recipients.add(recipient(r)));
    doc.put("recipients", recipients);
    StringBuilder out = new StringBuilder(1024);
    value(out, doc, "");
    return out.toString();
  }

  /**
   * The JSON writer of this class, for any value made of maps (keys in their iteration order), lists,
   * strings, {@code Integer}/{@code Long}, booleans and null: indented by two spaces, no final newline, and
   * ASCII only (every character from U+007F up as a {@code \\u} escape). dane4j's other JSON documents (the
   * CLI's {@code check}, {@code monitor}) are written with it, so that there is one escaping rule.
   *
   * @throws IllegalArgumentException for a value of another type
   */
  public static String json(Object value) {
    StringBuilder out = new StringBuilder();
    value(out, value, "");
    return out.toString();
  }

  /**
   * As {@link #json(Object)}, on one line without spaces: for documents that are sent rather than read, such as
   * the RFC 8460 TLS reports of {@code dane-tlsrpt}.
   *
   * @throws IllegalArgumentException for a value of another type
   */
  public static String compactJson(Object value) {
    StringBuilder out = new StringBuilder();
    value(out, value, null);
    return out.toString();
  }

  private static Map<String, Object> summary(DeliveryReport report) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("recipients", report.results().size());
    m.put("delivered", report.withStatus(RecipientResult.Status.DELIVERED).size());
    m.put("deferred", report.withStatus(RecipientResult.Status.DEFERRED).size());
    m.put("failed", report.withStatus(RecipientResult.Status.FAILED).size());
    Set<DeliveryAttempt> attempts = Collections.newSetFromMap(new IdentityHashMap<>());
    report.results().forEach(r -> attempts.addAll(r.attempts())); // one session for several recipients: once
    m.put("attempts", attempts.size());
    m.put("handshakes", attempts.stream().filter(DeliveryAttempt::handshake).count());
    m.put("reused_connections", attempts.stream().filter(DeliveryAttempt::reusedConnection).count());
    return m;
  }

  private static Map<String, Object> recipient(RecipientResult r) {
    DeliveryAttempt last = r.lastAttempt().orElse(null);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("recipient", r.recipient());
    m.put("domain", domainOf(r.recipient()));
    m.put("status", word(r.status()));
    m.put("mx_host", last == null ? null : last.route().mxHost());
    m.put("address", last == null ? null : address(last));
    m.put("requirement", last == null ? "unusable" : word(last.route().requirement()));
    m.put("verdict", last == null ? "failed" : word(last.verdict()));
    m.put("tlsa_match", last == null ? null : match(last));
    m.put("failure_type", r.reportedFailureType().map(FailureType::resultType).orElse(null));
    m.put("transient", r.status() == RecipientResult.Status.DEFERRED);
    m.put("reason", r.reason());
    List<Object> attempts = new ArrayList<>();
    r.attempts().forEach(a -> attempts.add(attempt(a)));
    m.put("attempts", attempts);
    m.put("policy_type", last == null ? PolicyType.NO_POLICY_FOUND.word() : last.route().policyType().word());
    m.put("sts_mode", last == null ? null : last.route().stsMode().map(StsMode::text).orElse(null));
    return m;
  }

  private static Map<String, Object> attempt(DeliveryAttempt a) {
    String match = match(a);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mx_host", a.route().mxHost());
    m.put("host", a.route().host());
    m.put("address", address(a));
    m.put("port", a.route().port());
    m.put("requirement", word(a.route().requirement()));
    m.put("verdict", word(a.verdict()));
    m.put("tlsa_match", match);
    m.put("match_depth", match == null ? null : a.verification().matchDepth());
    m.put("tls_protocol", a.tlsProtocol());
    m.put("cipher_suite", a.cipherSuite());
    m.put("failure_type", a.failureType() == null ? null : a.failureType().resultType());
    m.put("transient", a.failed() && a.transientFailure());
    m.put("reused_connection", a.reusedConnection());
    m.put("reason", a.detail());
    m.put("policy_type", a.route().policyType().word());
    m.put("sts_mode", a.route().stsMode().map(StsMode::text).orElse(null));
    m.put("requiretls", a.requireTls());
    m.put("tls_required_no", a.verificationBypassed());
    return m;
  }

  /** The matched record in presentation form, or null. */
  private static String match(DeliveryAttempt a) {
    return a.daneVerification().flatMap(DaneVerification::matchedRecord).map(TlsaRecord::toString).orElse(null);
  }

  private static String address(DeliveryAttempt a) {
    return a.address() == null ? null : a.address().getHostAddress();
  }

  private static String domainOf(String address) {
    int at = address.lastIndexOf('@');
    return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
  }

  private static String word(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Writes {@code value}; {@code indent} null: compact (no line breaks, no spaces). */
  private static void value(StringBuilder out, Object value, String indent) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      quote(out, s);
    } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
      out.append(value);
    } else if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        out.append("{}");
        return;
      }
      boolean compact = indent == null;
      out.append(compact ? "{" : "{\n");
      String inner = compact ? null : indent + "  ";
      int i = 0;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.append(compact ? "" : inner);
        quote(out, (String) e.getKey());
        out.append(compact ? ":" : ": ");
        value(out, e.getValue(), inner);
        out.append(++i < map.size() ? (compact ? "," : ",\n") : (compact ? "" : "\n"));
      }
      out.append(compact ? "" : indent).append('}');
    } else if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        out.append("[]");
        return;
      }
      boolean compact = indent == null;
      out.append(compact ? "[" : "[\n");
      String inner = compact ? null : indent + "  ";
      for (int i = 0; i < list.size(); i++) {
        out.append(compact ? "" : inner);
        value(out, list.get(i), inner);
        out.append(i + 1 < list.size() ? (compact ? "," : ",\n") : (compact ? "" : "\n"));
      }
      out.append(compact ? "" : indent).append(']');
    } else {
      throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
    }
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** Appends {@code s} as a JSON string of ASCII characters only (see the class comment). */
  private static void quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c >= 0x20 && c < 0x7f) {
            out.append(c);
          } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            unicode(out, c);
            unicode(out, s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            unicode(out, '\ufffd');
          } else {
            unicode(out, c);
          }
        }
      }
    }
    out.append('"');
  }

  private static void unicode(StringBuilder out, char c) {
    out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf])
        .append(HEX[c & 0xf]);
  }
}
