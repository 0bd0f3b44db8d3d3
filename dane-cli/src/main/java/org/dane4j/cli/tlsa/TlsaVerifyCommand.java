package org.dane4j.cli.tlsa;

import org.dane4j.cli.ChainJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
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
import org.dane4j.cli.Dane4j;
import org.dane4j.cli.ExitCodes;
import org.dane4j.cli.OneLineErrors;
import org.dane4j.cli.Json;
import org.dane4j.cli.ResolverTrouble;
import org.dane4j.cli.Table;
import org.dane4j.cli.RouteProbe;
import org.dane4j.cli.send.Reports;
import org.dane4j.dns.DaneResolver;
import org.dane4j.smtp.DeliveryPlan;
import org.dane4j.smtp.DeliveryPlanner;
import org.dane4j.smtp.Destination;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.DaneVerification;
import org.dane4j.tlsa.DaneVerifier;
import org.dane4j.tlsa.FailureType;
import org.dane4j.tlsa.TlsaRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dane4j tlsa verify HOST}: the TLSA records of one SMTP server against the chain it presents. Plans
 * the host as a relay by name (no MX lookup; its own TLSA records, with DNSSEC), opens a STARTTLS session to
 * each validated address (QUIT before any mail command) and prints, for each TLSA record and each
 * certificate of the presented chain, whether the record matches it, whether the record alone authenticates
 * the server, and the overall result.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
    exitCodeOnInvalidInput = ExitCodes.USAGE, exitCodeOnExecutionException = ExitCodes.SOFTWARE,
    description = {"Connect to an SMTP server with STARTTLS, fetch its TLSA records with DNSSEC, and show which"
        + " record matches which certificate of the chain it presents. No mail is sent."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {" 0:at every address, a TLSA record authenticates the server",
        " 2:not authenticated: no record matches, no usable TLSA record, no DANE, DNSSEC bogus, STARTTLS or"
            + " the connection failed",
        " 3:the DNS lookups failed or timed out (try again)", "64:wrong command line",
        "66:an input file cannot be read or holds no usable data", "69:a service is unavailable", "70:internal error"},
    footer = {"", "Example: dane4j tlsa verify mx.example.nl"})
public final class TlsaVerifyCommand implements Callable<Integer> {
  /** Exit code: a TLSA record authenticates the server at every address. */
  static final int AUTHENTICATED = 0;
  /** Exit code: the server is not authenticated. */
  static final int NOT_AUTHENTICATED = 2;
  /** Exit code: the lookups failed; nothing is known. */
  static final int LOOKUP_FAILED = 3;

  @Spec
  private CommandSpec spec;

  @Parameters(paramLabel = "HOST", description = "The SMTP server's host name, e.g. mx.example.nl.")
  private String host;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "25",
      description = "The SMTP port; TLSA is looked up at _PORT._tcp.HOST (default: ${DEFAULT-VALUE}).")
  private int port = 25;

  @Option(names = "--ehlo", paramLabel = "NAME", defaultValue = "dane4j-verify.invalid",
      description = "The EHLO name (default: ${DEFAULT-VALUE}).")
  private String ehlo;
  /** The probes of this run: 6 x --timeout per reply and for the handshake; open while the resolver is. */
  private RouteProbe probe;

  @Mixin
  private CommonOptions common;

  @Override
  public Integer call() {
    Destination destination;
    try {
      destination = Destination.relay(host, port);
    } catch (IllegalArgumentException e) {
      throw new CommandException(ExitCodes.USAGE, "not a host name: '" + OneLineErrors.echo(host) + "': "
          + OneLineErrors.echoWithin(e.getMessage(), host), e);
    }
    Instant now = Dane4j.clock(spec).instant();
    Map<String, Object> doc = new LinkedHashMap<>();
    List<Object> addresses = new ArrayList<>();
    int exit;
    String result;
    String reason;
    MxRoute route;
    DeliveryPlan plan;
    List<java.net.InetSocketAddress> servers;
    try (DaneResolver resolver = common.resolver();
        RouteProbe routeProbe = RouteProbe.open(resolver, ehlo, common.timeout().multipliedBy(6))) {
      probe = routeProbe;
      servers = resolver.servers();
      plan = plan(resolver, destination);
      route = plan.routes().get(0);
      doc.put("command", "tlsa verify");
      doc.put("host", route.host());
      doc.put("port", route.port());
      doc.put("tlsa_owner", "_" + route.port() + "._tcp." + route.tlsaBaseDomain());
      doc.put("requirement", Reports.word(route.requirement()));
      doc.put("requirement_reason", route.reason());
      doc.put("tlsa", route.tlsa().stream().map(TlsaRecord::toString).toList());
      if (route.requirement() == TlsRequirement.UNUSABLE) {
        FailureType type = route.failureType().orElse(FailureType.VALIDATION_FAILURE);
        boolean lookupFailed = type == FailureType.VALIDATION_FAILURE && plan.failure().map(f -> f.transientFailure())
            .orElse(true);
        exit = lookupFailed ? LOOKUP_FAILED : NOT_AUTHENTICATED;
        result = type == FailureType.DNSSEC_INVALID ? "bogus" : lookupFailed ? "lookup-failed" : "failed";
        reason = route.reason();
      } else if (route.requirement() == TlsRequirement.OPPORTUNISTIC) {
        exit = NOT_AUTHENTICATED;
        result = "no-dane";
        reason = "no DANE for " + route.host() + ": " + route.reason();
      } else {
        int authenticated = 0;
        for (InetAddress address : route.addresses()) {
          Map<String, Object> a = address(route, address, now);
          if (Boolean.TRUE.equals(a.get("verified"))) {
            authenticated++;
          }
          addresses.add(a);
        }
        boolean all = authenticated == addresses.size() && !addresses.isEmpty();
        exit = all ? AUTHENTICATED : NOT_AUTHENTICATED;
        result = all ? "verified" : "failed";
        reason = route.requirement() == TlsRequirement.ENCRYPT ? "no usable TLSA record: " + route.reason()
            : authenticated + " of " + addresses.size() + " address" + (addresses.size() == 1 ? "" : "es")
                + " authenticated by a TLSA record";
      }
    }
    doc.put("result", result);
    doc.put("reason", reason);
    doc.put("exit_code", exit);
    doc.put("addresses", addresses);
    print(doc);
    ResolverTrouble.report(spec, servers, common.timeout(), ResolverTrouble.reasons(plan));
    return exit;
  }

  private DeliveryPlan plan(DaneResolver resolver, Destination destination) {
    common.progress(spec.commandLine().getErr()).step("looking up " + destination.name());
    try {
      return DeliveryPlanner.of(resolver).plan(destination).get(common.timeout().toSeconds() * 12,
          TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new CommandException(LOOKUP_FAILED, "DNS lookups for " + host + " timed out", e);
    } catch (ExecutionException e) {
      throw new CommandException(LOOKUP_FAILED, "DNS lookups for " + host + " failed: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandException(LOOKUP_FAILED, "interrupted", e);
    }
  }

  private Map<String, Object> address(MxRoute route, InetAddress address, Instant now) {
    common.progress(spec.commandLine().getErr()).step("connecting " + route.host() + "["
        + address.getHostAddress() + "]:" + route.port());
    RouteProbe.Result r = probe.probe(route, address);
    boolean verified = r.verification().map(DaneVerification::verified).orElse(false)
        && route.requirement() == TlsRequirement.DANE;
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("address", address.getHostAddress());
    a.put("starttls", r.starttls());
    a.put("tls_protocol", r.protocol());
    a.put("cipher_suite", r.cipher());
    a.put("verified", verified);
    a.put("tlsa_match", verified ? r.verification().flatMap(v -> v.matchedRecord()).map(TlsaRecord::toString)
        .orElse(null) : null);
    a.put("match_depth", verified ? r.verification().map(DaneVerification::matchDepth).orElse(null) : null);
    a.put("failure_type", r.failureType() == null ? null : r.failureType().resultType());
    a.put("detail", r.detail());
    List<X509Certificate> chain = r.chain();
    List<Object> certificates = new ArrayList<>();
    for (int i = 0; i < chain.size(); i++) {
      certificates.add(ChainJson.certificate(i, chain.get(i)));
    }
    a.put("chain", certificates);
    List<Object> records = new ArrayList<>();
    for (TlsaRecord record : route.tlsa()) {
      records.add(record(record, chain, route.referenceNames(), now));
    }
    a.put("records", records);
    return a;
  }

  /** One record against each certificate of the chain, and alone against the whole chain. */
  private static Map<String, Object> record(TlsaRecord record, List<X509Certificate> chain,
      List<String> referenceNames, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("record", record.toString());
    m.put("usable", record.usableForSmtp());
    List<Object> depths = new ArrayList<>();
    boolean computable = record.selector().known() && record.matchingType().known();
    for (int i = 0; i < chain.size() && computable; i++) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("depth", i);
      boolean match = TlsaRecord.of(chain.get(i), record.usage(), record.selector(), record.matchingType())
          .dataHex().equalsIgnoreCase(record.dataHex());
      d.put("match", match);
      // RFC 7672 §3.1: DANE-EE counts for the leaf only, DANE-TA for issuers only; PKIX usages not at all
      boolean counts = record.usableForSmtp()
          && (record.usage().equals(CertUsage.DANE_EE) ? i == 0 : i > 0);
      d.put("counts", match && counts);
      depths.add(d);
    }
    m.put("depths", depths);
    if (!record.usableForSmtp()) {
      m.put("authenticates", false);
      m.put("reason", "not usable for SMTP (RFC 7672 §3.1.3): only DANE-TA(2) and DANE-EE(3) count");
    } else if (chain.isEmpty()) {
      m.put("authenticates", false);
      m.put("reason", "the server presented no certificate");
    } else {
      DaneVerification v = DaneVerifier.defaults().verify(chain, List.of(record), referenceNames, now);
      m.put("authenticates", v.verified());
      m.put("reason", v.reason());
    }
    return m;
  }


  private void print(Map<String, Object> doc) {
    PrintWriter out = spec.commandLine().getOut();
    if (common.json()) {
      out.println(Json.write(doc));
      out.flush();
      return;
    }
    Colors colors = common.colors();
    out.println("TLSA " + doc.get("tlsa_owner") + ": " + doc.get("requirement") + " (" + doc.get("requirement_reason")
        + ")");
    for (Object record : (List<?>) doc.get("tlsa")) {
      out.println("  " + record);
    }
    for (Object o : (List<?>) doc.get("addresses")) {
      Map<?, ?> a = (Map<?, ?>) o;
      out.println();
      out.println(a.get("address") + ": " + (a.get("tls_protocol") == null
          ? (Boolean.TRUE.equals(a.get("starttls")) ? "STARTTLS, no TLS session" : "no TLS session")
          : "STARTTLS, " + a.get("tls_protocol") + ", " + a.get("cipher_suite")));
      List<?> chain = (List<?>) a.get("chain");
      for (Object co : chain) {
        Map<?, ?> c = (Map<?, ?>) co;
        out.println("  depth " + c.get("depth") + ": " + c.get("subject") + " (expires " + c.get("not_after") + ")");
        out.println("    SHA-256 SPKI " + c.get("sha256_spki"));
        out.println("    SHA-256 cert " + c.get("sha256_cert"));
      }
      List<?> records = (List<?>) a.get("records");
      if (!records.isEmpty() && !chain.isEmpty()) {
        List<String> headers = new ArrayList<>(List.of("TLSA RECORD"));
        for (int i = 0; i < chain.size(); i++) {
          headers.add("DEPTH " + i);
        }
        headers.add("ALONE");
        Table t = new Table(headers.toArray(new String[0])).colors(colors, headers.size() - 1);
        boolean ignored = false;
        for (Object ro : records) {
          Map<?, ?> r = (Map<?, ?>) ro;
          List<String> cells = new ArrayList<>();
          cells.add(Reports.abbreviate(TlsaRecord.parse((String) r.get("record"))));
          List<?> depths = (List<?>) r.get("depths");
          for (int i = 0; i < chain.size(); i++) {
            if (i >= depths.size()) {
              cells.add("?");
              continue;
            }
            Map<?, ?> d = (Map<?, ?>) depths.get(i);
            boolean match = Boolean.TRUE.equals(d.get("match"));
            boolean counts = Boolean.TRUE.equals(d.get("counts"));
            ignored |= match && !counts;
            cells.add(match ? (counts ? "match" : "match*") : "no");
          }
          cells.add(!Boolean.TRUE.equals(r.get("usable")) ? "unusable"
              : Boolean.TRUE.equals(r.get("authenticates")) ? "authenticates" : "fails");
          t.row(Boolean.TRUE.equals(r.get("authenticates")) ? null
              : "why: " + Reports.shorten((String) r.get("reason"), 140), cells.toArray(new String[0]));
        }
        StringWriter table = new StringWriter();
        t.print(new PrintWriter(table));
        table.toString().lines().forEach(line -> out.println("  " + line));
        if (ignored) {
          out.println("  * matches, but does not count there: DANE-EE (3) only matches the leaf, DANE-TA (2) only"
              + " an issuer, PKIX usages (0, 1) nowhere (RFC 7672 §3.1)");
        }
      }
      out.println("  " + (Boolean.TRUE.equals(a.get("verified")) ? colors.green("verified:") + " "
          : colors.red("NOT authenticated:") + " ")
          + Reports.shorten((String) a.get("detail"), 200)
          + (a.get("failure_type") == null ? "" : " [" + a.get("failure_type") + "]"));
    }
    out.println();
    out.println("Result: " + colors.word(String.valueOf(doc.get("result"))) + " - " + doc.get("reason"));
    out.flush();
  }
}
