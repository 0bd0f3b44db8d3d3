package org.dane4j.tlsrpt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.dane4j.smtp.PolicyType;
import org.dane4j.smtp.ReportJson;

/**
 * One policy of a TLS report (RFC 8460 §4.4 {@code policy}): its type, the domain it was applied for, its
 * strings (the TLSA records in presentation form, or the MTA-STS policy's lines) and its MX host names or
 * patterns. Results are counted per policy, so two different TLSA RRsets of one domain are two policies.
 *
 * @param type {@code tlsa}, {@code sts} or {@code no-policy-found}
 * @param policyDomain the policy domain, lower case, without a trailing dot; always present in a report
 *     (the missing {@code policy-domain} of sys4/tlsrpt-reporter#51 cannot happen)
 * @param policyStrings the {@code policy-string} entries; empty for {@code no-policy-found}
 * @param mxHosts the {@code mx-host} entries (an array, RFC 8460 erratum 6241); may be empty
 */
public record ReportPolicy(PolicyType type, String policyDomain, List<String> policyStrings, List<String> mxHosts) {
  /** Checks the values and copies the lists; the domain is lower-cased and loses a trailing dot. */
  public ReportPolicy {
    Objects.requireNonNull(type, "type");
    policyDomain = domain(policyDomain);
    policyStrings = List.copyOf(policyStrings);
    mxHosts = List.copyOf(mxHosts);
    for (String s : policyStrings) {
      if (s.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("a policy string is one line: " + s);
      }
    }
  }

  static String domain(String name) {
    Objects.requireNonNull(name, "policyDomain");
    String d = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    if (d.isEmpty()) {
      throw new IllegalArgumentException("empty policy domain");
    }
    return d.toLowerCase(Locale.ROOT);
  }

  /** The policy object of the report, compact JSON, keys in the RFC's order. */
  public String json() {
    return ReportJson.compactJson(fields());
  }

  /** The fields of the policy object, in the RFC's order. */
  Map<String, Object> fields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("policy-type", type.word());
    if (!policyStrings.isEmpty()) {
      m.put("policy-string", policyStrings);
    }
    m.put("policy-domain", policyDomain);
    if (!mxHosts.isEmpty()) {
      m.put("mx-host", mxHosts);
    }
    return m;
  }

  /** A stable key of this policy in a store: the SHA-256 of {@link #json()}, in hex. */
  public String id() {
    return sha256(json());
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
          text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always present", e);
    }
  }
}
