package org.dane4j.testkit.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSEC3PARAMRecord;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The signing options that build DNSSEC faults, validated by dnsjava's ValidatingResolver. */
class ZoneSigningTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2031-03-01T12:00:00Z"), ZoneOffset.UTC);

  static DnsWorld world;
  static DnsTestServer server;

  @BeforeAll
  static void startWorld() {
    world = DnsWorld.create(CLOCK);
    world.zone("test.");
    world.zone("nsec3.test.", ZoneSigning.defaults().nsec3(10, "aabbccdd"))
        .add("mx.nsec3.test. A 127.0.0.1", "_25._tcp.mx.nsec3.test. TLSA 3 1 1 " + "ab".repeat(32));
    world.unsignedZone("insecure.nsec3.test.").add("host.insecure.nsec3.test. A 127.0.0.9");
    world.zone("optout.test.", ZoneSigning.defaults().nsec3OptOut()).add("mx.optout.test. A 127.0.0.2");
    world.zone("old.test.", ZoneSigning.defaults().algorithm(DNSSEC.Algorithm.RSASHA1)
        .dsDigests(DNSSEC.Digest.SHA1)).add("mx.old.test. A 127.0.0.3");
    world.zone("both.test.", ZoneSigning.defaults().dsDigests(DNSSEC.Digest.SHA1, DNSSEC.Digest.SHA256))
        .add("mx.both.test. A 127.0.0.4");
    world.zone("soon.test.", ZoneSigning.defaults().signatureLifetime(Duration.ofHours(20)))
        .add("mx.soon.test. A 127.0.0.5");
    world.zone("island.test.", ZoneSigning.defaults().withoutDs()).add("mx.island.test. A 127.0.0.6");
    server = world.start();
  }

  @AfterAll
  static void stopWorld() {
    server.close();
  }

  Message query(String name, int type) throws IOException {
    return new Validator(server.address(), CLOCK, world.trustAnchor(), Duration.ofSeconds(2)).query(name, type);
  }

  static void assertSecure(Message m, int rcode) {
    assertThat(m.getRcode()).as(Validator.reason(m)).isEqualTo(rcode);
    assertThat(m.getHeader().getFlag(Flags.AD)).as(Validator.reason(m)).isTrue();
  }

  @Test
  @DisplayName("NSEC3 with iterations and a salt: data, NODATA, NXDOMAIN, an empty non-terminal and an insecure"
      + " delegation all validate, and NSEC3PARAM says the parameters")
  void nsec3Validates() throws IOException {
    assertSecure(query("_25._tcp.mx.nsec3.test.", Type.TLSA), Rcode.NOERROR);
    assertSecure(query("mx.nsec3.test.", Type.AAAA), Rcode.NOERROR);
    Message nx = query("_25._tcp.nothere.nsec3.test.", Type.TLSA);
    assertSecure(nx, Rcode.NXDOMAIN);
    assertSecure(query("_tcp.mx.nsec3.test.", Type.A), Rcode.NOERROR);
    assertSecure(query("_25._tcp.mx.nsec3.test.", Type.A), Rcode.NOERROR);
    Message insecure = query("host.insecure.nsec3.test.", Type.A);
    assertThat(insecure.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(insecure.getHeader().getFlag(Flags.AD)).isFalse();
    assertThat(insecure.getSection(Section.ANSWER)).isNotEmpty();

    Message param = query("nsec3.test.", Type.NSEC3PARAM);
    assertSecure(param, Rcode.NOERROR);
    NSEC3PARAMRecord p = (NSEC3PARAMRecord) param.getSection(Section.ANSWER).stream()
        .filter(r -> r.getType() == Type.NSEC3PARAM).findFirst().orElseThrow();
    assertThat(p.getIterations()).isEqualTo(10);
    assertThat(p.getSalt()).containsExactly(0xaa, 0xbb, 0xcc, 0xdd);
  }

  @Test
  @DisplayName("opt-out sets the flag on the NSEC3 records of a denial: NODATA validates, an NXDOMAIN whose next"
      + " closer name an opt-out NSEC3 covers is insecure (RFC 5155 §9.2)")
  void optOut() throws IOException {
    assertSecure(query("mx.optout.test.", Type.TLSA), Rcode.NOERROR);
    Message m = query("_25._tcp.mx.optout.test.", Type.TLSA);
    assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(m.getHeader().getFlag(Flags.AD)).isFalse();
    List<NSEC3Record> nsec3 = m.getSection(Section.AUTHORITY).stream().filter(NSEC3Record.class::isInstance)
        .map(NSEC3Record.class::cast).toList();
    assertThat(nsec3).isNotEmpty().allMatch(r -> (r.getFlags() & NSEC3Record.Flags.OPT_OUT) != 0);
  }

  @Test
  @DisplayName("an RSASHA1 key with a SHA-1 DS validates; the DNSKEY and DS carry algorithm 5 and digest type 1")
  void rsaSha1AndSha1Ds() throws IOException {
    assertSecure(query("mx.old.test.", Type.A), Rcode.NOERROR);
    Message ds = query("old.test.", Type.DS);
    assertSecure(ds, Rcode.NOERROR);
    assertThat(records(ds, DSRecord.class)).extracting(DSRecord::getDigestID).containsExactly(DNSSEC.Digest.SHA1);
    assertThat(records(query("old.test.", Type.DNSKEY), DNSKEYRecord.class)).extracting(DNSKEYRecord::getAlgorithm)
        .containsExactly(DNSSEC.Algorithm.RSASHA1);
    assertThat(records(query("both.test.", Type.DS), DSRecord.class)).extracting(DSRecord::getDigestID)
        .containsExactlyInAnyOrder(DNSSEC.Digest.SHA1, DNSSEC.Digest.SHA256);
  }

  @Test
  @DisplayName("a short signature lifetime makes signatures that expire that long after the clock")
  void shortLifetime() throws IOException {
    Message a = query("mx.soon.test.", Type.A);
    assertSecure(a, Rcode.NOERROR);
    assertThat(records(a, RRSIGRecord.class)).extracting(RRSIGRecord::getExpire)
        .containsOnly(CLOCK.instant().plus(Duration.ofHours(20)));
  }

  @Test
  @DisplayName("withoutDs: the parent securely denies the DS, so the signed zone's data is insecure (an island)")
  void island() throws IOException {
    assertSecure(query("island.test.", Type.DS), Rcode.NOERROR);
    Message a = query("mx.island.test.", Type.A);
    assertThat(a.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(a.getHeader().getFlag(Flags.AD)).isFalse();
    assertThat(records(query("island.test.", Type.DNSKEY), DNSKEYRecord.class)).hasSize(1);
  }

  @Test
  @DisplayName("settings are checked when set, and a zone cannot be re-created with other settings")
  void checked() {
    assertThatThrownBy(() -> ZoneSigning.defaults().algorithm(1)).hasMessageContaining("not offered");
    assertThatThrownBy(() -> ZoneSigning.defaults().nsec3(2501, "")).hasMessageContaining("MAX_NSEC3_ITERATIONS");
    assertThatThrownBy(() -> ZoneSigning.defaults().nsec3(0, "xyz")).hasMessageContaining("hex");
    assertThatThrownBy(() -> ZoneSigning.defaults().dsDigests(new int[0])).hasMessageContaining("at least one");
    assertThat(world.zone("old.test.").signing().algorithm()).isEqualTo(DNSSEC.Algorithm.RSASHA1);
    assertThatThrownBy(() -> world.zone("old.test.", ZoneSigning.defaults())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("signed with");
  }

  static <T extends Record> List<T> records(Message m, Class<T> kind) {
    return m.getSection(Section.ANSWER).stream().filter(kind::isInstance).map(kind::cast).toList();
  }
}
