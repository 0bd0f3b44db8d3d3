package org.dane4j.cli.check;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.dane4j.cli.Colors;
import org.dane4j.cli.WarningCode;
import org.dane4j.dns.DaneResolver;
import org.dane4j.dns.DnsAnswer;
import org.dane4j.dns.DnsOutcome;
import org.dane4j.cli.send.Reports;
import org.dane4j.smtp.DeliveryPlanner;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.PolicyType;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.sts.MtaSts;
import org.dane4j.sts.StsLookup;
import org.dane4j.sts.StsMode;
import org.dane4j.sts.StsPolicy;
import org.dane4j.tlsa.FailureType;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The MTA-STS part of {@code check} and {@code monitor} (RFC 8461 beside RFC 7672): the domain's
 * {@code _mta-sts} TXT record and policy, what applies to each MX host (DANE first, checklist POL-3), and the
 * warnings where the policy fails or DANE and MTA-STS disagree ({@link WarningCode} {@code STS_*}). It only
 * reads what the core's {@link MtaSts} and planner decided; no policy rule lives here.
 */
public final class StsCheck {
  private StsCheck() {}

  /** What was found: the {@code mta_sts} JSON section and the lookup (null when MTA-STS is off). */
  public record Found(Map<String, Object> section, StsLookup lookup) {
    /** The domain-level warnings of the section. */
    @SuppressWarnings("unchecked")
    public List<Object> warnings() {
      return (List<Object>) section.get("warnings");
    }
  }

  /** The planner {@code check} plans with: with MTA-STS unless {@code sts} is null. */
  public static DeliveryPlanner planner(DaneResolver resolver, MtaSts sts) {
    DeliveryPlanner planner = DeliveryPlanner.of(resolver);
    return sts == null ? planner : planner.withMtaSts(sts);
  }

  /**
   * Looks up the domain's TXT record and policy ({@code sts} caches it, so the plan that follows fetches
   * nothing more). With {@code sts} null the section says {@code "enabled": false}.
   */
  public static Found lookup(DaneResolver resolver, MtaSts sts, String domain, Duration timeout) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Object> warnings = new ArrayList<>();
    m.put("enabled", sts != null);
    if (sts == null) {
      m.put("warnings", warnings);
      return new Found(m, null);
    }
    m.put("txt_name", "_mta-sts." + domain);
    List<Object> txt = new ArrayList<>();
    String txtDnssec = "unknown";
    try {
      DnsAnswer a = resolver.lookup("_mta-sts." + domain, Type.TXT).get(timeout.toSeconds() * 4, TimeUnit.SECONDS);
      txtDnssec = Reports.word(a.status());
      if (a.outcome() == DnsOutcome.DATA) {
        for (TXTRecord r : a.records(TXTRecord.class)) {
          txt.add(String.join("", r.getStrings()));
        }
      }
    } catch (ExecutionException | TimeoutException | IllegalArgumentException e) {
      txtDnssec = "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    m.put("txt", txt);
    m.put("txt_dnssec", txtDnssec);
    StsLookup found;
    try {
      found = sts.policy(domain).get(timeout.toSeconds() * 12, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException | IllegalArgumentException e) {
      found = null;
      m.put("status", "temporary-failure");
      m.put("reason", "MTA-STS lookup did not complete: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      found = null;
      m.put("status", "temporary-failure");
      m.put("reason", "interrupted");
    }
    if (found != null) {
      m.put("status", Reports.word(found.status()));
      m.put("id", found.entry().map(e -> e.id()).orElse(null));
      StsPolicy p = found.policy().orElse(null);
      m.put("mode", p == null ? null : p.mode().text());
      m.put("max_age", p == null ? null : p.maxAge().toSeconds());
      m.put("mx", p == null ? List.of() : p.mxPatterns());
      m.put("valid_until", found.validUntil().map(Object::toString).orElse(null));
      m.put("policy_text", p == null ? null : p.text());
      m.put("failure", found.failure().map(f -> f.resultType()).orElse(null));
      m.put("reason", found.reason().orElse(null));
      if (found.status() == StsLookup.Status.TEMPORARY_FAILURE) {
        warnings.add(warning(WarningCode.STS_LOOKUP_FAILED, found.reason().orElse("the TXT lookup failed")
            + "; senders defer or use a cached policy",
            "make _mta-sts." + domain + " resolvable (and DNSSEC-valid if signed)"));
      } else if (found.failure().isPresent()) {
        warnings.add(warning(WarningCode.STS_POLICY_FETCH_ERROR, "the TXT record announces a policy, but "
            + found.reason().orElse("its fetch failed") + " [" + found.failure().get().resultType() + "]",
            "serve the policy at https://mta-sts." + domain + "/.well-known/mta-sts.txt as text/plain, status 200,"
                + " with a WebPKI-valid certificate for mta-sts." + domain + " (RFC 8461 §3.3)"));
      }
    }
    m.put("warnings", warnings);
    return new Found(m, found);
  }

  /**
   * Adds to one host entry of {@code check} what MTA-STS says of it ({@code policy_type}, {@code sts_mode},
   * {@code sts_mx_match}) and its {@code STS_*} warnings to the host's {@code warnings}.
   */
  public static void annotate(Map<String, Object> host, MxRoute route, Found found) {
    host.put("policy_type", route.policyType().word());
    host.put("sts_mode", route.stsMode().map(StsMode::text).orElse(null));
    StsPolicy policy = found == null || found.lookup() == null ? null : found.lookup().policy().orElse(null);
    if (policy == null || policy.mode() == StsMode.NONE) {
      host.put("sts_mx_match", null);
      return;
    }
    boolean matches = policy.matches(route.mxHost());
    host.put("sts_mx_match", matches);
    @SuppressWarnings("unchecked")
    List<Object> warnings = new ArrayList<>((List<Object>) host.getOrDefault("warnings", List.of()));
    String mode = policy.mode().text();
    boolean dane = route.policyType() == PolicyType.TLSA;
    String verdict = (String) host.get("verdict");
    String failure = (String) host.get("failure_type");
    String detail = String.valueOf(host.get("detail"));
    if (!matches && dane) {
      warnings.add(warning(WarningCode.STS_DANE_NOT_COVERED, "DANE and MTA-STS disagree: " + route.mxHost()
          + " has TLSA records but matches no mx pattern " + policy.mxPatterns() + " of the " + mode
          + " policy: senders with MTA-STS and no DANE " + (policy.mode() == StsMode.ENFORCE ? "refuse" : "report")
          + " it", "add an mx: line covering " + route.mxHost() + " to the policy and change its id"));
    } else if (!matches) {
      warnings.add(warning(WarningCode.STS_MX_NOT_COVERED, route.mxHost() + " matches no mx pattern "
          + policy.mxPatterns() + " of the " + mode + " policy: senders "
          + (policy.mode() == StsMode.ENFORCE ? "skip it" : "report it"),
          "add an mx: line covering " + route.mxHost() + " to the policy and change its id (RFC 8461 §4.1)"));
    }
    boolean certFailure = failure != null && (failure.equals(FailureType.CERTIFICATE_NOT_TRUSTED.resultType())
        || failure.equals(FailureType.CERTIFICATE_HOST_MISMATCH.resultType())
        || failure.equals(FailureType.CERTIFICATE_EXPIRED.resultType()));
    if (route.requirement() == TlsRequirement.STS && "failed".equals(verdict) && certFailure) {
      warnings.add(warning(WarningCode.STS_WEBPKI_INVALID, "under the enforce policy " + route.mxHost()
          + " must present a WebPKI-valid certificate for its name, and does not [" + failure + "]: senders defer",
          "install a certificate for " + route.mxHost() + " from a public CA (RFC 8461 §4.2)"));
    } else if (!dane && matches && detail.contains("MTA-STS testing: enforce would have refused")) {
      warnings.add(warning(WarningCode.STS_WEBPKI_INVALID, "under the testing policy " + route.mxHost()
          + " presents a certificate that enforce would refuse; senders deliver and report it",
          "install a certificate for " + route.mxHost() + " from a public CA before switching to enforce"));
    }
    if (dane && policy.mode() == StsMode.ENFORCE && "failed".equals(verdict)) {
      warnings.add(warning(WarningCode.STS_DANE_MISMATCH, "DANE and MTA-STS disagree: DANE fails on "
          + route.mxHost() + " while the domain's MTA-STS policy is enforce; DANE senders defer (DANE takes"
          + " precedence), MTA-STS-only senders may deliver", "fix the TLSA records or the certificate of "
          + route.mxHost() + " so that DANE passes"));
    }
    host.put("warnings", warnings);
  }

  /** The text block of {@code check} for the section. */
  static void print(Map<String, Object> m, PrintWriter out, Colors colors) {
    if (m == null || !Boolean.TRUE.equals(m.get("enabled"))) {
      return;
    }
    @SuppressWarnings("unchecked")
    List<Object> txt = (List<Object>) m.get("txt");
    out.println("MTA-STS record " + m.get("txt_name") + " (" + m.get("txt_dnssec") + "): "
        + (txt.isEmpty() ? "none" : String.join(" | ", txt.stream().map(String::valueOf).toList())));
    if ("policy".equals(m.get("status"))) {
      out.println("MTA-STS policy id " + m.get("id") + ": mode " + m.get("mode") + ", max_age " + m.get("max_age")
          + " s, mx " + m.get("mx") + (m.get("reason") == null ? "" : " (" + m.get("reason") + ")"));
    } else {
      out.println("MTA-STS policy: " + m.get("status") + (m.get("reason") == null ? "" : " - " + m.get("reason")));
    }
    @SuppressWarnings("unchecked")
    List<Object> warnings = (List<Object>) m.get("warnings");
    for (Object x : warnings) {
      Map<?, ?> w = (Map<?, ?>) x;
      out.println("  " + colors.yellow("warning:") + " " + w.get("message") + "\n    fix: " + w.get("fix"));
    }
  }

  private static Map<String, Object> warning(WarningCode code, String message, String fix) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("code", code.name());
    m.put("message", message);
    m.put("fix", fix);
    return m;
  }
}
