package org.dane4j.cli.check;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.dane4j.cli.CommandException;
import org.dane4j.cli.CommonOptions;
import org.dane4j.cli.ExitCodes;
import org.dane4j.cli.Json;
import org.dane4j.cli.Table;
import org.dane4j.cli.send.Reports;
import org.dane4j.dns.DaneResolver;
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
        "66:an input file cannot be read", "69:a service is unavailable", "70:internal error"})
public final class CheckCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Parameters(paramLabel = "DOMAIN", description = "The recipient domain, e.g. example.nl.")
  private String domain;

  @Option(names = "--ehlo", paramLabel = "NAME", defaultValue = "dane4j-check.invalid",
      description = "The EHLO name of the probe (default: ${DEFAULT-VALUE}).")
  private String ehlo;

  @Option(names = "--port", hidden = true, defaultValue = "25",
      description = "Port of the MX hosts, for test networks; TLSA is looked up at this port.")
  private int port = 25;

  @Mixin
  private CommonOptions common;

  @Override
  public Integer call() {
    Destination destination;
    try {
      destination = Destination.domain(domain, port);
    } catch (IllegalArgumentException e) {
      throw new CommandException(ExitCodes.USAGE, "not a mail domain: '" + domain + "': " + e.getMessage(), e);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    List<Map<String, Object>> hosts = new ArrayList<>();
    DeliveryPlan plan;
    try (DaneResolver resolver = common.resolver()) {
      plan = plan(resolver, destination);
      doc.put("command", "check");
      doc.put("domain", domain);
      doc.put("mx_dnssec", Reports.word(plan.mxStatus()));
      doc.put("plan_failure", plan.failure().map(f -> f.reason()).orElse(null));
      for (MxRoute route : plan.routes()) {
        hosts.addAll(check(resolver, route));
      }
    }
    long working = hosts.stream().filter(h -> !"failed".equals(h.get("verdict"))).count();
    int exit = plan.failure().isPresent() || working == 0 ? 2 : working < hosts.size() ? 1 : 0;
    String verdict = exit != 0 ? "failing" : worst(hosts);
    doc.put("verdict", verdict);
    doc.put("exit_code", exit);
    doc.put("hosts", hosts);
    print(doc, hosts, plan, verdict);
    return exit;
  }

  private DeliveryPlan plan(DaneResolver resolver, Destination destination) {
    try {
      return DeliveryPlanner.of(resolver).plan(destination).get(common.timeout().toSeconds() * 12, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new CommandException(ExitCodes.UNAVAILABLE, "DNS lookups for " + domain + " timed out", e);
    } catch (ExecutionException e) {
      throw new CommandException(ExitCodes.UNAVAILABLE, "planning " + domain + " failed: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandException(ExitCodes.UNAVAILABLE, "interrupted", e);
    }
  }

  private List<Map<String, Object>> check(DaneResolver resolver, MxRoute route) {
    List<Map<String, Object>> out = new ArrayList<>();
    String tlsaOwner = "_" + route.port() + "._tcp." + route.tlsaBaseDomain();
    String tlsaStatus = status(resolver, tlsaOwner, Type.TLSA);
    String addressStatus = status(resolver, route.host(), Type.A);
    List<InetAddress> addresses = route.requirement() == TlsRequirement.UNUSABLE ? List.of() : route.addresses();
    if (addresses.isEmpty()) {
      Map<String, Object> h = host(route, null, tlsaStatus, addressStatus);
      h.put("verdict", "failed");
      h.put("failure_type", route.failureType().map(f -> f.resultType()).orElse(null));
      h.put("detail", route.reason());
      h.put("warnings", warnings(route, null));
      out.add(h);
      return out;
    }
    for (InetAddress address : addresses) {
      Map<String, Object> h = host(route, address, tlsaStatus, addressStatus);
      StartTlsProbe.Result r = StartTlsProbe.probe(route, address, ehlo, common.timeout().multipliedBy(6));
      h.put("starttls", r.starttls());
      h.put("tls_protocol", r.protocol());
      h.put("cipher_suite", r.cipher());
      List<Object> chain = new ArrayList<>();
      for (int i = 0; i < r.chain().size(); i++) {
        chain.add(certificate(i, r.chain().get(i)));
      }
      h.put("chain", chain);
      h.put("verdict", Reports.word(r.verdict()));
      h.put("tlsa_match", r.verification().flatMap(v -> v.matchedRecord()).map(TlsaRecord::toString).orElse(null));
      h.put("match_depth", r.verification().filter(v -> v.matchedRecord().isPresent()).map(v -> v.matchDepth())
          .orElse(null));
      h.put("failure_type", r.failureType() == null ? null : r.failureType().resultType());
      h.put("detail", r.detail());
      h.put("warnings", warnings(route, r));
      out.add(h);
    }
    return out;
  }

  /** The common mistakes dane.sys4.de lists that this host shows. */
  private static List<Object> warnings(MxRoute route, StartTlsProbe.Result r) {
    List<Object> w = new ArrayList<>();
    List<TlsaRecord> tlsa = route.tlsa();
    if (route.requirement() == TlsRequirement.DANE) {
      if (tlsa.size() == 1) {
        w.add("only one TLSA record: publish a 3 1 1 and a 2 1 1 so that one still matches during a key or CA"
            + " change");
      }
      boolean ee = tlsa.stream().anyMatch(t -> t.usage().value() == 3 && t.selector().value() == 1
          && t.matchingType().value() == 1);
      boolean ta = tlsa.stream().anyMatch(t -> t.usage().value() == 2 && t.selector().value() == 1
          && t.matchingType().value() == 1);
      if (tlsa.size() > 1 && !(ee && ta)) {
        w.add("no 3 1 1 + 2 1 1 pair: the recommended set is one record for the server's key and one for its CA");
      }
      if (!route.mxSecure()) {
        w.add("the MX RRset is not signed: senders reach this host only as 'trusted', and an attacker can"
            + " redirect mail to other hosts");
      }
    }
    if (r != null && !r.chain().isEmpty()) {
      java.time.Instant notAfter = r.chain().get(0).getNotAfter().toInstant();
      if (notAfter.isBefore(java.time.Instant.now().plus(Duration.ofDays(30)))) {
        w.add("the server's certificate expires " + notAfter + ": make sure the next key is covered by a TLSA"
            + " record before it is deployed");
      }
    }
    return w;
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

  private String status(DaneResolver resolver, String name, int type) {
    try {
      DnsAnswer a = resolver.lookup(name, type).get(common.timeout().toSeconds() * 4, TimeUnit.SECONDS);
      return Reports.word(a.status());
    } catch (ExecutionException | TimeoutException | IllegalArgumentException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  private static Map<String, Object> certificate(int depth, X509Certificate c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("depth", depth);
    m.put("subject", c.getSubjectX500Principal().getName());
    m.put("issuer", c.getIssuerX500Principal().getName());
    m.put("not_after", c.getNotAfter().toInstant().toString());
    try {
      m.put("sha256_cert", sha256(c.getEncoded()));
    } catch (CertificateEncodingException e) {
      m.put("sha256_cert", null);
    }
    m.put("sha256_spki", sha256(c.getPublicKey().getEncoded()));
    return m;
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
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

  private void print(Map<String, Object> doc, List<Map<String, Object>> hosts, DeliveryPlan plan, String verdict) {
    PrintWriter out = spec.commandLine().getOut();
    if (common.json()) {
      out.println(Json.write(doc));
      out.flush();
      return;
    }
    out.println("MX RRset of " + domain + ": " + doc.get("mx_dnssec")
        + plan.failure().map(f -> " - " + f.reason()).orElse(""));
    out.println();
    Table t = new Table("MX HOST", "ADDRESS", "TLSA", "DNS SAYS", "TLS", "VERDICT", "TLSA MATCH");
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
      List<Object> warnings = (List<Object>) h.get("warnings");
      warnings.forEach(x -> note.append("\n    warning: ").append(x));
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
    t.print(out);
    out.println();
    out.println("Domain verdict: " + verdict);
    out.flush();
  }
}
