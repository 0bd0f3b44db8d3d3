package org.dane4j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.dane4j.cli.Dane4j;
import org.dane4j.dns.DaneResolver;
import org.dane4j.dns.DnsAnswer;
import org.dane4j.dns.DnsOutcome;
import org.dane4j.dns.DnssecStatus;
import org.dane4j.jakartamail.DaneMailer;
import org.dane4j.netty.DaneSmtpClient;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.DeliveryPlan;
import org.dane4j.smtp.DeliveryPlanner;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.tlsa.FailureType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Type;

/**
 * dane4j against the real lab of {@code interop/lab.sh}: nsd serving ldns-signed zones (NSEC and NSEC3), a
 * validating unbound, a receiving Postfix, and Postfix's own {@code posttls-finger} as the reference verdict.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InteropTest {
  private static final String BODY = """
      dane4j interop message %s
      .a line that starts with a dot (SMTP dot-stuffing must round-trip)
      ..two dots
      trailing spaces stay   \n\
      tab\there
      last line
      """;
  private static final Map<String, String> TABLE = new ConcurrentSkipListMap<>();

  private Lab lab;
  private DaneResolver validating;
  private DaneResolver adTrusting;

  @BeforeAll
  void lab() {
    lab = Lab.get();
    validating = lab.validatingResolver();
    adTrusting = lab.adTrustingResolver();
    lab.assertAlive(adTrusting);
  }

  @AfterAll
  void close() throws IOException {
    if (validating != null) {
      validating.close();
    }
    if (adTrusting != null) {
      adTrusting.close();
    }
    if (!TABLE.isEmpty()) {
      StringBuilder t = new StringBuilder("| scenario | RFC 7672 | dane4j (validating) | dane4j (AD) | DaneMailer | "
          + "DaneSmtpClient | dane4j check | posttls-finger |\n|---|---|---|---|---|---|---|---|\n");
      List<String[]> rows = new java.util.ArrayList<>();
      for (Scenario s : Scenario.ALL) {
        rows.add(new String[] {s.name(), expectedClass(s)});
      }
      rows.add(new String[] {"nullmx", "nullmx (failed, no connection)"});
      for (String[] row : rows) {
        t.append("| ").append(row[0]).append(" | ").append(row[1]);
        for (String col : List.of("plan-validating", "plan-ad", "mailer", "netty", "check", "postfix")) {
          t.append(" | ").append(TABLE.getOrDefault(row[0] + "/" + col, "-"));
        }
        t.append(" |\n");
      }
      Path out = Path.of("target", "interop-verdicts.md");
      Files.createDirectories(out.getParent());
      Files.writeString(out, t);
      System.out.print(t);
    }
  }

  static Stream<Scenario> scenarios() {
    return Stream.of(Scenario.ALL);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  @DisplayName("TLSA-3, DNS-3: in-process validation over unbound (CD) plans what RFC 7672 requires")
  void planValidating(Scenario s) throws Exception {
    MxRoute route = plan(validating, s);
    TABLE.put(s.name() + "/plan-validating", route.requirement().name());
    assertThat(route.requirement()).as(s + ": " + route).isEqualTo(s.requirement());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  @DisplayName("TLSA-3, DNS-3: trusting unbound's AD bit plans what RFC 7672 requires")
  void planAdTrusting(Scenario s) throws Exception {
    MxRoute route = plan(adTrusting, s);
    TABLE.put(s.name() + "/plan-ad", route.requirement().name());
    assertThat(route.requirement()).as(s + ": " + route).isEqualTo(s.requirement());
  }

  @Test
  @DisplayName("DNS-1: NSEC3 denial, NODATA and NXDOMAIN for TLSA are both secure and kept apart, on both backends")
  void nsec3Denials() throws Exception {
    for (DaneResolver r : List.of(validating, adTrusting)) {
      DnsAnswer nodata = r.lookup("_25._tcp.mx.nodata.n3.test.", Type.TLSA).get(10, TimeUnit.SECONDS);
      DnsAnswer nxdomain = r.lookup("_25._tcp.mx.nxdomain.n3.test.", Type.TLSA).get(10, TimeUnit.SECONDS);
      assertThat(nodata.status()).as("%s", nodata).isEqualTo(DnssecStatus.SECURE);
      assertThat(nodata.outcome()).as("%s", nodata).isEqualTo(DnsOutcome.NODATA);
      assertThat(nxdomain.status()).as("%s", nxdomain).isEqualTo(DnssecStatus.SECURE);
      assertThat(nxdomain.outcome()).as("%s", nxdomain).isEqualTo(DnsOutcome.NXDOMAIN);
      DnsAnswer bogus = r.lookup("_25._tcp.mx.bogus.sec.test.", Type.TLSA).get(10, TimeUnit.SECONDS);
      assertThat(bogus.status()).as("%s", bogus).isIn(DnssecStatus.BOGUS, DnssecStatus.INDETERMINATE);
      assertThat(bogus.failed()).as("%s", bogus).isTrue();
    }
    DnsAnswer bogus = validating.lookup("_25._tcp.mx.bogus.sec.test.", Type.TLSA).get(10, TimeUnit.SECONDS);
    assertThat(bogus.status()).as("in-process validation names the bogus signature: %s", bogus)
        .isEqualTo(DnssecStatus.BOGUS);
  }

  @Test
  @DisplayName("CNAME-1, DNS-2: CNAME'd MX uses the expanded name; expired signatures are BOGUS; SERVFAIL is a failure")
  void cnameExpiredServfail() throws Exception {
    for (DaneResolver r : List.of(validating, adTrusting)) {
      MxRoute cname = plan(r, byName("cname"));
      assertThat(cname.tlsaBaseDomain()).as("TLSA base domain of %s", cname)
          .isEqualToIgnoringCase("real.cname.sec.test");
      for (String failing : List.of("_25._tcp.mx.expsig.sec.test.", "_25._tcp.mx.servfail.sec.test.")) {
        DnsAnswer a = r.lookup(failing, Type.TLSA).get(20, TimeUnit.SECONDS);
        assertThat(a.failed()).as("%s", a).isTrue();
        assertThat(a.status()).as("%s", a).isIn(DnssecStatus.BOGUS, DnssecStatus.INDETERMINATE);
      }
    }
    DnsAnswer expired = validating.lookup("_25._tcp.mx.expsig.sec.test.", Type.TLSA).get(20, TimeUnit.SECONDS);
    assertThat(expired.status()).as("in-process validation names the expired signatures: %s", expired)
        .isEqualTo(DnssecStatus.BOGUS);
  }

  @Test
  @DisplayName("TA-3: a secure CNAME into unsigned DNS: its target is never a reference name, on every path")
  void ta3_insecureCnameTargetIsRefused() throws Exception {
    Scenario s = byName("cnameins");
    for (DaneResolver r : List.of(validating, adTrusting)) {
      MxRoute route = plan(r, s);
      assertThat(route.host()).as("the route's host is not the insecure target").isEqualTo("mx.cnameins.sec.test");
      assertThat(route.referenceNames()).as("reference names of %s", route)
          .noneMatch(n -> n.endsWith("insecure.test"));
      MxRoute relay = DeliveryPlanner.of(r).plan("[mx.cnameins.sec.test]").get(20, TimeUnit.SECONDS).routes().get(0);
      assertThat(relay.referenceNames()).as("relay reference names").noneMatch(n -> n.endsWith("insecure.test"));
    }
    for (Delivery d : List.of(send(s), sendNetty(s))) {
      assertThat(d.result.status()).as("%s via %s", d.result, d.via).isEqualTo(RecipientResult.Status.DEFERRED);
      assertThat(d.result.attempts()).as("%s", d.result).isNotEmpty().allSatisfy(a ->
          assertThat(a.failureType()).as("%s", a).isEqualTo(FailureType.CERTIFICATE_HOST_MISMATCH));
      assertThat(d.storedBody()).as("nothing stored via %s", d.via).isNull();
    }
  }

  private static Scenario byName(String name) {
    return Stream.of(Scenario.ALL).filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  @DisplayName("TLS-1, OUT-1: DaneMailer delivers to Postfix or defers as RFC 7672 requires; bodies arrive byte for byte")
  void deliver(Scenario s) throws Exception {
    Delivery d = send(s);
    TABLE.put(s.name() + "/mailer", summary(d.result));
    assertOutcome(s, d);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  @DisplayName("TLS-1, OUT-1: the Netty DaneSmtpClient ends like DaneMailer; bodies arrive byte for byte")
  void deliverNetty(Scenario s) throws Exception {
    Delivery d = sendNetty(s);
    TABLE.put(s.name() + "/netty", summary(d.result));
    assertOutcome(s, d);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  @DisplayName("dane4j check --trust-ad --json via unbound gives each host the scenario's verdict and exit code")
  void check(Scenario s) {
    CheckRun run = runCheck(s.domain());
    TABLE.put(s.name() + "/check", run.verdicts() + " exit " + run.exit());
    String expected = s.delivered() ? s.verdict().name().toLowerCase(java.util.Locale.ROOT) : "failed";
    assertThat(run.verdicts()).as("host verdicts of %s in %s (stderr %s)", s, run.json(), run.err())
        .containsExactly(expected);
    assertThat(run.exit()).as("exit code for %s: %s", s, run.json()).isEqualTo(s.delivered() ? 0 : 2);
  }

  @Test
  @DisplayName("TLS-6: three messages through one DaneSmtpClient share one verified connection to Postfix")
  void nettyReusesConnection() throws Exception {
    Scenario s = Scenario.ALL[0];
    assertThat(s.name()).isEqualTo("ee");
    long connectsBefore = postfixLogLines("]: connect from");
    long disconnectsBefore = postfixLogLines("]: disconnect from");
    List<Delivery> sent = new java.util.ArrayList<>();
    try (DaneSmtpClient client = DaneSmtpClient.builder(validating).ehloName("client.interop.test").mxPort(25)
        .connectTimeout(Duration.ofSeconds(5)).commandTimeout(Duration.ofSeconds(20))
        .idleConnectionTime(Duration.ofSeconds(30)).threads(1).build()) {
      for (int i = 0; i < 3; i++) {
        String id = UUID.randomUUID().toString();
        String rcpt = "rcpt-" + id.substring(0, 8) + "@" + s.domain();
        String body = BODY.formatted(id);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        message(s, id, rcpt, body).writeTo(bytes);
        RecipientResult r = client.send("sender@client.interop.test", List.of(rcpt), bytes.toByteArray())
            .get(60, TimeUnit.SECONDS).of(rcpt);
        sent.add(new Delivery("netty", lab.mailbox(), id, body, r));
      }
    }
    for (Delivery d : sent) {
      assertThat(d.result.status()).as("%s", d.result).isEqualTo(RecipientResult.Status.DELIVERED);
      assertThat(d.result.deliveredBy().orElseThrow().verdict()).isEqualTo(TlsVerdict.VERIFIED);
      assertThat(d.awaitStoredBody(Duration.ofSeconds(20))).isEqualTo(d.body);
    }
    assertThat(sent.get(2).result.deliveredBy().orElseThrow().detail())
        .contains("connection reused (message 3 on it)");
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (postfixLogLines("]: disconnect from") == disconnectsBefore && System.nanoTime() < end) {
      Thread.sleep(100);
    }
    assertThat(postfixLogLines("]: connect from") - connectsBefore).as("smtpd connections in postfix.log")
        .isEqualTo(1);
  }

  @Test
  @DisplayName("RFC 6531: the Netty client sends non-ASCII addresses with SMTPUTF8, in UTF-8, and Postfix takes them")
  void nettySmtpUtf8() throws Exception {
    Scenario s = Scenario.ALL[0];
    String id = UUID.randomUUID().toString();
    String rcpt = "jürgen-" + id.substring(0, 8) + "@" + s.domain();
    String body = BODY.formatted(id);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    message(s, id, "rcpt-" + id.substring(0, 8) + "@" + s.domain(), body).writeTo(bytes);
    try (DaneSmtpClient client = DaneSmtpClient.builder(validating).ehloName("client.interop.test").mxPort(25)
        .connectTimeout(Duration.ofSeconds(5)).commandTimeout(Duration.ofSeconds(20)).threads(1).build()) {
      RecipientResult r = client.send("åsa@client.interop.test", List.of(rcpt), bytes.toByteArray())
          .get(60, TimeUnit.SECONDS).of(rcpt);
      assertThat(r.status()).as("%s", r).isEqualTo(RecipientResult.Status.DELIVERED);
      assertThat(r.deliveredBy().orElseThrow().verdict()).isEqualTo(TlsVerdict.VERIFIED);
      assertThat(new Delivery("netty", lab.mailbox(), id, body, r).awaitStoredBody(Duration.ofSeconds(20)))
          .isEqualTo(body);
    }
    String mbox = Files.readString(lab.mailbox(), StandardCharsets.UTF_8);
    assertThat(mbox).as("the envelope addresses Postfix recorded").contains(rcpt).contains("åsa@client.interop.test");
  }

  private long postfixLogLines(String marker) throws IOException {
    try (Stream<String> lines = Files.lines(lab.postfixLog(), StandardCharsets.ISO_8859_1)) {
      return lines.filter(l -> l.contains("postfix/smtpd[") && l.contains(marker)).count();
    }
  }

  @Test
  @DisplayName("MX-3: a null MX (RFC 7505) fails permanently on every path, without a connection")
  void nullMx() throws Exception {
    Scenario s = new Scenario("nullmx", "nullmx.sec.test", ".", TlsRequirement.UNUSABLE, false, null, "MX-3");
    for (var e : Map.of("plan-validating", validating, "plan-ad", adTrusting).entrySet()) {
      DeliveryPlan plan = DeliveryPlanner.of(e.getValue()).plan(s.domain()).get(20, TimeUnit.SECONDS);
      TABLE.put("nullmx/" + e.getKey(), plan.failure().map(f -> f.transientFailure() ? "transient" : "permanent")
          .orElse("no failure"));
      assertThat(plan.routes()).as("%s", plan).isEmpty();
      assertThat(plan.failure()).as("%s", plan).hasValueSatisfying(f -> assertThat(f.transientFailure()).isFalse());
    }
    for (Delivery d : List.of(send(s), sendNetty(s))) {
      RecipientResult r = d.result;
      TABLE.put("nullmx/" + d.via, summary(r));
      assertThat(r.status()).as("%s", r).isEqualTo(RecipientResult.Status.FAILED);
      assertThat(r.attempts()).as("no connection for a null MX: %s", r).allSatisfy(a -> assertThat(a.address()).isNull());
    }
    CheckRun run = runCheck(s.domain());
    TABLE.put("nullmx/check", run.verdicts() + " exit " + run.exit());
    assertThat(run.verdicts()).as("%s", run.json()).isEmpty();
    assertThat(run.exit()).as("%s", run.json()).isEqualTo(2);
    String postfix = PosttlsFinger.verdict(lab, s.domain());
    TABLE.put("nullmx/postfix", postfix);
    assertThat(postfix).isEqualTo("nullmx");
  }

  /** One in-process {@code dane4j check --trust-ad --json} run via unbound. */
  private record CheckRun(int exit, List<String> verdicts, String json, String err) {}

  private CheckRun runCheck(String domain) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cmd = Dane4j.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute("check", "--resolver", lab.unbound().getAddress().getHostAddress(), "--trust-ad", "--json", "--timeout", "5",
        "--ehlo", "client.interop.test", domain);
    String json = out.toString();
    String hosts = json.substring(Math.max(0, json.indexOf("\"hosts\"")));
    Matcher m = Pattern.compile("\"verdict\"\\s*:\\s*\"([^\"]*)\"").matcher(hosts);
    List<String> verdicts = new java.util.ArrayList<>();
    while (m.find()) {
      verdicts.add(m.group(1));
    }
    return new CheckRun(exit, verdicts, json, err.toString());
  }

  private static String summary(RecipientResult r) {
    return r.status() + " " + r.attempts().stream().map(a -> a.verdict().name()).toList();
  }

  private static void assertOutcome(Scenario s, Delivery d) throws Exception {
    RecipientResult r = d.result;
    if (s.delivered()) {
      assertThat(r.status()).as("%s", r).isEqualTo(RecipientResult.Status.DELIVERED);
      assertThat(r.deliveredBy()).map(DeliveryAttempt::verdict).as("%s", r).contains(s.verdict());
      String stored = d.awaitStoredBody(Duration.ofSeconds(20));
      assertThat(stored).as("body stored by Postfix in %s", d.mailbox)
          .isEqualTo(d.body);
    } else {
      assertThat(r.status()).as("%s", r).isEqualTo(RecipientResult.Status.DEFERRED);
      if (s.verdict() == null) {
        assertThat(r.attempts()).as("no connection for an unusable route: %s", r)
            .allSatisfy(a -> assertThat(a.address()).isNull());
      } else {
        assertThat(r.attempts()).as("%s", r).isNotEmpty()
            .allSatisfy(a -> assertThat(a.verdict()).isEqualTo(s.verdict()));
      }
      Thread.sleep(500);
      assertThat(d.storedBody()).as("nothing stored for a deferred message").isNull();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  @DisplayName("Postfix's posttls-finger -l dane reaches the same verdict as dane4j")
  void sameAsPostfix(Scenario s) throws Exception {
    String postfix = PosttlsFinger.verdict(lab, s.domain());
    TABLE.put(s.name() + "/postfix", postfix);
    MxRoute route = plan(validating, s);
    String ours;
    if (route.requirement() == TlsRequirement.UNUSABLE) {
      ours = "unusable";
    } else {
      RecipientResult r = send(s).result;
      TlsVerdict v = r.attempts().isEmpty() ? null : r.attempts().get(r.attempts().size() - 1).verdict();
      ours = switch (route.requirement()) {
        case DANE -> v == TlsVerdict.VERIFIED ? "dane-verified" : v == TlsVerdict.TRUSTED ? "dane-trusted"
            : r.attempts().get(r.attempts().size() - 1).failureType() == FailureType.STARTTLS_NOT_SUPPORTED
                ? "dane-failed(no-starttls)" : "dane-failed";
        case ENCRYPT -> v == TlsVerdict.ENCRYPTED ? "encrypt" : "encrypt-failed";
        case OPPORTUNISTIC -> v == TlsVerdict.OPPORTUNISTIC ? "opportunistic" : "opportunistic-" + v;
        default -> throw new AssertionError(route);
      };
    }
    assertThat(ours).as("dane4j vs posttls-finger for %s", s).isEqualTo(postfix).isEqualTo(expectedClass(s));
  }

  @Test
  @DisplayName("TLS-1, MX-5: a DANE failure at the first MX host moves on to the second, never to cleartext")
  void secondMxAfterDaneFailure() throws Exception {
    Scenario multi = new Scenario("multi", "multi.sec.test", "mx.mismatch.sec.test", TlsRequirement.DANE, true,
        TlsVerdict.VERIFIED, "TLS-1 MX-5");
    DeliveryPlan plan = DeliveryPlanner.of(validating).plan(multi.domain()).get(20, TimeUnit.SECONDS);
    assertThat(plan.routes()).extracting(MxRoute::mxHost, MxRoute::requirement).as("%s", plan).containsExactly(
        org.assertj.core.groups.Tuple.tuple("mx.mismatch.sec.test", TlsRequirement.DANE),
        org.assertj.core.groups.Tuple.tuple("mx.ee.sec.test", TlsRequirement.DANE));
    for (Delivery d : List.of(send(multi), sendNetty(multi))) { // DaneMailer, then the Netty client
      RecipientResult r = d.result;
      assertThat(r.status()).as("%s: %s", d.via, r).isEqualTo(RecipientResult.Status.DELIVERED);
      assertThat(r.attempts()).extracting(a -> a.route().mxHost(), DeliveryAttempt::verdict).as("%s: %s", d.via, r)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("mx.mismatch.sec.test", TlsVerdict.FAILED),
              org.assertj.core.groups.Tuple.tuple("mx.ee.sec.test", TlsVerdict.VERIFIED));
      assertThat(d.awaitStoredBody(Duration.ofSeconds(20))).isEqualTo(d.body);
    }
  }

  static String expectedClass(Scenario s) {
    return switch (s.requirement()) {
      case DANE -> s.delivered() ? (s.verdict() == TlsVerdict.TRUSTED ? "dane-trusted" : "dane-verified")
          : s.name().equals("nostarttls") ? "dane-failed(no-starttls)" : "dane-failed";
      case ENCRYPT -> "encrypt";
      case OPPORTUNISTIC -> "opportunistic";
      case UNUSABLE -> "unusable";
      case STS -> throw new AssertionError("the lab has no MTA-STS scenario yet: " + s);
    };
  }

  private static MxRoute plan(DaneResolver r, Scenario s) throws Exception {
    DeliveryPlan plan = DeliveryPlanner.of(r).plan(s.domain()).get(20, TimeUnit.SECONDS);
    assertThat(plan.routes()).as("%s: %s", s, plan).hasSize(1);
    MxRoute route = plan.routes().get(0);
    assertThat(route.mxHost()).as("%s", plan).isEqualToIgnoringCase(s.mxHost());
    return route;
  }

  private static MimeMessage message(Scenario s, String id, String rcpt, String body) throws Exception {
    MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
    m.setFrom(new InternetAddress("sender@client.interop.test"));
    m.setRecipient(Message.RecipientType.TO, new InternetAddress(rcpt));
    m.setSubject("interop " + s.name() + " " + id);
    m.setText(body, "us-ascii");
    m.setHeader("Content-Transfer-Encoding", "7bit");
    return m;
  }

  private Delivery send(Scenario s) throws Exception {
    String id = UUID.randomUUID().toString();
    String rcpt = "rcpt-" + id.substring(0, 8) + "@" + s.domain();
    String body = BODY.formatted(id);
    MimeMessage m = message(s, id, rcpt, body);
    try (DaneMailer mailer = DaneMailer.builder().ehloName("client.interop.test").resolver(validating).mxPort(25)
        .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(20))
        .planTimeout(Duration.ofSeconds(20)).build()) {
      RecipientResult r = mailer.send(m).of(rcpt);
      return new Delivery("mailer", lab.mailbox(), id, body, r);
    }
  }

  private Delivery sendNetty(Scenario s) throws Exception {
    String id = UUID.randomUUID().toString();
    String rcpt = "rcpt-" + id.substring(0, 8) + "@" + s.domain();
    String body = BODY.formatted(id);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    message(s, id, rcpt, body).writeTo(bytes);
    try (DaneSmtpClient client = DaneSmtpClient.builder(validating).ehloName("client.interop.test").mxPort(25)
        .connectTimeout(Duration.ofSeconds(5)).commandTimeout(Duration.ofSeconds(20)).threads(1).build()) {
      RecipientResult r = client.send("sender@client.interop.test", List.of(rcpt), bytes.toByteArray())
          .get(60, TimeUnit.SECONDS).of(rcpt);
      return new Delivery("netty", lab.mailbox(), id, body, r);
    }
  }

  /** A sent message and where Postfix's virtual(8) stores it (one mbox file, LF line ends). */
  private record Delivery(String via, Path mailbox, String id, String body, RecipientResult result) {
    String awaitStoredBody(Duration max) throws Exception {
      long end = System.nanoTime() + max.toNanos();
      String b;
      while ((b = storedBody()) == null && System.nanoTime() < end) {
        Thread.sleep(100);
      }
      assertThat(b).as("message %s in %s within %s (see postfix.log in the lab dir)", id, mailbox, max).isNotNull();
      return b;
    }

    /** The body of the mbox entry whose Subject carries the id, or null: headers Postfix added are skipped. */
    String storedBody() throws IOException {
      if (!Files.isRegularFile(mailbox)) {
        return null;
      }
      String mbox = Files.readString(mailbox, StandardCharsets.ISO_8859_1); // byte for byte; UTF-8 headers too
      for (String entry : ("\n" + mbox).split("\nFrom ")) {
        int split = entry.indexOf("\n\n");
        if (split < 0 || !entry.substring(0, split).contains("\nSubject: interop ") 
            || !entry.substring(0, split).contains(id)) {
          continue;
        }
        String b = entry.substring(split + 2);
        // virtual(8) ends each mbox entry with one empty line of its own
        return b.endsWith("\n\n") ? b.substring(0, b.length() - 1) : b;
      }
      return null;
    }
  }
}
