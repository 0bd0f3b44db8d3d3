package org.dane4j.tlsrpt;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.dane4j.dns.DaneResolver;
import org.dane4j.dns.DnsAnswer;
import org.dane4j.dns.DnsOutcome;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * A domain's TLS reporting policy: the {@code _smtp._tls.<domain>} TXT record (RFC 8460 §3), e.g.
 * {@code v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://reports.example.com/tlsrpt}.
 *
 * <p>The parser is strict where the RFC's ABNF is: the record starts with exactly {@code v=TLSRPTv1}, fields
 * are separated by {@code ;} with optional white space, {@code rua} is required and holds one or more URIs
 * separated by {@code ,}; extension fields are accepted and ignored. URIs other than {@code mailto:} and
 * {@code https:} are skipped (§3: other schemes are for future use); a record with none of these two is
 * invalid. Of the TXT records at the name, those not starting with {@code v=TLSRPTv1} are ignored; if not
 * exactly one is left, the domain has no policy (§3).
 *
 * @param mailto the {@code mailto:} addresses, in the record's order (without the scheme, e.g. {@code a@b.example})
 * @param https the {@code https:} URIs, in the record's order
 */
public record TlsRptRecord(List<String> mailto, List<URI> https) {
  private static final Pattern FIELD_DELIM = Pattern.compile("[ \\t]*;[ \\t]*");
  private static final Pattern URI_DELIM = Pattern.compile("[ \\t]*,[ \\t]*");
  private static final Pattern EXT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
  private static final Pattern EXT_VALUE = Pattern.compile("[\\x21-\\x3a\\x3c\\x3e-\\x7e]+");
  private static final String VERSION = "v=TLSRPTv1";

  /** Copies the lists. */
  public TlsRptRecord {
    mailto = List.copyOf(mailto);
    https = List.copyOf(https);
  }

  /** Whether a TXT record's text is meant as a TLSRPT record (it starts with {@code v=TLSRPTv1}). */
  public static boolean isTlsRpt(String text) {
    return text.startsWith(VERSION) && (text.length() == VERSION.length()
        || text.charAt(VERSION.length()) == ';' || text.charAt(VERSION.length()) == ' '
        || text.charAt(VERSION.length()) == '\t');
  }

  /**
   * Parses one record's text (the TXT strings joined without separator).
   *
   * @throws IllegalArgumentException with the reason when it is not a valid RFC 8460 §3 record
   */
  public static TlsRptRecord parse(String text) {
    Objects.requireNonNull(text, "text");
    if (!isTlsRpt(text)) {
      throw new IllegalArgumentException("a TLSRPT record starts with v=TLSRPTv1: " + printable(text));
    }
    String[] fields = FIELD_DELIM.split(text.substring(VERSION.length()).stripTrailing(), -1);
    if (!fields[0].isBlank()) {
      throw new IllegalArgumentException("v=TLSRPTv1 must be followed by \";\": " + printable(text));
    }
    List<String> mailto = new ArrayList<>();
    List<URI> https = new ArrayList<>();
    boolean rua = false;
    for (int i = 1; i < fields.length; i++) {
      String f = fields[i];
      if (f.isEmpty() && i == fields.length - 1) {
        continue; // an optional final delimiter
      }
      int eq = f.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("field without \"=\": " + printable(f));
      }
      String name = f.substring(0, eq);
      String value = f.substring(eq + 1);
      if (name.equals("rua")) {
        if (rua) {
          throw new IllegalArgumentException("rua given twice: " + printable(text));
        }
        rua = true;
        for (String u : URI_DELIM.split(value, -1)) {
          uri(u, mailto, https);
        }
      } else if (!EXT_NAME.matcher(name).matches() || !EXT_VALUE.matcher(value).matches()) {
        throw new IllegalArgumentException("invalid field: " + printable(f));
      }
    }
    if (!rua) {
      throw new IllegalArgumentException("no rua field: " + printable(text));
    }
    if (mailto.isEmpty() && https.isEmpty()) {
      throw new IllegalArgumentException("rua has no mailto: or https: URI: " + printable(text));
    }
    return new TlsRptRecord(mailto, https);
  }

  private static void uri(String text, List<String> mailto, List<URI> https) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("invalid rua URI " + printable(text) + ": " + e.getReason(), e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("mailto")) {
      String to = uri.getSchemeSpecificPart();
      if (to.isEmpty() || to.indexOf('@') < 1 || to.indexOf('?') >= 0) {
        throw new IllegalArgumentException("invalid mailto: URI " + printable(text));
      }
      mailto.add(to);
    } else if (scheme.equals("https")) {
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("https: URI without a host: " + printable(text));
      }
      https.add(uri);
    } else if (scheme.isEmpty()) {
      throw new IllegalArgumentException("rua URI without a scheme: " + printable(text));
    }
  }

  private static String printable(String s) {
    String cut = s.length() > 200 ? s.substring(0, 200) + "…" : s;
    return "\"" + cut.replaceAll("[^\\x20-\\x7e]", "?") + "\"";
  }

  /**
   * What a lookup of {@code _smtp._tls.<domain>} found.
   *
   * @param domain the domain asked for
   * @param record the record, when the domain has exactly one valid one
   * @param temporaryFailure true when the lookup failed (SERVFAIL, timeout, bogus): try again later; a
   *     failure is never "no record"
   * @param reason why there is no record, in words; empty when there is one
   */
  public record Discovery(String domain, Optional<TlsRptRecord> record, boolean temporaryFailure, String reason) {}

  /**
   * Looks up {@code _smtp._tls.<domain>} TXT. Completes normally; a DNS failure (including a DNSSEC-bogus
   * answer) is a temporary failure, never "no record".
   */
  public static CompletableFuture<Discovery> lookup(DaneResolver resolver, String domain) {
    String d = ReportPolicy.domain(domain);
    return resolver.lookup("_smtp._tls." + d, Type.TXT).handle((answer, error) -> {
      if (error != null) {
        return new Discovery(d, Optional.empty(), true, "TXT lookup failed: " + error);
      }
      return discovery(d, answer);
    });
  }

  private static Discovery discovery(String domain, DnsAnswer answer) {
    if (answer.outcome() == DnsOutcome.FAILURE || answer.failed()) {
      return new Discovery(domain, Optional.empty(), true, "TXT lookup failed: "
          + answer.reason().orElse(answer.toString()));
    }
    List<String> texts = new ArrayList<>();
    for (TXTRecord txt : answer.records(TXTRecord.class)) {
      String text = String.join("", txt.getStrings());
      if (isTlsRpt(text)) {
        texts.add(text);
      }
    }
    if (texts.size() != 1) {
      return new Discovery(domain, Optional.empty(), false, texts.isEmpty()
          ? "no v=TLSRPTv1 TXT record at _smtp._tls." + domain
          : texts.size() + " v=TLSRPTv1 TXT records at _smtp._tls." + domain + " (RFC 8460 §3: exactly one)");
    }
    try {
      return new Discovery(domain, Optional.of(parse(texts.get(0))), false, "");
    } catch (IllegalArgumentException e) {
      return new Discovery(domain, Optional.empty(), false, "invalid TLSRPT record at _smtp._tls." + domain + ": "
          + e.getMessage());
    }
  }
}
