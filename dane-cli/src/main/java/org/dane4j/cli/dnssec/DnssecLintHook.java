package org.dane4j.cli.dnssec;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dane4j.dns.DaneResolver;
import org.dane4j.smtp.DeliveryPlan;
import org.dane4j.smtp.MxRoute;
import org.xbill.DNS.Name;

/**
 * Where {@code check} and {@code monitor} call the DNSSEC lint: the names of one delivery plan (the recipient
 * domain, each MX host, each TLSA owner name) and the expiry of the certificate each host presented.
 */
public final class DnssecLintHook {
  /** The key of the lint in {@code check --json}. */
  public static final String JSON_KEY = "dnssec_lint";

  private DnssecLintHook() {}

  /**
   * Lints the chain to every name of {@code plan}.
   *
   * @param hosts the per-address entries of {@code check --json} (mx_host, port, chain[0].not_after), or the
   *     per-host entries of {@code monitor --json} (mx_host, port, addresses[].not_after), or empty
   * @param timeout the DNS timeout unit
   * @param now the instant signatures and certificates are judged at
   * @param signatureWarnDays the window for expiring signatures
   */
  public static DnssecLint.Report lint(DaneResolver resolver, DeliveryPlan plan, List<Map<String, Object>> hosts,
      Duration timeout, Instant now, int signatureWarnDays) {
    return DnssecLint.run(resolver, targets(plan, hosts), timeout, now, signatureWarnDays);
  }

  /** The recipient domain, then per route its MX host, host and TLSA owner name. */
  static List<DnssecLint.Target> targets(DeliveryPlan plan, List<Map<String, Object>> hosts) {
    List<DnssecLint.Target> targets = new ArrayList<>();
    add(targets, plan.destination().name(), false, null);
    for (MxRoute route : plan.routes()) {
      add(targets, route.mxHost(), false, null);
      add(targets, route.host(), false, null);
      String base = route.tlsaBaseDomain() == null ? route.host() : route.tlsaBaseDomain();
      add(targets, "_" + route.port() + "._tcp." + base, true, notAfter(route, hosts));
    }
    return targets;
  }

  private static void add(List<DnssecLint.Target> targets, String name, boolean tlsaOwner, Instant notAfter) {
    if (name == null) {
      return;
    }
    Name n;
    try {
      n = DaneResolver.parseName(name);
    } catch (IllegalArgumentException e) {
      return;
    }
    if (targets.stream().noneMatch(t -> t.name().equals(n) && t.tlsaOwner() == tlsaOwner)) {
      targets.add(new DnssecLint.Target(n, tlsaOwner, notAfter));
    }
  }

  /** The earliest expiry of the leaf certificates the route's host presented, or null. */
  private static Instant notAfter(MxRoute route, List<Map<String, Object>> hosts) {
    Instant earliest = null;
    for (Map<String, Object> h : hosts) {
      if (!route.mxHost().equals(h.get("mx_host")) || !Integer.valueOf(route.port()).equals(h.get("port"))) {
        continue;
      }
      List<Object> leaves = new ArrayList<>(); // check: the chain's leaf; monitor: each address's not_after
      if (h.get("chain") instanceof List<?> chain && !chain.isEmpty()) {
        leaves.add(chain.get(0));
      }
      if (h.get("addresses") instanceof List<?> addresses) {
        leaves.addAll(addresses);
      }
      for (Object leaf : leaves) {
        if (leaf instanceof Map<?, ?> m && m.get("not_after") instanceof String s) {
          Instant i = Instant.parse(s);
          earliest = earliest == null || i.isBefore(earliest) ? i : earliest;
        }
      }
    }
    return earliest;
  }
}
