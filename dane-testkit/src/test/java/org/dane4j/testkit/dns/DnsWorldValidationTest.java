package org.dane4j.testkit.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.Type;

/** The world against dnsjava's own ValidatingResolver, configured as the dane4j core configures it. */
class DnsWorldValidationTest {
  /** Far from the real date, to prove that only the injected clock counts. */
  static final Clock CLOCK = Clock.fixed(Instant.parse("2031-03-01T12:00:00Z"), ZoneOffset.UTC);
  static final String TLSA_DIGEST = "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881";

  static DnsWorld world;
  static DnsTestServer server;
  Validator validator;

  @BeforeAll
  static void startWorld() {
    world = DnsWorld.create(CLOCK);
    world.zone("test.");
    world.zone("example.test.")
        .add("example.test. 300 IN MX 10 mx.example.test.")
        .add("mx.example.test. 300 IN A 127.0.0.1")
        .add("_25._tcp.mx.example.test. 300 IN TLSA 3 1 1 " + TLSA_DIGEST)
        .add("www CNAME mail.other.test.", "dangling CNAME nothing.other.test.");
    for (int i = 0; i < 40; i++) {
      world.zone("example.test.").add("big TXT \"" + "x".repeat(90) + i + "\"");
    }
    world.zone("other.test.").add("mail.other.test. A 127.0.0.2");
    world.unsignedZone("insecure.test.").add("mx.insecure.test. A 127.0.0.3");
    world.zone("sub.ent.test.").add("host.sub.ent.test. A 127.0.0.4");
    world.zone("wrongds.test.").add("host.wrongds.test. A 127.0.0.5");
    world.zone("lame.test.").add("host.lame.test. A 127.0.0.6");
    server = world.start();
  }

  @AfterAll
  static void stopWorld() {
    server.close();
  }

  @BeforeEach
  void newValidator() {
    validator = new Validator(server.address(), CLOCK, world.trustAnchor(), Duration.ofSeconds(2));
    server.resetCounters();
  }

  @AfterEach
  void clearFaults() {
    world.clearFaults();
  }

  @Test
  @DisplayName("positive answers in a signed zone are secure (AD) for MX, A and TLSA")
  void positiveSecure() throws IOException {
    Message mx = validator.query("example.test.", Type.MX);
    assertSecure(mx, Rcode.NOERROR);
    assertThat(Validator.answers(mx)).hasSize(1);

    Message a = validator.query("mx.example.test.", Type.A);
    assertSecure(a, Rcode.NOERROR);
    assertThat(((ARecord) Validator.answers(a).get(0)).getAddress().getHostAddress()).isEqualTo("127.0.0.1");

    Message tlsa = validator.query("_25._tcp.mx.example.test.", Type.TLSA);
    assertSecure(tlsa, Rcode.NOERROR);
    TLSARecord record = (TLSARecord) Validator.answers(tlsa).get(0);
    assertThat(record.getCertificateUsage()).isEqualTo(3);
  }

  @Test
  @DisplayName("a DNSKEY trust anchor works as well as the DS")
  void dnskeyTrustAnchor() throws IOException {
    Validator byKey = new Validator(server.address(), CLOCK, world.trustAnchorDnskey(), Duration.ofSeconds(2));
    assertSecure(byKey.query("mx.example.test.", Type.A), Rcode.NOERROR);
  }

  @Test
  @DisplayName("signed NODATA is secure, at a name with data and at an empty non-terminal")
  void noDataSecure() throws IOException {
    Message aaaa = validator.query("mx.example.test.", Type.AAAA);
    assertSecure(aaaa, Rcode.NOERROR);
    assertThat(Validator.answers(aaaa)).isEmpty();

    Message ent = validator.query("_tcp.mx.example.test.", Type.TLSA);
    assertSecure(ent, Rcode.NOERROR);
    assertThat(Validator.answers(ent)).isEmpty();

    Message apex = validator.query("example.test.", Type.TLSA);
    assertSecure(apex, Rcode.NOERROR);
  }

  @Test
  @DisplayName("signed NXDOMAIN is secure: below the apex, below an empty non-terminal, after the last name")
  void nxdomainSecure() throws IOException {
    for (String name : new String[] {"nope.example.test.", "_443._tcp.mx.example.test.", "a.b._tcp.mx.example.test.",
        "zzz.example.test.", "0.example.test.", "nope.test.", "nope."}) {
      Message response = validator.query(name, Type.TLSA);
      assertSecure(response, Rcode.NXDOMAIN);
    }
  }

  @Test
  @DisplayName("a zone delegated below an empty non-terminal of its parent validates")
  void delegationBelowEmptyNonTerminal() throws IOException {
    assertSecure(validator.query("host.sub.ent.test.", Type.A), Rcode.NOERROR);
    assertSecure(validator.query("ent.test.", Type.A), Rcode.NOERROR);
  }

  @Test
  @DisplayName("an unsigned zone with a signed parent is insecure: AD clear, real rcode, no EDE")
  void insecureZone() throws IOException {
    Message a = validator.query("mx.insecure.test.", Type.A);
    assertThat(a.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(a.getHeader().getFlag(Flags.AD)).isFalse();
    assertThat(Validator.answers(a)).hasSize(1);
    assertThat(Validator.ede(a)).isEmpty();

    Message nx = validator.query("nope.insecure.test.", Type.A);
    assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(nx.getHeader().getFlag(Flags.AD)).isFalse();
    assertThat(Validator.ede(nx)).isEmpty();
  }

  @Test
  @DisplayName("a CNAME into another signed zone validates as secure, chain in the answer")
  void cnameAcrossZones() throws IOException {
    Message response = validator.query("www.example.test.", Type.A);
    assertSecure(response, Rcode.NOERROR);
    assertThat(Validator.answers(response)).hasSize(2);
    assertThat(Validator.answers(response).get(0)).isInstanceOf(CNAMERecord.class);
    assertThat(Validator.answers(response).get(1)).isInstanceOf(ARecord.class);

    Message noData = validator.query("www.example.test.", Type.TLSA);
    assertSecure(noData, Rcode.NOERROR);
    assertThat(Validator.answers(noData)).hasSize(1);

    Message dangling = validator.query("dangling.example.test.", Type.A);
    assertSecure(dangling, Rcode.NXDOMAIN);
    assertThat(Validator.answers(dangling)).hasSize(1);
  }

  @Test
  @DisplayName("CORRUPT_RRSIG, EXPIRED_RRSIG and MISSING_RRSIG make the answer bogus: SERVFAIL with EDE")
  void signatureFaultsAreBogus() throws IOException {
    for (DnsFault fault : new DnsFault[] {DnsFault.CORRUPT_RRSIG, DnsFault.EXPIRED_RRSIG, DnsFault.MISSING_RRSIG}) {
      world.fault("mx.example.test.", Type.A, fault);
      assertBogus(new Validator(server.address(), CLOCK, world.trustAnchor(), Duration.ofSeconds(2))
          .query("mx.example.test.", Type.A));
      world.clearFaults();
    }
    assertSecure(validator.query("mx.example.test.", Type.A), Rcode.NOERROR);
  }

  @Test
  @DisplayName("a signature fault on a denied question makes the denial bogus")
  void signatureFaultOnDenial() throws IOException {
    world.fault("mx.example.test.", Type.AAAA, DnsFault.CORRUPT_RRSIG);
    assertBogus(validator.query("mx.example.test.", Type.AAAA));
    world.fault("nope.example.test.", Type.TLSA, DnsFault.MISSING_RRSIG);
    assertBogus(validator.query("nope.example.test.", Type.TLSA));
  }

  @Test
  @DisplayName("a corrupt signature on a zone's DNSKEY RRset makes the zone bogus")
  void corruptDnskey() throws IOException {
    world.fault("example.test.", Type.DNSKEY, DnsFault.CORRUPT_RRSIG);
    assertBogus(validator.query("mx.example.test.", Type.A));
  }

  @Test
  @DisplayName("WRONG_DS makes the child zone bogus, its siblings stay secure")
  void wrongDs() throws IOException {
    world.fault("wrongds.test.", DnsFault.WRONG_DS);
    assertBogus(validator.query("host.wrongds.test.", Type.A));
    assertSecure(validator.query("mx.example.test.", Type.A), Rcode.NOERROR);
  }

  @Test
  @DisplayName("SERVFAIL fault: the server sends SERVFAIL without EDE; dnsjava's validator then adds EDE 6")
  void servfail() throws IOException {
    world.fault("mx.example.test.", Type.TLSA, DnsFault.SERVFAIL);
    Message response = validator.query("mx.example.test.", Type.TLSA);
    assertThat(response.getRcode()).isEqualTo(Rcode.SERVFAIL);
    assertThat(response.getHeader().getFlag(Flags.AD)).isFalse();
    // dnsjava 3.7.1 classifies an upstream SERVFAIL as UNKNOWN and marks it bogus (EDE 6, DNSSEC_BOGUS), so the
    // EDE alone does not tell an upstream failure from a validation failure; the reason text does.
    assertThat(Validator.ede(response)).get().extracting(ExtendedErrorCodeOption::getErrorCode)
        .isEqualTo(ExtendedErrorCodeOption.DNSSEC_BOGUS);
    assertThat(Validator.reason(response)).contains("UNKNOWN");
    assertThat(server.queries()).hasSize(1);   // no key lookups: the validator gave up at once
  }

  @Test
  @DisplayName("LAME zone: quick SERVFAIL; the delegation itself still answers")
  void lame() throws IOException {
    world.fault("lame.test.", DnsFault.LAME);
    long start = System.nanoTime();
    Message response = validator.query("host.lame.test.", Type.A);
    assertThat(response.getRcode()).isEqualTo(Rcode.SERVFAIL);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    assertSecure(validator.query("lame.test.", Type.DS), Rcode.NOERROR);
  }

  @Test
  @DisplayName("REFUSED fault: rcode REFUSED")
  void refused() throws IOException {
    world.fault("mx.example.test.", Type.ANY, DnsFault.REFUSED);
    assertThat(validator.query("mx.example.test.", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
  }

  @Test
  @DisplayName("TIMEOUT fault: the client times out")
  void timeout() {
    world.fault("mx.example.test.", Type.A, DnsFault.TIMEOUT);
    Validator impatient = new Validator(server.address(), CLOCK, world.trustAnchor(), Duration.ofMillis(300));
    assertThatThrownBy(() -> impatient.query("mx.example.test.", Type.A)).isInstanceOf(IOException.class);
  }

  @Test
  @DisplayName("GARBAGE, WRONG_ID and WRONG_QUESTION: the client rejects the response")
  void brokenResponses() {
    for (DnsFault fault : new DnsFault[] {DnsFault.GARBAGE, DnsFault.WRONG_ID, DnsFault.WRONG_QUESTION}) {
      world.fault("mx.example.test.", Type.A, fault);
      assertThatThrownBy(() -> validator.query("mx.example.test.", Type.A))
          .as(fault.name()).isInstanceOf(IOException.class);
    }
  }

  @Test
  @DisplayName("TRUNCATED_UDP: the answer arrives over TCP and validates")
  void truncatedUdp() throws IOException {
    world.fault("mx.example.test.", Type.A, DnsFault.TRUNCATED_UDP);
    assertSecure(validator.query("mx.example.test.", Type.A), Rcode.NOERROR);
    assertThat(server.queries()).contains(
        new DnsQuery(org.xbill.DNS.Name.fromConstantString("mx.example.test."), Type.A, false),
        new DnsQuery(org.xbill.DNS.Name.fromConstantString("mx.example.test."), Type.A, true));
  }

  @Test
  @DisplayName("an answer larger than the EDNS payload size is truncated over UDP and retried over TCP")
  void largeAnswerOverTcp() throws IOException {
    Message response = validator.query("big.example.test.", Type.TXT);
    assertSecure(response, Rcode.NOERROR);
    assertThat(Validator.answers(response)).hasSize(40);
    assertThat(server.queries()).anyMatch(q -> q.tcp() && q.is("big.example.test.", Type.TXT));
  }

  @Test
  @DisplayName("records added and removed while the server runs are re-signed and answered consistently")
  void changesWhileRunning() throws IOException {
    assertSecure(validator.query("late.example.test.", Type.A), Rcode.NXDOMAIN);
    world.zone("example.test.").add("late A 127.0.0.9");
    assertSecure(validator.query("late.example.test.", Type.A), Rcode.NOERROR);
    world.zone("example.test.").remove("late", Type.A);
    assertSecure(validator.query("late.example.test.", Type.A), Rcode.NXDOMAIN);
  }

  @Test
  @DisplayName("the validator walks DS and DNSKEY down from the root; the counters see every question")
  void queryCounters() throws IOException {
    validator.query("mx.example.test.", Type.A);
    assertThat(server.queryCount("mx.example.test.", Type.A)).isEqualTo(1);
    assertThat(server.queryCount(".", Type.DNSKEY)).isEqualTo(1);
    assertThat(server.queryCount("test.", Type.DS)).isEqualTo(1);
    assertThat(server.queryCount("test.", Type.DNSKEY)).isEqualTo(1);
    assertThat(server.queryCount("example.test.", Type.DS)).isEqualTo(1);
    assertThat(server.queryCount("example.test.", Type.DNSKEY)).isEqualTo(1);
    assertThat(server.queryCount()).isEqualTo(6);

    validator.query("example.test.", Type.MX);   // keys are cached by the validator now
    assertThat(server.queryCount()).isEqualTo(7);
    server.resetCounters();
    assertThat(server.queryCount()).isZero();
    assertThat(server.queries()).isEmpty();
  }

  @Test
  @DisplayName("a validator whose clock is past the signatures' expiry finds the world bogus")
  void clockMatters() throws IOException {
    Clock later = Clock.offset(CLOCK, Duration.ofDays(31));
    Validator fromTheFuture = new Validator(server.address(), later, world.trustAnchor(), Duration.ofSeconds(2));
    assertBogus(fromTheFuture.query("mx.example.test.", Type.A));
  }

  @Test
  @DisplayName("when the world's clock moves on, zones are re-signed and stay valid for a validator on that clock")
  void resignsWhenTheClockMoves() throws IOException {
    MovingClock clock = new MovingClock(CLOCK.instant());
    DnsWorld moving = DnsWorld.create(clock);
    moving.zone("example.test.").add("mx A 127.0.0.1");
    try (DnsTestServer movingServer = moving.start()) {
      Validator now = new Validator(movingServer.address(), clock, moving.trustAnchor(), Duration.ofSeconds(2));
      assertSecure(now.query("mx.example.test.", Type.A), Rcode.NOERROR);
      clock.advance(Duration.ofDays(60));
      Validator later = new Validator(movingServer.address(), clock, moving.trustAnchor(), Duration.ofSeconds(2));
      assertSecure(later.query("mx.example.test.", Type.A), Rcode.NOERROR);
    }
  }

  /** A clock a test can move. */
  static final class MovingClock extends Clock {
    private volatile Instant instant;

    MovingClock(Instant start) {
      this.instant = start;
    }

    void advance(Duration duration) {
      instant = instant.plus(duration);
    }

    @Override
    public Instant instant() {
      return instant;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  static void assertSecure(Message response, int rcode) {
    assertThat(response.getRcode()).as("rcode of %s (%s)", response.getQuestion(), Validator.reason(response))
        .isEqualTo(rcode);
    assertThat(response.getHeader().getFlag(Flags.AD))
        .as("AD for %s (%s)", response.getQuestion(), Validator.reason(response)).isTrue();
  }

  static void assertBogus(Message response) {
    assertThat(response.getRcode()).isEqualTo(Rcode.SERVFAIL);
    assertThat(response.getHeader().getFlag(Flags.AD)).isFalse();
    assertThat(Validator.ede(response)).as("EDE").get()
        .extracting(ExtendedErrorCodeOption::getErrorCode).isNotNull();
    assertThat(Validator.reason(response)).isNotEmpty();
  }
}
