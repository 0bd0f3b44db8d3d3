package org.dane4j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
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
import org.dane4j.dns.DaneResolver;
import org.dane4j.dns.DnsAnswer;
import org.dane4j.dns.DnsOutcome;
import org.dane4j.dns.DnssecStatus;
import org.dane4j.jakartamail.DaneMailer;
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
          + "posttls-finger |\n|---|---|---|---|---|---|\n");
      for (Scenario s : Scenario.ALL) {
        t.append("| ").append(s.name()).append(" | ").append(expectedClass(s));
        for (String col : List.of("plan-validating", "plan-ad", "mailer", "postfix")) {
          t.append(" | ").append(TABLE.getOrDefault(s.name() + "/" + col, "-"));
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

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  @DisplayName("TLS-1, OUT-1: DaneMailer delivers to Postfix or defers as RFC 7672 requires; bodies arrive byte for byte")
  void deliver(Scenario s) throws Exception {
    Delivery d = send(s);
    RecipientResult r = d.result;
    TABLE.put(s.name() + "/mailer", r.status() + " " + r.attempts().stream().map(a -> a.verdict().name()).toList());
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
        case DANE -> v == TlsVerdict.VERIFIED || v == TlsVerdict.TRUSTED ? "dane-verified"
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
    Delivery d = send(multi);
    RecipientResult r = d.result;
    assertThat(r.status()).as("%s", r).isEqualTo(RecipientResult.Status.DELIVERED);
    assertThat(r.attempts()).extracting(a -> a.route().mxHost(), DeliveryAttempt::verdict).as("%s", r)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("mx.mismatch.sec.test", TlsVerdict.FAILED),
            org.assertj.core.groups.Tuple.tuple("mx.ee.sec.test", TlsVerdict.VERIFIED));
    assertThat(d.awaitStoredBody(Duration.ofSeconds(20))).isEqualTo(d.body);
  }

  static String expectedClass(Scenario s) {
    return switch (s.requirement()) {
      case DANE -> s.delivered() ? "dane-verified"
          : s.name().equals("nostarttls") ? "dane-failed(no-starttls)" : "dane-failed";
      case ENCRYPT -> "encrypt";
      case OPPORTUNISTIC -> "opportunistic";
      case UNUSABLE -> "unusable";
    };
  }

  private static MxRoute plan(DaneResolver r, Scenario s) throws Exception {
    DeliveryPlan plan = DeliveryPlanner.of(r).plan(s.domain()).get(20, TimeUnit.SECONDS);
    assertThat(plan.routes()).as("%s: %s", s, plan).hasSize(1);
    MxRoute route = plan.routes().get(0);
    assertThat(route.mxHost()).as("%s", plan).isEqualToIgnoringCase(s.mxHost());
    return route;
  }

  private Delivery send(Scenario s) throws Exception {
    String id = UUID.randomUUID().toString();
    String rcpt = "rcpt-" + id.substring(0, 8) + "@" + s.domain();
    String body = BODY.formatted(id);
    MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
    m.setFrom(new InternetAddress("sender@client.interop.test"));
    m.setRecipient(Message.RecipientType.TO, new InternetAddress(rcpt));
    m.setSubject("interop " + s.name() + " " + id);
    m.setText(body, "us-ascii");
    m.setHeader("Content-Transfer-Encoding", "7bit");
    try (DaneMailer mailer = DaneMailer.builder().ehloName("client.interop.test").resolver(validating).mxPort(25)
        .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(20))
        .planTimeout(Duration.ofSeconds(20)).build()) {
      RecipientResult r = mailer.send(m).of(rcpt);
      return new Delivery(lab.mailbox(), id, body, r);
    }
  }

  /** A sent message and where Postfix's virtual(8) stores it (one mbox file, LF line ends). */
  private record Delivery(Path mailbox, String id, String body, RecipientResult result) {
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
      String mbox = Files.readString(mailbox, StandardCharsets.US_ASCII);
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
