package org.dane4j.cli.check;

import org.dane4j.cli.ChainJson;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.dane4j.cli.CommandException;
import org.dane4j.cli.Colors;
import org.dane4j.cli.CommonOptions;
import org.dane4j.cli.StsOptions;
import org.dane4j.cli.Dane4j;
import org.dane4j.cli.DnssecTrouble;
import org.dane4j.cli.ExitCodes;
import org.dane4j.cli.OneLineErrors;
import org.dane4j.cli.ProbeOptions;
import org.dane4j.cli.Json;
import org.dane4j.cli.KeyTypes;
import org.dane4j.cli.CaWatchlist;
import org.dane4j.cli.Progress;
import org.dane4j.cli.RouteProbe;
import org.dane4j.cli.ResolverTrouble;
import org.dane4j.cli.Table;
import org.dane4j.cli.Target;
import org.dane4j.cli.WarnDays;
import org.dane4j.cli.dnssec.DnssecLint;
import org.dane4j.cli.dnssec.DnssecLintHook;
import org.dane4j.cli.dnssec.DnssecLintOptions;
import org.dane4j.cli.dnssec.LintText;
import org.dane4j.cli.send.Reports;
import org.dane4j.dns.DaneResolver;
import org.dane4j.sts.MtaSts;
import org.dane4j.dns.DnsAnswer;
import org.dane4j.smtp.DeliveryPlan;
import org.dane4j.smtp.DeliveryPlanner;
import org.dane4j.smtp.Destination;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.tlsa.TlsaRecord;
import org.xbill.DNS.Type;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dane4j check DOMAIN}: the RFC 7672 view of a recipient domain. Plans delivery with DNSSEC (MX,
 * addresses, TLSA), then opens a STARTTLS session to every address of every usable MX host — ending with
 * QUIT, no mail is sent — and prints per host the requirement, the chain with its digests, the record that
 * matched and the verdict, and a verdict for the domain.
 */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
    exitCodeOnInvalidInput = ExitCodes.USAGE, exitCodeOnExecutionException = ExitCodes.SOFTWARE,
    description = {"Check a recipient domain as a DANE sender (RFC 7672) sees it: MX hosts, DNSSEC, TLSA"
        + " records, and a STARTTLS session per host (no mail is sent) with the presented chain, the record"
        + " that matched, and a verdict per host and for the domain."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {" 0:every host can be delivered to as DNS requires", " 1:some hosts fail, at least one works",
        " 2:no host works (mail to the domain is deferred or bounced)", "64:wrong command line",
        "66:an input file cannot be read or holds no usable data", "69:a service is unavailable", "70:internal error"})
public final class CheckCommand implements Callable<Integer> {
  /**
   * The version of the {@code check --json} document, its first key. 1: warnings are objects with a stable
   * {@code code} ({@link org.dane4j.cli.WarningCode}), a {@code message} and a {@code fix}.
   */
  public static final int SCHEMA_VERSION = 1;

  @Spec
  private CommandSpec spec;

  @Parameters(paramLabel = "TARGET", description = {"A mail domain, whose MX hosts are checked:",
      "  example.nl, or example.nl:587 for port 587;", "or one host, without an MX lookup:",
      "  [mx.example.nl] or [mx.example.nl]:587", "(Postfix next-hop syntax)."})
  private String domain;

  @Option(names = "--ehlo", paramLabel = "NAME", defaultValue = "dane4j-check.invalid",
      description = "The EHLO name (default: ${DEFAULT-VALUE}).")
  private String ehlo;

  @Mixin
  private ProbeOptions probeOptions;

  @Mixin
  private WarnDays warnDays;

  @Mixin
  private CommonOptions common;

  @Mixin
  private StsOptions sts;

  @Mixin
  private DnssecLintOptions dnssecLint;

  /** The DNSSEC lint of this run (#16), null when skipped. */
  private DnssecLint.Report lintReport;

  @Override
  public Integer call() {
    Destination destination;
    try {
      destination = Target.parse(domain, probeOptions.port());
    } catch (IllegalArgumentException e) {
      throw new CommandException(ExitCodes.USAGE, e.getMessage(), e);
    }
    int days = warnDays.days(ExitCodes.USAGE);
    CaWatchlist watchlist = probeOptions.watchlist(ExitCodes.NO_INPUT);
    int signatureDays = dnssecLint.signatureWarnDays(ExitCodes.USAGE);
    Outcome outcome;
    List<java.net.InetSocketAddress> servers;
    try (DaneResolver resolver = common.resolver();
        MtaSts policies = sts.open(resolver, common.timeout().multipliedBy(6))) {
      servers = resolver.servers();
      outcome = check(resolver, policies, destination, ehlo, common.timeout(), days, Dane4j.clock(spec).instant(),
          common.progress(spec.commandLine().getErr()), watchlist);
      if (dnssecLint.enabled()) { // #16: the DNSSEC side that breaks DANE; reports only, the exit code stays
        common.progress(spec.commandLine().getErr()).step("DNSSEC lint of " + destination.name());
        lintReport = DnssecLintHook.lint(resolver, outcome.plan(), outcome.hosts(), common.timeout(),
            Dane4j.clock(spec).instant(), signatureDays);
        outcome.doc().put(DnssecLintHook.JSON_KEY, lintReport.json());
      }
    }
    print(outcome);
    DnssecTrouble.report(spec, outcome.plan().dnssec());
    ResolverTrouble.report(spec, servers, common.timeout(), ResolverTrouble.reasons(outcome.plan()));
    return outcome.exitCode();
  }

  /**
   * What checking one domain found.
   *
   * @param doc the {@code check --json} document
   * @param hosts the per host and address entries of {@code doc}
   * @param plan the delivery plan
   * @param verdict the domain verdict: verified, trusted, encrypted, opportunistic, cleartext or failing
   * @param exitCode 0 every host works, 1 some fail, 2 none works
   */
  public record Outcome(Map<String, Object> doc, List<Map<String, Object>> hosts, DeliveryPlan plan, String verdict,
      int exitCode) {
    /** The warnings of every host, in order, each as one line: message, " Fix: ", fix. */
    public List<String> warnings() {
      List<String> all = new ArrayList<>();
      for (Map<String, Object> h : hosts) {
        ((List<?>) h.get("warnings")).forEach(w -> all.add(CheckWarnings.line(w)));
      }
      return all;
    }
  }

  /**
   * Checks one domain: plans it with {@code resolver}, then probes every address of every usable MX host
   * (QUIT before any mail command). Used by {@code check} and by the demo.
   *
   * @param timeout the DNS timeout unit; SMTP waits are 6 times it
   * @param warnDays warn when a certificate expires within this many days (see {@link WarnDays})
   * @param now the instant certificates are judged at
   * @throws CommandException (exit 69) when the plan cannot be made
   */
  public static Outcome check(DaneResolver resolver, Destination destination, String ehlo, Duration timeout,
      int warnDays, Instant now, Progress progress) {
    return check(resolver, null, destination, ehlo, timeout, warnDays, now, progress, CaWatchlist.bundled());
  }

  /**
   * As {@link #check(DaneResolver, Destination, String, Duration, int, Instant, Progress)}, with MTA-STS
   * ({@code sts}; null: without): the domain's policy is shown beside DANE ({@code mta_sts}) and applied per
   * MX host as a sender applies it, DANE first ({@link StsCheck}); and with the CA-pin watchlist to judge
   * DANE-TA records by ({@code --ca-watchlist}).
   */
  public static Outcome check(DaneResolver resolver, MtaSts sts, Destination destination, String ehlo,
      Duration timeout, int warnDays, Instant now, Progress progress, CaWatchlist watchlist) {
    try (RouteProbe probe = RouteProbe.open(resolver, ehlo, timeout.multipliedBy(6))) {
      return check(resolver, sts, destination, probe, timeout, warnDays, now, progress, watchlist);
    }
  }

  private static Outcome check(DaneResolver resolver, MtaSts sts, Destination destination, RouteProbe probe,
      Duration timeout, int warnDays, Instant now, Progress progress, CaWatchlist watchlist) {
    Map<String, Object> doc = new LinkedHashMap<>();
    List<Map<String, Object>> hosts = new ArrayList<>();
    String name = destination.name();
    progress.step("planning " + name);
    StsCheck.Found found = StsCheck.lookup(resolver, sts, name, timeout);
    DeliveryPlan plan = plan(resolver, sts, destination, timeout);
    doc.put("schema_version", SCHEMA_VERSION);
    doc.put("command", "check");
    doc.put("domain", name);
    doc.put("target", destination.toString()); // [host]:port for a host checked without MX lookup
    doc.put("warn_days", warnDays);
    doc.put("mx_dnssec", Reports.word(plan.mxStatus()));
    doc.put("dnssec_validation", plan.dnssec().state().word()); // DNS-4: the resolver's probe
    doc.put("dnssec_validation_detail", plan.dnssec().explanation());
    doc.put("plan_failure", plan.failure().map(f -> f.reason()).orElse(null));
    doc.put("mta_sts", found.section());
    for (MxRoute route : plan.routes()) {
      List<Map<String, Object>> mine = check(resolver, route, probe, timeout, warnDays, now, progress, watchlist);
      mine.forEach(h -> StsCheck.annotate(h, route, found));
      hosts.addAll(mine);
    }
    long working = hosts.stream().filter(h -> !"failed".equals(h.get("verdict"))).count();
    int exit = plan.failure().isPresent() || working == 0 ? 2 : working < hosts.size() ? 1 : 0;
    String verdict = exit != 0 ? "failing" : worst(hosts);
    doc.put("verdict", verdict);
    doc.put("exit_code", exit);
    doc.put("hosts", hosts);
    return new Outcome(doc, hosts, plan, verdict, exit);
  }

  private static DeliveryPlan plan(DaneResolver resolver, MtaSts sts, Destination destination, Duration timeout) {
    String domain = destination.name();
    try {
      return StsCheck.planner(resolver, sts).plan(destination).get(timeout.toSeconds() * 12, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new CommandException(ExitCodes.UNAVAILABLE, "DNS lookups for " + domain + " timed out", e);
    } catch (ExecutionException e) {
      throw new CommandException(ExitCodes.UNAVAILABLE, "planning " + domain + " failed: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandException(ExitCodes.UNAVAILABLE, "interrupted", e);
    }
  }

  private static List<Map<String, Object>> check(DaneResolver resolver, MxRoute route, RouteProbe probe,
      Duration timeout, int warnDays, Instant now, Progress progress, CaWatchlist watchlist) {
    List<Map<String, Object>> out = new ArrayList<>();
    String tlsaOwner = "_" + route.port() + "._tcp." + route.tlsaBaseDomain();
    progress.step("looking up " + route.host() + " and " + tlsaOwner);
    String tlsaStatus = status(resolver, tlsaOwner, Type.TLSA, timeout);
    String addressStatus = status(resolver, route.host(), Type.A, timeout);
    List<InetAddress> addresses = route.requirement() == TlsRequirement.UNUSABLE ? List.of() : route.addresses();
    if (addresses.isEmpty()) {
      Map<String, Object> h = host(route, null, tlsaStatus, addressStatus);
      h.put("verdict", "failed");
      h.put("failure_type", route.failureType().map(f -> f.resultType()).orElse(null));
      h.put("detail", route.reason());
      h.put("warnings", CheckWarnings.of(route, null, addressStatus, tlsaStatus, warnDays, now));
      out.add(h);
      return out;
    }
    for (InetAddress address : addresses) {
      Map<String, Object> h = host(route, address, tlsaStatus, addressStatus);
      progress.step("connecting " + route.mxHost() + "[" + address.getHostAddress() + "]:" + route.port());
      RouteProbe.Result r = probe.probe(route, address);
      h.put("starttls", r.starttls());
      h.put("tls_protocol", r.protocol());
      h.put("cipher_suite", r.cipher());
      List<Object> chain = new ArrayList<>();
      for (int i = 0; i < r.chain().size(); i++) {
        chain.add(ChainJson.certificate(i, r.chain().get(i)));
      }
      h.put("chain", chain);
      h.put("verdict", Reports.word(r.verdict()));
      h.put("tlsa_match", r.verification().flatMap(v -> v.matchedRecord()).map(TlsaRecord::toString).orElse(null));
      h.put("match_depth", r.verification().filter(v -> v.matchedRecord().isPresent()).map(v -> v.matchDepth())
          .orElse(null));
      h.put("failure_type", r.failureType() == null ? null : r.failureType().resultType());
      h.put("detail", r.detail());
      List<KeyTypes.Entry> keyTypes = KeyTypes.probe(probe, route, address, r);
      h.put("key_types", new ArrayList<>(keyTypes.stream().map(KeyTypes.Entry::json).toList()));
      List<Object> warnings = CheckWarnings.of(route, r, addressStatus, tlsaStatus, warnDays, now);
      KeyTypes.findings(keyTypes).forEach(f -> warnings.add(f.warning()));
      if (route.requirement() == TlsRequirement.DANE) {
        watchlist.findings(route.tlsa(), r.chain()).forEach(f -> warnings.add(f.warning()));
      }
      h.put("warnings", warnings);
      out.add(h);
    }
    return out;
  }

  private static Map<String, Object> host(MxRoute route, InetAddress address, String tlsaStatus,
      String addressStatus) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("mx_host", route.mxHost());
    h.put("preference", route.preference());
    h.put("address", address == null ? null : address.getHostAddress());
    h.put("port", route.port());
    h.put("address_dnssec", addressStatus);
    h.put("tlsa_dnssec", tlsaStatus);
    List<Object> tlsa = new ArrayList<>();
    route.tlsa().forEach(t -> tlsa.add(t.toString()));
    h.put("tlsa", tlsa);
    h.put("requirement", Reports.word(route.requirement()));
    h.put("requirement_reason", route.reason());
    return h;
  }

  private static String status(DaneResolver resolver, String name, int type, Duration timeout) {
    try {
      DnsAnswer a = resolver.lookup(name, type).get(timeout.toSeconds() * 4, TimeUnit.SECONDS);
      return Reports.word(a.status());
    } catch (ExecutionException | TimeoutException | IllegalArgumentException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }


  /** The weakest verdict of working hosts: verified, trusted, encrypted, opportunistic or cleartext. */
  private static String worst(List<Map<String, Object>> hosts) {
    TlsVerdict worst = TlsVerdict.VERIFIED;
    for (Map<String, Object> h : hosts) {
      TlsVerdict v = TlsVerdict.valueOf(((String) h.get("verdict")).toUpperCase(java.util.Locale.ROOT));
      if (v.ordinal() > worst.ordinal()) {
        worst = v;
      }
    }
    return Reports.word(worst);
  }

  private void print(Outcome outcome) {
    Map<String, Object> doc = outcome.doc();
    List<Map<String, Object>> hosts = outcome.hosts();
    DeliveryPlan plan = outcome.plan();
    String verdict = outcome.verdict();
    PrintWriter out = spec.commandLine().getOut();
    if (common.json()) {
      out.println(Json.write(doc));
      out.flush();
      return;
    }
    Destination d = plan.destination();
    out.println((d.relay() ? "Host " + d + ": no MX lookup, the host is checked as named"
        : "MX RRset of " + d.name() + (d.port() == 25 ? "" : " (port " + d.port() + ")") + ": "
            + doc.get("mx_dnssec"))
        + plan.failure().map(f -> " - " + f.reason()).orElse(""));
    Colors colors = common.colors();
    @SuppressWarnings("unchecked")
    Map<String, Object> stsSection = (Map<String, Object>) doc.get("mta_sts");
    StsCheck.print(stsSection, out, colors);
    out.println();
    Table t = new Table("MX HOST", "ADDRESS", "TLSA", "DNS SAYS", "TLS", "VERDICT", "TLSA MATCH")
        .colors(colors, 5);
    for (Map<String, Object> h : hosts) {
      StringBuilder note = new StringBuilder("why: ").append(Reports.shorten((String) h.get("detail"), 140));
      if (h.get("failure_type") != null) {
        note.append(" [").append(h.get("failure_type")).append(']');
      }
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> chain = (List<Map<String, Object>>) h.getOrDefault("chain", List.of());
      for (Map<String, Object> c : chain) {
        note.append("\n    chain ").append(c.get("depth")).append(": ").append(c.get("subject"))
            .append("\n      SHA-256 cert ").append(c.get("sha256_cert"))
            .append("\n      SHA-256 SPKI ").append(c.get("sha256_spki"));
      }
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> keyTypes = (List<Map<String, Object>>) h.getOrDefault("key_types", List.of());
      for (Map<String, Object> k : keyTypes) {
        note.append("\n    key ").append(k.get("key_type")).append(": ");
        if (!Boolean.TRUE.equals(k.get("offered"))) {
          note.append("not offered");
        } else {
          String m = (String) k.get("tlsa_match");
          note.append(Boolean.TRUE.equals(k.get("verified"))
              ? "verified by " + (m == null ? "a TLSA record" : Reports.abbreviate(TlsaRecord.parse(m)))
              : colors.red("NOT covered by any TLSA record"))
              .append(", SPKI ").append(((String) k.get("sha256_spki")).substring(0, 16)).append("...");
        }
      }
      @SuppressWarnings("unchecked")
      List<Object> warnings = (List<Object>) h.get("warnings");
      for (Object x : warnings) {
        Map<?, ?> w = (Map<?, ?>) x;
        note.append("\n    ").append(colors.yellow("warning:")).append(' ').append(w.get("message"))
            .append("\n      fix: ").append(w.get("fix"));
      }
      @SuppressWarnings("unchecked")
      List<Object> tlsa = (List<Object>) h.get("tlsa");
      for (Object record : tlsa) {
        note.append("\n    TLSA ").append(record);
      }
      String match = (String) h.get("tlsa_match");
      t.row(note.toString(), (String) h.get("mx_host"), (String) h.get("address"),
          h.get("tlsa_dnssec") + " (" + tlsa.size() + ")", (String) h.get("requirement"),
          (String) h.get("tls_protocol"), (String) h.get("verdict"),
          match == null ? null : match.substring(0, Math.min(match.length(), 20)) + "...");
    }
    if (hosts.isEmpty()) {
      out.println("No MX host to check.");
    } else {
      t.print(out);
    }
    out.println();
    if (lintReport != null) {
      LintText.print(out, lintReport, colors);
      out.println();
    }
    out.println("Domain verdict: " + colors.word(verdict));
    out.flush();
  }
}
