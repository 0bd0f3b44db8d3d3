package org.dane4j.cli.monitor;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.dane4j.cli.CommandException;
import org.dane4j.cli.Colors;
import org.dane4j.cli.CommonOptions;
import org.dane4j.cli.Dane4j;
import org.dane4j.cli.DnssecTrouble;
import org.dane4j.cli.Progress;
import org.dane4j.cli.Target;
import org.dane4j.cli.ResolverTrouble;
import org.dane4j.cli.WarnDays;
import org.dane4j.cli.WarningCode;
import org.dane4j.cli.StsOptions;
import org.dane4j.cli.check.StsCheck;
import org.dane4j.sts.MtaSts;
import org.dane4j.sts.StsMode;
import org.dane4j.cli.Json;
import org.dane4j.cli.KeyTypes;
import org.dane4j.cli.CaWatchlist;
import org.dane4j.cli.OneLineErrors;
import org.dane4j.cli.ProbeOptions;
import org.dane4j.cli.RouteProbe;
import org.dane4j.cli.send.Reports;
import org.dane4j.cli.tlsa.CertificateFile;
import org.dane4j.cli.dnssec.DnssecLint;
import org.dane4j.cli.dnssec.DnssecLintHook;
import org.dane4j.cli.dnssec.DnssecLintOptions;
import org.dane4j.dns.DaneResolver;
import org.dane4j.smtp.DeliveryPlan;
import org.dane4j.smtp.DeliveryPlanner;
import org.dane4j.smtp.Destination;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.DaneVerification;
import org.dane4j.tlsa.DaneVerifier;
import org.dane4j.tlsa.FailureType;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dane4j monitor DOMAIN...}: a check for cron and Nagios-style monitoring. Plans each domain as
 * {@code check} does, opens a STARTTLS session to every address of every MX host (QUIT before any mail
 * command), and asks per host: does at least one TLSA record authenticate the server now; do both a DANE-EE
 * ({@code 3 x x}) and a DANE-TA ({@code 2 x x}) record match on their own (each usable record is verified
 * alone against the presented chain); does the leaf expire within {@code --warn-days}; would each
 * {@code --next-certificate} be covered by a DANE-EE record of its key (else: which {@code 3 1 1} to publish,
 * and how long before the switch, from the TLSA TTL).
 *
 * <p>The first line of the output is Nagios plugin output ({@code DANE OK - ...}); the exit code is the
 * Nagios state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Bad input is UNKNOWN too (one line on stderr).
 */
@Command(name = "monitor", mixinStandardHelpOptions = true, sortOptions = false,
    exitCodeOnInvalidInput = MonitorCommand.UNKNOWN, exitCodeOnExecutionException = MonitorCommand.UNKNOWN,
    description = {"Monitor the DANE set-up of mail domains (for cron, Nagios, Icinga): for each MX host, is a"
        + " TLSA record valid now, are both a 3 1 1 and a 2 1 1 record valid, does the certificate expire"
        + " soon, would the next certificate still be covered, is every key type the server offers covered, and"
        + " is the DNSSEC chain to the TLSA records sound. No mail is sent.",
        "The first line is Nagios plugin output (DANE OK - ...), details follow."},
    exitCodeListHeading = "%nExit codes (the Nagios plugin convention):%n",
    exitCodeList = {"0:OK", "1:WARNING: only one of the 3 1 1 / 2 1 1 pair is valid, the certificate expires"
        + " within --warn-days, no 3 x x covers a next certificate's key, the MX RRset is unsigned, a 2 x x pins"
        + " one of a CA's intermediates (--ca-watchlist), a DNSSEC lint finding",
        "2:CRITICAL: no TLSA record authenticates a host, a host fails DANE, a key type the server offers is not"
            + " covered, DNSSEC is bogus, no DANE at all, under an MTA-STS enforce policy a host fails WebPKI or no"
            + " mx pattern covers it",
        "3:UNKNOWN: DNS lookups failed or timed out (also the _mta-sts TXT lookup), bad command line or input file",
        "MTA-STS (on unless --no-mta-sts) is applied per host as check applies it, DANE first; its other",
        "findings (policy fetch error, DANE and MTA-STS disagreeing, testing-mode failures) are WARNINGs."})
public final class MonitorCommand implements Callable<Integer> {
  static final int OK = 0;
  static final int WARNING = 1;
  static final int CRITICAL = 2;
  static final int UNKNOWN = 3;

  /** A Nagios state; {@link #severity} orders them for aggregation: CRITICAL beats UNKNOWN beats WARNING. */
  enum State {
    OK(0, 0), WARNING(1, 1), CRITICAL(2, 3), UNKNOWN(3, 2);

    final int exitCode;
    final int severity;

    State(int exitCode, int severity) {
      this.exitCode = exitCode;
      this.severity = severity;
    }

    State worse(State other) {
      return other.severity > severity ? other : this;
    }
  }

  /**
   * The version of the {@code monitor --json} document, its first key. 1: every problem has a stable
   * {@code code} ({@link WarningCode}); next certificates say which record to publish and when.
   */
  public static final int SCHEMA_VERSION = 1;

  /** Something wrong, with the state it puts the check in and its stable code. */
  record Problem(State state, WarningCode code, String text) {
    Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("state", state.name());
      m.put("code", code.name());
      m.put("text", text);
      return m;
    }
  }

  @Spec
  private CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "TARGET", description = {"Mail domains, whose MX hosts are checked:",
      "  example.nl, or example.nl:587 for port 587;", "or hosts, without an MX lookup:",
      "  [mx.example.nl] or [mx.example.nl]:587", "(Postfix next-hop syntax)."})
  private List<String> domains;

  @Mixin
  private WarnDays warnDaysOption;

  private int warnDays;

  @Option(names = "--next-certificate", paramLabel = "FILE",
      description = {"PEM file with the certificate about to be deployed (leaf, or leaf + chain);"
          + " repeatable. WARNING until a 3 x x record covers its key (a 2 1 1 alone is not enough); the"
          + " details name the 3 1 1 to publish, at least one TLSA TTL before the switch. It is checked for the"
          + " hosts it names, or for every host when it names none of them."})
  private List<Path> nextCertificates = new ArrayList<>();

  @Option(names = "--ehlo", paramLabel = "NAME", defaultValue = "dane4j-monitor.invalid",
      description = "The EHLO name (default: ${DEFAULT-VALUE}).")
  private String ehlo;
  /** The probes of this run: 6 x --timeout per reply and for the handshake; open while the resolver is. */
  private RouteProbe probe;

  @Mixin
  private ProbeOptions probeOptions;
  private CaWatchlist watchlist;

  @Option(names = "--openmetrics", description = {"Print OpenMetrics (Prometheus text format, ending with"
      + " # EOF) instead of the Nagios text: per-host gauges of the state, the last verdict, valid TLSA"
      + " records, certificate days left, key types covered, problems by code, and the probe's time. Not"
      + " with --json. The exit code is still the Nagios state."})
  private boolean openMetrics;

  @Mixin
  private CommonOptions common;

  @Mixin
  private DnssecLintOptions dnssecLint;

  @Mixin
  private StsOptions sts;
  /** The MTA-STS lookup of this run, null with --no-mta-sts; open while the resolver is. */
  private MtaSts policies;

  private int signatureWarnDays;

  private Progress progress;

  private final List<Problem> all = new ArrayList<>();
  private long minDaysLeft = Long.MAX_VALUE;
  private int hostsChecked;
  /** Problems of the whole run rather than of one domain (DNS-4: the resolver does not validate). */
  private List<Object> generalProblems = List.of();

  /**
   * Runs the check. A {@link CommandException} (bad input, no resolver, a timeout) ends it UNKNOWN: the one
   * line on stderr, and, without --json, also as the Nagios status line on stdout, which is all many
   * monitoring systems show.
   */
  @Override
  public Integer call() {
    try {
      return run();
    } catch (CommandException e) {
      if (openMetrics && !common.json()) { // a scraper still reads a valid exposition that says UNKNOWN
        spec.commandLine().getOut().print(OpenMetrics.unknown());
        spec.commandLine().getOut().flush();
      } else if (!common.json()) {
        spec.commandLine().getOut().println("DANE UNKNOWN - " + OneLineErrors.line(e.getMessage()));
        spec.commandLine().getOut().flush();
      }
      throw e;
    }
  }

  private int run() {
    if (openMetrics && common.json()) {
      throw new CommandException(UNKNOWN, "--openmetrics and --json cannot be combined: choose one output", null);
    }
    warnDays = warnDaysOption.days(UNKNOWN);
    watchlist = probeOptions.watchlist(UNKNOWN);
    signatureWarnDays = dnssecLint.signatureWarnDays(UNKNOWN);
    List<Destination> destinations = new ArrayList<>();
    for (String d : domains) {
      try {
        destinations.add(Target.parse(d, probeOptions.port()));
      } catch (IllegalArgumentException e) {
        throw new CommandException(UNKNOWN, e.getMessage(), e);
      }
    }
    Map<Path, List<X509Certificate>> next = new LinkedHashMap<>();
    for (Path file : nextCertificates) {
      try {
        next.put(file, CertificateFile.read(file));
      } catch (CommandException e) {
        throw new CommandException(UNKNOWN, "--next-certificate: " + e.getMessage(), e);
      }
    }
    Instant now = Dane4j.clock(spec).instant();
    List<Object> domainDocs = new ArrayList<>();
    List<DeliveryPlan> plans = new ArrayList<>();
    List<java.net.InetSocketAddress> servers;
    org.dane4j.dns.DnssecProbe dnssec;
    try (DaneResolver resolver = resolver();
        MtaSts stsLookup = openSts(resolver);
        RouteProbe routeProbe = RouteProbe.open(resolver, ehlo, common.timeout().multipliedBy(6))) {
      probe = routeProbe;
      policies = stsLookup;
      servers = resolver.servers();
      for (Destination d : destinations) {
        plans.add(plan(resolver, d));
      }
      dnssec = resolver.lastProbe();
      DnssecTrouble.explain(dnssec).ifPresent(line -> all.add(new Problem(State.UNKNOWN,
          WarningCode.DNSSEC_NOT_VALIDATING, line)));
      List<Object> general = new ArrayList<>();
      all.forEach(p -> general.add(p.json()));
      generalProblems = general;
      List<String> monitoredNames = new ArrayList<>();
      plans.forEach(p -> p.routes().forEach(r -> {
        monitoredNames.add(r.host());
        monitoredNames.add(r.mxHost());
      }));
      for (DeliveryPlan plan : plans) {
        long started = System.nanoTime();
        Map<String, Object> d = domain(resolver, plan, next, monitoredNames, now);
        d.put("probed_at", now.toString());
        d.put("probe_ms", (System.nanoTime() - started) / 1_000_000); // a long: the JSON writer has no floats
        domainDocs.add(d);
      }
    }
    State state = State.OK;
    for (Problem p : all) {
      state = state.worse(p.state());
    }
    String summary = summary(state);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schema_version", SCHEMA_VERSION);
    doc.put("command", "monitor");
    doc.put("state", state.name());
    doc.put("exit_code", state.exitCode);
    doc.put("summary", summary);
    doc.put("warn_days", warnDays);
    doc.put("dnssec_validation", dnssec.state().word()); // DNS-4: the resolver's probe
    doc.put("problems", generalProblems);
    doc.put("domains", domainDocs);
    print(doc, state, summary);
    DnssecTrouble.report(spec, dnssec);
    List<String> reasons = new ArrayList<>();
    plans.forEach(p -> reasons.addAll(ResolverTrouble.reasons(p)));
    ResolverTrouble.report(spec, servers, common.timeout(), reasons);
    return state.exitCode;
  }

  private Progress progress() {
    if (progress == null) {
      progress = common.progress(spec.commandLine().getErr());
    }
    return progress;
  }

  private DaneResolver resolver() {
    try {
      return common.resolver();
    } catch (CommandException e) {
      throw new CommandException(UNKNOWN, e.getMessage(), e);
    }
  }

  private MtaSts openSts(DaneResolver resolver) {
    try {
      return sts.open(resolver, common.timeout().multipliedBy(6));
    } catch (CommandException e) {
      throw new CommandException(UNKNOWN, e.getMessage(), e);
    }
  }

  /**
   * The Nagios state of an MTA-STS finding ({@link StsCheck}). CRITICAL where senders that apply an
   * {@code enforce} policy cannot deliver to the host now (its certificate fails WebPKI, or no mx pattern covers
   * it: RFC 8461 §4.1, §4.2), as a failing DANE host is CRITICAL; UNKNOWN when the {@code _mta-sts} lookup
   * failed, as for every failed DNS lookup; WARNING for the rest, where mail still flows: a policy that cannot be
   * fetched (senders keep a cached policy, new ones deliver without), DANE and MTA-STS disagreeing on a DANE host
   * (DANE senders are fine; a DANE failure is CRITICAL on its own as DANE_FAILED), and what {@code testing}
   * would refuse.
   */
  static State stsState(WarningCode code, boolean enforce) {
    return switch (code) {
      case STS_LOOKUP_FAILED -> State.UNKNOWN;
      case STS_WEBPKI_INVALID, STS_MX_NOT_COVERED -> enforce ? State.CRITICAL : State.WARNING;
      default -> State.WARNING;
    };
  }

  private static List<Problem> stsProblems(Object warnings, boolean enforce, String prefix) {
    List<Problem> out = new ArrayList<>();
    for (Object o : (List<?>) warnings) {
      Map<?, ?> w = (Map<?, ?>) o;
      WarningCode code = WarningCode.valueOf(String.valueOf(w.get("code")));
      out.add(new Problem(stsState(code, enforce), code, prefix + w.get("message") + " Fix: " + w.get("fix")));
    }
    return out;
  }

  private static boolean enforce(StsCheck.Found found) {
    return found != null && found.lookup() != null
        && found.lookup().policy().map(p -> p.mode() == StsMode.ENFORCE).orElse(false);
  }

  /**
   * The MTA-STS findings of one host: {@link StsCheck#annotate} on each probed address (or once, on the host
   * alone, when none was probed), their warnings as problems without repeats, and the host's
   * {@code policy_type}, {@code sts_mode} and {@code sts_mx_match} put into {@code h}.
   */
  private static void stsHost(Map<String, Object> h, MxRoute route, List<Object> addresses, StsCheck.Found found,
      List<Problem> problems) {
    List<Map<String, Object>> views = new ArrayList<>();
    for (Object a : addresses) {
      Map<?, ?> am = (Map<?, ?>) a;
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("verdict", am.get("verdict"));
      v.put("failure_type", am.get("failure_type"));
      v.put("detail", am.get("detail"));
      views.add(v);
    }
    if (views.isEmpty()) {
      views.add(new LinkedHashMap<>());
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Map<String, Object> v : views) {
      v.put("warnings", new ArrayList<>());
      StsCheck.annotate(v, route, found);
      h.put("policy_type", v.get("policy_type"));
      h.put("sts_mode", v.get("sts_mode"));
      h.put("sts_mx_match", v.get("sts_mx_match"));
      for (Problem p : stsProblems(v.get("warnings"), enforce(found), "")) {
        if (seen.add(p.code() + "\n" + p.text())) {
          problems.add(p);
        }
      }
    }
  }

  private DeliveryPlan plan(DaneResolver resolver, Destination destination) {
    progress().step("planning " + destination.name());
    try {
      return StsCheck.planner(resolver, policies).plan(destination).get(common.timeout().toSeconds() * 12,
          TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new CommandException(UNKNOWN, "DNS lookups for " + destination.name() + " timed out", e);
    } catch (ExecutionException e) {
      throw new CommandException(UNKNOWN, "planning " + destination.name() + " failed: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandException(UNKNOWN, "interrupted", e);
    }
  }

  private Map<String, Object> domain(DaneResolver resolver, DeliveryPlan plan,
      Map<Path, List<X509Certificate>> next, List<String> monitoredNames, Instant now) {
    String name = plan.destination().name();
    Map<String, Object> d = new LinkedHashMap<>();
    List<Problem> problems = new ArrayList<>();
    d.put("domain", name);
    d.put("mx_lookup", !plan.destination().relay()); // false for a [host] target: the host as named
    d.put("mx_dnssec", Reports.word(plan.mxStatus()));
    if (plan.routes().isEmpty()) { // MX lookup failed, null MX: nothing per host to say
      plan.failure().ifPresent(f -> {
        State state = failureState(f.type(), f.transientFailure());
        problems.add(new Problem(state, failureCode(f.type(), state), name + ": " + f.reason()));
      });
    }
    StsCheck.Found found = StsCheck.lookup(resolver, policies, name, common.timeout()); // cached by the plan
    d.put("mta_sts", found.section());
    problems.addAll(stsProblems(found.warnings(), enforce(found), name + ": "));
    List<Object> hosts = new ArrayList<>();
    for (MxRoute route : plan.routes()) { // unusable hosts report their own reason
      hosts.add(host(resolver, route, next, monitoredNames, now, found));
    }
    if (dnssecLint.enabled()) { // #16: DNSSEC findings are warnings; what breaks delivery is judged per host
      progress().step("DNSSEC lint of " + name);
      List<Map<String, Object>> hostDocs = new ArrayList<>(); // their not_after: TLSA_TTL_EXCEEDS_CERT_LIFETIME
      for (Object h : hosts) {
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) h;
        hostDocs.add(doc);
      }
      DnssecLint.Report lint = DnssecLintHook.lint(resolver, plan, hostDocs, common.timeout(), now,
          signatureWarnDays);
      lint.findings().forEach(f -> problems.add(new Problem(State.WARNING, f.code(), f.name() + ": " + f.message())));
      d.put(DnssecLintHook.JSON_KEY, lint.json());
    }
    d.put("problems", json(problems));
    d.put("hosts", hosts);
    all.addAll(problems);
    return d;
  }

  /** DNSSEC bogus and permanent failures are CRITICAL; lookups that failed for other reasons UNKNOWN. */
  private static State failureState(FailureType type, boolean transientFailure) {
    if (type == FailureType.DNSSEC_INVALID) {
      return State.CRITICAL;
    }
    return transientFailure && (type == null || type == FailureType.VALIDATION_FAILURE) ? State.UNKNOWN
        : State.CRITICAL;
  }

  /** The code of a failed domain or host: bogus DNSSEC, a failed lookup (UNKNOWN), or undeliverable. */
  private static WarningCode failureCode(FailureType type, State state) {
    if (type == FailureType.DNSSEC_INVALID) {
      return WarningCode.DNSSEC_BOGUS;
    }
    return state == State.UNKNOWN ? WarningCode.DNS_LOOKUP_FAILED : WarningCode.UNDELIVERABLE;
  }

  private Map<String, Object> host(DaneResolver resolver, MxRoute route, Map<Path, List<X509Certificate>> next,
      List<String> monitoredNames, Instant now, StsCheck.Found found) {
    String name = route.mxHost();
    Map<String, Object> h = new LinkedHashMap<>();
    List<Problem> problems = new ArrayList<>();
    h.put("mx_host", name);
    h.put("preference", route.preference());
    h.put("port", route.port());
    h.put("requirement", Reports.word(route.requirement()));
    h.put("requirement_reason", route.reason());
    h.put("tlsa", route.tlsa().stream().map(TlsaRecord::toString).toList());
    List<Object> addresses = new ArrayList<>();
    List<Object> nextDocs = new ArrayList<>();
    switch (route.requirement()) {
      case UNUSABLE -> {
        State state = route.failureType().map(t -> failureState(t, true)).orElse(State.UNKNOWN);
        problems.add(new Problem(state, failureCode(route.failureType().orElse(null), state), name + ": "
            + route.reason()));
      }
      case OPPORTUNISTIC -> {
        problems.add(new Problem(State.CRITICAL, WarningCode.NO_DANE, name + ": no DANE: " + route.reason()));
        // a first TLSA RRset: the record to publish for the next certificate, timed by the negative TTL
        TlsaTtl ttl = null;
        for (Map.Entry<Path, List<X509Certificate>> e : next.entrySet()) {
          if (appliesTo(e.getValue().get(0), route, monitoredNames)) {
            ttl = ttl == null ? TlsaTtl.of(resolver, route, common.timeout()) : ttl;
            if (ttl.secureDenial()) {
              nextDocs.add(nextCertificate(route, e.getKey(), e.getValue(), ttl, problems, now, null));
            }
          }
        }
      }
      case STS -> {
        // monitor watches DANE: a host without it stays CRITICAL even when an enforce policy protects it
        problems.add(new Problem(State.CRITICAL, WarningCode.NO_DANE, name + ": no DANE (MTA-STS enforce"
            + " applies): " + route.reason()));
        for (InetAddress address : route.addresses()) {
          addresses.add(stsAddress(route, address));
        }
      }
      case ENCRYPT -> problems.add(new Problem(State.CRITICAL, WarningCode.NO_USABLE_TLSA, name
          + ": no usable TLSA record: " + route.reason()));
      case DANE -> {
        hostsChecked++;
        if (!route.mxSecure()) {
          problems.add(new Problem(State.WARNING, WarningCode.INSECURE_MX, name + ": the MX RRset is not"
              + " DNSSEC-signed: senders reach"
              + " this host only as 'trusted', and an attacker can redirect mail elsewhere"));
        }
        for (InetAddress address : route.addresses()) {
          addresses.add(address(route, address, problems, now));
        }
        Instant currentNotAfter = earliestNotAfter(addresses);
        TlsaTtl ttl = null;
        for (Map.Entry<Path, List<X509Certificate>> e : next.entrySet()) {
          if (appliesTo(e.getValue().get(0), route, monitoredNames)) {
            ttl = ttl == null ? TlsaTtl.of(resolver, route, common.timeout()) : ttl;
            nextDocs.add(nextCertificate(route, e.getKey(), e.getValue(), ttl, problems, now, currentNotAfter));
          }
        }
      }
    }
    stsHost(h, route, addresses, found, problems);
    h.put("state", worst(problems).name());
    h.put("addresses", addresses);
    h.put("next_certificates", nextDocs);
    h.put("problems", json(problems));
    all.addAll(problems);
    return h;
  }

  /** One address of a host under MTA-STS enforce: the session a sender would have (WebPKI, RFC 8461 §4.2). */
  private Map<String, Object> stsAddress(MxRoute route, InetAddress address) {
    progress().step("connecting " + route.mxHost() + "[" + address.getHostAddress() + "]:" + route.port());
    RouteProbe.Result r = probe.probe(route, address);
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("address", address.getHostAddress());
    a.put("verdict", Reports.word(r.verdict()));
    a.put("tls_protocol", r.protocol());
    a.put("tlsa_match", null);
    a.put("failure_type", r.failureType() == null ? null : r.failureType().resultType());
    a.put("detail", r.detail());
    a.put("key_types", new ArrayList<>());
    a.put("records", new ArrayList<>());
    return a;
  }

  private Map<String, Object> address(MxRoute route, InetAddress address, List<Problem> problems, Instant now) {
    String where = route.mxHost() + "[" + address.getHostAddress() + "]";
    progress().step("connecting " + where + ":" + route.port());
    RouteProbe.Result r = probe.probe(route, address);
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("address", address.getHostAddress());
    a.put("verdict", Reports.word(r.verdict()));
    a.put("tls_protocol", r.protocol());
    a.put("tlsa_match", r.verification().filter(DaneVerification::verified).flatMap(v -> v.matchedRecord())
        .map(TlsaRecord::toString).orElse(null));
    a.put("failure_type", r.failureType() == null ? null : r.failureType().resultType());
    a.put("detail", r.detail());
    List<KeyTypes.Entry> keyTypes = KeyTypes.probe(probe, route, address, r);
    a.put("key_types", new ArrayList<>(keyTypes.stream().map(KeyTypes.Entry::json).toList()));
    // CRITICAL: every sender whose handshake lands on the uncovered certificate defers mail to this host
    KeyTypes.findings(keyTypes).forEach(f -> problems.add(new Problem(State.CRITICAL, f.code(), where + ": "
        + f.message() + " Fix: " + f.fix())));
    watchlist.findings(route.tlsa(), r.chain()).forEach(f -> problems.add(new Problem(State.WARNING, f.code(),
        where + ": " + f.message() + " Fix: " + f.fix())));
    if (r.verdict() == TlsVerdict.FAILED) {
      problems.add(new Problem(State.CRITICAL, WarningCode.DANE_FAILED, where + ": DANE fails: " + Reports.shorten(r.detail(), 200)
          + (r.failureType() == null ? "" : " [" + r.failureType().resultType() + "]")));
    }
    List<X509Certificate> chain = r.chain();
    List<Object> records = new ArrayList<>();
    boolean ee = false;
    boolean ta = false;
    List<TlsaRecord> stale = new ArrayList<>();
    for (TlsaRecord record : route.tlsa()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("record", record.toString());
      m.put("usable", record.usableForSmtp());
      if (!record.usableForSmtp()) {
        m.put("valid", false);
        m.put("match_depth", null);
        m.put("reason", "not usable for SMTP (RFC 7672 §3.1.3): ignored by senders");
      } else if (chain.isEmpty()) {
        m.put("valid", null);
        m.put("match_depth", null);
        m.put("reason", "no certificate chain to check it against");
      } else {
        DaneVerification v = DaneVerifier.defaults().verify(chain, List.of(record), route.referenceNames(), now);
        m.put("valid", v.verified());
        m.put("match_depth", v.verified() ? v.matchDepth() : null);
        m.put("reason", v.reason());
        if (v.verified()) {
          ee |= record.usage().equals(CertUsage.DANE_EE);
          ta |= record.usage().equals(CertUsage.DANE_TA);
        } else {
          stale.add(record);
        }
      }
      records.add(m);
    }
    a.put("records", records);
    a.put("ee_valid", ee);
    a.put("ta_valid", ta);
    if (!chain.isEmpty() && r.verdict() != TlsVerdict.FAILED && !(ee && ta)) {
      String missing = ee ? "DANE-TA (2 1 1)" : "DANE-EE (3 1 1)";
      String valid = ee ? "DANE-EE (3 1 1)" : "DANE-TA (2 1 1)";
      CertUsage wanted = ee ? CertUsage.DANE_TA : CertUsage.DANE_EE;
      boolean published = route.tlsa().stream().anyMatch(t -> t.usableForSmtp() && t.usage().equals(wanted));
      WarningCode code = !published ? WarningCode.NO_EE_TA_PAIR : ee ? WarningCode.STALE_TA : WarningCode.STALE_EE;
      problems.add(new Problem(State.WARNING, code, where + ": only a " + valid + " record is valid; "
          + (published ? "no " + missing + " record matches (" + String.join(", ", stale.stream()
              .filter(t -> t.usage().equals(wanted)).map(Reports::abbreviate).toList())
              + "): a broken rollover waiting to happen, replace it"
              : "no " + missing + " record is published: publish one so that one still matches during a"
                  + " key or CA change")));
    }
    if (!chain.isEmpty()) {
      X509Certificate leaf = chain.get(0);
      long days = WarnDays.daysLeft(leaf, now);
      minDaysLeft = Math.min(minDaysLeft, days);
      a.put("not_after", leaf.getNotAfter().toInstant().toString());
      a.put("days_left", days);
      WarnDays.problem(leaf, now, warnDays).ifPresent(p -> problems.add(new Problem(State.WARNING,
          leaf.getNotAfter().toInstant().isBefore(now) ? WarningCode.CERT_EXPIRED : WarningCode.CERT_EXPIRING,
          where + ": " + p)));
    } else {
      a.put("not_after", null);
      a.put("days_left", null);
    }
    return a;
  }

  /**
   * Whether the TLSA RRset covers a next certificate, and what to publish when it does not cover its key by
   * a DANE-EE record: covered only by a DANE-TA ({@code 2 x x}) record is a WARNING too (issue #16), since
   * after the switch no {@code 3 x x} matches and the pair is broken; the {@code 3 1 1} of the next key must
   * be in every cache before the switch, so it is published at least one TTL of the TLSA RRset ahead (the
   * negative-answer TTL when there is no RRset yet; RFC 7671 §8).
   */
  private Map<String, Object> nextCertificate(MxRoute route, Path file, List<X509Certificate> chain,
      TlsaTtl ttl, List<Problem> problems, Instant now, Instant currentNotAfter) {
    X509Certificate leaf = chain.get(0);
    Instant notBefore = leaf.getNotBefore().toInstant();
    Instant at = notBefore.isAfter(now) ? notBefore : now; // a certificate for later: checked from its start
    DaneVerification v = route.tlsa().isEmpty() ? null
        : DaneVerifier.defaults().verify(chain, route.tlsa(), route.referenceNames(), at);
    boolean covered = v != null && v.verified();
    String reason = v == null ? "no TLSA records are published at " + ttl.owner() : v.reason();
    List<TlsaRecord> eeRecords = route.tlsa().stream()
        .filter(t -> t.usableForSmtp() && t.usage().equals(CertUsage.DANE_EE)).toList();
    boolean eeCovered = !eeRecords.isEmpty()
        && DaneVerifier.defaults().verify(chain, eeRecords, route.referenceNames(), at).verified();
    TlsaRecord record = TlsaRecord.of(leaf, CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256);
    String publish = ttl.owner() + " IN TLSA " + record;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", file.toString());
    m.put("subject", leaf.getSubjectX500Principal().getName());
    m.put("covered", covered);
    m.put("ee_covered", eeCovered);
    m.put("tlsa_match", covered ? v.matchedRecord().map(TlsaRecord::toString).orElse(null) : null);
    m.put("reason", reason);
    m.put("publish", eeCovered ? null : publish);
    m.put("tlsa_ttl", ttl.seconds());
    m.put("tlsa_ttl_kind", ttl.kind());
    Instant by = ttl.publishBy(currentNotAfter);
    m.put("publish_by", eeCovered || by == null ? null : by.toString());
    m.put("advice", eeCovered ? null : ttl.advice(publish) + ttl.deadline(currentNotAfter, now));
    if (!covered) {
      problems.add(new Problem(State.WARNING, WarningCode.NEXT_CERT_NOT_COVERED, route.mxHost()
          + ": next certificate " + file + " is not covered by the published TLSA records: "
          + Reports.shorten(reason, 160) + " (publish its 3 1 1 " + ttl.ahead() + " before deploying it)"));
    } else if (!eeCovered) {
      problems.add(new Problem(State.WARNING, WarningCode.NEXT_KEY_NOT_COVERED, route.mxHost()
          + ": next certificate " + file + " is covered only by "
          + v.matchedRecord().map(Reports::abbreviate).orElse("a DANE-TA record") + ", no 3 1 1 of its key is"
          + " published: publish it " + ttl.ahead() + " before deploying the certificate"));
    }
    return m;
  }

  /** The earliest not_after of the address entries (the certificates in service), or null. */
  private static Instant earliestNotAfter(List<Object> addresses) {
    Instant earliest = null;
    for (Object a : addresses) {
      if (a instanceof Map<?, ?> m && m.get("not_after") instanceof String s) {
        Instant i = Instant.parse(s);
        earliest = earliest == null || i.isBefore(earliest) ? i : earliest;
      }
    }
    return earliest;
  }

  /** Whether a next certificate is meant for this host: it names the host, or none of the monitored hosts. */
  private static boolean appliesTo(X509Certificate leaf, MxRoute route, List<String> monitoredNames) {
    List<String> names = names(leaf);
    boolean namesAny = monitoredNames.stream().anyMatch(h -> names.stream().anyMatch(n -> matches(n, h)));
    if (!namesAny) {
      return true;
    }
    return names.stream().anyMatch(n -> matches(n, route.host()) || matches(n, route.mxHost())
        || route.referenceNames().stream().anyMatch(r -> matches(n, r)));
  }

  private static List<String> names(X509Certificate c) {
    List<String> names = new ArrayList<>();
    try {
      if (c.getSubjectAlternativeNames() != null) {
        for (List<?> san : c.getSubjectAlternativeNames()) {
          if (Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String s) {
            names.add(s);
          }
        }
      }
    } catch (CertificateParsingException e) {
      // no usable names: the certificate is then checked for every host
    }
    return names;
  }

  private static boolean matches(String pattern, String host) {
    String p = strip(pattern);
    String h = strip(host);
    if (p.startsWith("*.")) {
      int dot = h.indexOf('.');
      return dot > 0 && h.substring(dot + 1).equals(p.substring(2));
    }
    return p.equals(h);
  }

  private static String strip(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  private static State worst(List<Problem> problems) {
    State s = State.OK;
    for (Problem p : problems) {
      s = s.worse(p.state());
    }
    return s;
  }

  private static List<Object> json(List<Problem> problems) {
    return new ArrayList<>(problems.stream().map(Problem::json).toList());
  }

  private String summary(State state) {
    if (state == State.OK) {
      StringBuilder s = new StringBuilder(String.join(", ", domains)).append(": ").append(hostsChecked)
          .append(hostsChecked == 1 ? " host" : " hosts").append(" verified, 3 1 1 and 2 1 1 valid");
      if (minDaysLeft != Long.MAX_VALUE) {
        s.append(", certificates valid for ").append(minDaysLeft).append("+ days");
      }
      if (!nextCertificates.isEmpty()) {
        s.append(", next certificate").append(nextCertificates.size() == 1 ? "" : "s").append(" covered");
      }
      return s.toString();
    }
    List<String> worst = all.stream().filter(p -> p.state() == state).map(Problem::text).toList();
    long others = all.stream().filter(p -> p.state() != state).count();
    return String.join("; ", worst) + (others == 0 ? "" : " (and " + others + " more: see below)");
  }

  private void print(Map<String, Object> doc, State state, String summary) {
    PrintWriter out = spec.commandLine().getOut();
    if (common.json()) {
      out.println(Json.write(doc));
      out.flush();
      return;
    }
    if (openMetrics) {
      out.print(OpenMetrics.write(doc));
      out.flush();
      return;
    }
    Colors colors = common.colors();
    String perf = minDaysLeft == Long.MAX_VALUE ? "" : " | days_left=" + minDaysLeft + ";" + warnDays;
    out.println("DANE " + colors.word(state.name()) + " - " + summary + perf);
    problems(out, doc.get("problems"), "", colors);
    for (Object o : (List<?>) doc.get("domains")) {
      Map<?, ?> d = (Map<?, ?>) o;
      boolean mxLookup = !Boolean.FALSE.equals(d.get("mx_lookup"));
      out.println(mxLookup ? d.get("domain") + " (MX RRset " + d.get("mx_dnssec") + ")"
          : "[" + d.get("domain") + "] (no MX lookup, the host as named)");
      problems(out, d.get("problems"), "  ", colors);
      for (Object ho : (List<?>) d.get("hosts")) {
        Map<?, ?> h = (Map<?, ?>) ho;
        out.println((mxLookup ? "  MX " + h.get("preference") + " " : "  host ") + h.get("mx_host") + ": "
            + h.get("requirement") + ", "
            + colors.word(String.valueOf(h.get("state"))));
        for (Object ao : (List<?>) h.get("addresses")) {
          Map<?, ?> a = (Map<?, ?>) ao;
          out.println("    " + a.get("address") + ": " + colors.word(String.valueOf(a.get("verdict")))
              + (a.get("tls_protocol") == null ? "" : ", " + a.get("tls_protocol"))
              + (a.get("not_after") == null ? "" : ", certificate expires " + a.get("not_after") + " ("
                  + a.get("days_left") + " days)"));
          for (Object ko : (List<?>) a.get("key_types")) {
            Map<?, ?> k = (Map<?, ?>) ko;
            out.println("      key " + k.get("key_type") + ": " + (!Boolean.TRUE.equals(k.get("offered")) ? "not offered"
                : Boolean.TRUE.equals(k.get("verified")) ? colors.word("verified") : colors.red("NOT covered")));
          }
          for (Object ro : (List<?>) a.get("records")) {
            Map<?, ?> rec = (Map<?, ?>) ro;
            Object valid = rec.get("valid");
            String word = Boolean.TRUE.equals(valid) ? "valid (matches at depth " + rec.get("match_depth") + ")"
                : Boolean.FALSE.equals(rec.get("usable")) ? "unusable" : valid == null ? "not checked" : "NOT valid";
            out.println("      TLSA " + Reports.abbreviate(TlsaRecord.parse((String) rec.get("record"))) + "  "
                + ("NOT valid".equals(word) ? colors.red(word) : colors.word(word)));
          }
        }
        for (Object no : (List<?>) h.get("next_certificates")) {
          Map<?, ?> n = (Map<?, ?>) no;
          boolean covered = Boolean.TRUE.equals(n.get("covered"));
          out.println("    next certificate " + n.get("file") + ": " + (covered
              ? "covered by " + Reports.abbreviate(TlsaRecord.parse((String) n.get("tlsa_match")))
                  + (Boolean.TRUE.equals(n.get("ee_covered")) ? "" : " only, not by a 3 1 1 of its key")
              : "NOT covered"));
          if (n.get("publish") != null) {
            out.println("      publish: " + n.get("publish"));
            out.println("      when: " + n.get("advice"));
          }
        }
        problems(out, h.get("problems"), "    ", colors);
      }
    }
    out.flush();
  }

  private static void problems(PrintWriter out, Object list, String indent, Colors colors) {
    for (Object po : (List<?>) list) {
      Map<?, ?> p = (Map<?, ?>) po;
      out.println(indent + colors.word(String.valueOf(p.get("state"))) + ": " + p.get("text"));
    }
  }
}
