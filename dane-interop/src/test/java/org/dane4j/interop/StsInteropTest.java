package org.dane4j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.dane4j.dns.DaneResolver;
import org.dane4j.jakartamail.DaneMailer;
import org.dane4j.smtp.DaneMode;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.PolicyType;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.RecipientResult.Status;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.sts.MtaSts;
import org.dane4j.sts.StsLookup;
import org.dane4j.sts.StsMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * MTA-STS against real parts (checklist POL-3, STS-1, STS-2): the policies are served by nginx over HTTPS with a
 * certificate of the lab's private CA, discovered in nsd's signed zones through unbound, and mail goes through
 * {@code DaneMailer.Builder.mtaSts(...)} (the engine with the Angus session) to the lab's Postfix. Each policy lookup is compared with
 * postfix-mta-sts-resolver's {@code mta-sts-query} on the same domain (Debian's package).
 */
class StsInteropTest {
  private static final String BODY = "MTA-STS interop %s\r\n";
  private static Lab lab;
  private static DaneResolver resolver;
  private static final List<String> TABLE = new ArrayList<>();

  @BeforeAll
  static void up() {
    lab = Lab.get();
    resolver = lab.validatingResolver();
    lab.assertAlive(resolver);
  }

  @AfterAll
  static void down() throws Exception {
    if (resolver != null) {
      resolver.close();
    }
    if (!TABLE.isEmpty()) {
      String table = "| scenario | policy (nginx) | dane4j lookup | mta-sts-query | dane4j delivery |\n|---|---|---|---|---|\n"
          + String.join("\n", TABLE) + "\n";
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target/interop-sts-verdicts.md"), table);
      System.out.print(table);
    }
  }

  private static MtaSts sts(boolean lenientContentType) {
    return MtaSts.builder(resolver).extraTrustAnchors(Path.of(lab.env.getProperty("ca")))
        .lenientContentType(lenientContentType).fetchTimeout(Duration.ofSeconds(10)).build();
  }

  private static String domain(String scenario) {
    return lab.env.getProperty("sts." + scenario).split(" ")[0];
  }

  /** What postfix-mta-sts-resolver's mta-sts-query says, in the words "enforce", "testing", "none", "fetch-error". */
  static String stsQuery(String domain) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("unshare", "-m", "sh", "-c",
        "mount --bind \"$1\" /etc/resolv.conf && exec mta-sts-query \"$2\"", "sh",
        lab.resolvConf().toString(), domain).redirectErrorStream(true);
    pb.environment().put("SSL_CERT_FILE", lab.env.getProperty("ca"));
    Process p = pb.start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("mta-sts-query %s finishes", domain).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (out.contains("STSFetchResult.VALID")) {
      return out.contains("'mode': 'enforce'") ? "enforce" : out.contains("'mode': 'testing'") ? "testing" : "none";
    }
    if (out.contains("STSFetchResult.FETCH_ERROR")) {
      return "fetch-error";
    }
    if (out.contains("STSFetchResult.NONE")) {
      return "no-policy";
    }
    throw new AssertionError("mta-sts-query " + domain + " said: " + out);
  }

  private static String word(StsLookup l) {
    if (l.status() == StsLookup.Status.POLICY) {
      return l.policy().orElseThrow().mode().text();
    }
    return l.failure().isPresent() ? "fetch-error" : "no-policy";
  }

  /**
   * Sends one message through the public {@link DaneMailer} with {@code mtaSts(sts)} (the engine and the Angus
   * session, as an application gets them); checks the mailbox agrees.
   */
  private static RecipientResult send(String scenario, MtaSts sts) throws Exception {
    String domain = domain(scenario);
    String id = UUID.randomUUID().toString();
    String rcpt = "sts-" + id.substring(0, 8) + "@" + domain;
    byte[] message = ("From: sender@client.interop.test\r\nTo: " + rcpt + "\r\nSubject: sts " + scenario + "\r\n\r\n"
        + BODY.formatted(id)).getBytes(StandardCharsets.US_ASCII);
    RecipientResult r;
    try (DaneMailer mailer = DaneMailer.builder().resolver(resolver).mode(DaneMode.DANE).mtaSts(sts)
        .ehloName("client.interop.test").mxPort(25).connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(20)).planTimeout(Duration.ofSeconds(30)).build()) {
      MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message));
      r = mailer.send(m, "sender@client.interop.test", List.of(rcpt)).of(rcpt);
    }
    boolean stored = awaitStored(id, r.status() == Status.DELIVERED ? Duration.ofSeconds(20) : Duration.ofSeconds(2));
    assertThat(stored).as("%s stored by Postfix iff delivered (%s)", rcpt, r).isEqualTo(r.status() == Status.DELIVERED);
    return r;
  }

  private static boolean awaitStored(String id, Duration max) throws Exception {
    long end = System.nanoTime() + max.toNanos();
    do {
      if (Files.isRegularFile(lab.mailbox())
          && Files.readString(lab.mailbox(), StandardCharsets.ISO_8859_1).contains(BODY.formatted(id).trim())) {
        return true;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < end);
    return false;
  }

  private static String attempts(RecipientResult r) {
    List<String> out = new ArrayList<>();
    for (DeliveryAttempt a : r.attempts()) {
      out.add(a.route().requirement() + "/" + a.route().policyType().word() + " " + a.verdict());
    }
    return r.status() + " " + out;
  }

  private static void row(String scenario, String label, StsLookup lookup, String query, RecipientResult r) {
    TABLE.add("| " + label + " | " + lab.env.getProperty("sts." + scenario).substring(domain(scenario).length() + 1)
        + " | " + word(lookup) + lookup.failure().map(f -> " (" + f + ")").orElse("") + " | " + query + " | "
        + attempts(r) + " |");
  }

  private static RecipientResult scenario(String name, String expectedWord, boolean lenient) throws Exception {
    try (MtaSts sts = sts(lenient)) {
      StsLookup lookup = sts.policy(domain(name)).get(30, TimeUnit.SECONDS);
      String query = stsQuery(domain(name));
      assertThat(word(lookup)).as("dane4j's lookup of %s: %s", name, lookup).isEqualTo(expectedWord);
      if (!lenient) {
        assertThat(word(lookup)).as("dane4j and mta-sts-query agree on %s", name).isEqualTo(query);
      }
      RecipientResult r = send(name, sts);
      row(name, name + (lenient ? " (lenientContentType)" : ""), lookup, query, r);
      return r;
    }
  }

  @Test
  @DisplayName("STS-2: enforce, MX matching the wildcard pattern: delivered to Postfix under requirement sts, verified")
  void sts2_enforceMatchingDelivered() throws Exception {
    RecipientResult r = scenario("stsenforce", "enforce", false);
    assertThat(r.status()).isEqualTo(Status.DELIVERED);
    DeliveryAttempt a = r.lastAttempt().orElseThrow();
    assertThat(a.route().requirement()).isEqualTo(TlsRequirement.STS);
    assertThat(a.route().policyType()).isEqualTo(PolicyType.STS);
    assertThat(a.route().stsMode()).contains(StsMode.ENFORCE);
    assertThat(a.verdict()).isEqualTo(TlsVerdict.VERIFIED);
  }

  @Test
  @DisplayName("STS-2: enforce with an MX outside the pattern: deferred, no connection")
  void sts2_enforceMismatchDeferred() throws Exception {
    RecipientResult r = scenario("stsmismatch", "enforce", false);
    assertThat(r.status()).isEqualTo(Status.DEFERRED);
    assertThat(r.attempts()).allSatisfy(a -> assertThat(a.verdict()).isNull());
  }

  @Test
  @DisplayName("STS-2: testing with an MX outside the pattern: delivered as without STS")
  void sts2_testingDelivered() throws Exception {
    RecipientResult r = scenario("ststesting", "testing", false);
    assertThat(r.status()).isEqualTo(Status.DELIVERED);
    DeliveryAttempt a = r.lastAttempt().orElseThrow();
    assertThat(a.route().requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
    assertThat(a.route().stsMode()).contains(StsMode.TESTING);
  }

  @Test
  @DisplayName("POL-3: valid TLSA and an enforce policy whose pattern does not name the MX: DANE applies, delivered verified")
  void pol3_daneTakesPrecedence() throws Exception {
    RecipientResult r = scenario("stsdane", "enforce", false);
    assertThat(r.status()).isEqualTo(Status.DELIVERED);
    DeliveryAttempt a = r.lastAttempt().orElseThrow();
    assertThat(a.route().requirement()).isEqualTo(TlsRequirement.DANE);
    assertThat(a.route().policyType()).isEqualTo(PolicyType.TLSA);
    assertThat(a.verdict()).isEqualTo(TlsVerdict.VERIFIED);
  }

  @Test
  @DisplayName("STS-1: a 404 from nginx is a policy fetch error: no policy applies, delivered opportunistically")
  void sts1_notFoundIsFetchError() throws Exception {
    RecipientResult r = scenario("sts404", "fetch-error", false);
    assertThat(r.status()).isEqualTo(Status.DELIVERED);
    assertThat(r.lastAttempt().orElseThrow().route().requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
  }

  @Test
  @DisplayName("STS-1: Content-Type text/html is refused (RFC 8461 §3.3) unless lenientContentType")
  void sts1_wrongContentType() throws Exception {
    RecipientResult strict = scenario("ststype", "fetch-error", false);
    assertThat(strict.status()).isEqualTo(Status.DELIVERED);
    assertThat(strict.lastAttempt().orElseThrow().route().requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
    RecipientResult lenient = scenario("ststype", "enforce", true);
    assertThat(lenient.status()).isEqualTo(Status.DELIVERED);
    assertThat(lenient.lastAttempt().orElseThrow().route().requirement()).isEqualTo(TlsRequirement.STS);
    assertThat(lenient.lastAttempt().orElseThrow().verdict()).isEqualTo(TlsVerdict.VERIFIED);
  }
}
