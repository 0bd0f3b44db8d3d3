package org.dane4j.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.dane4j.testkit.dns.DnsFault;
import org.dane4j.testkit.dns.DnsTestServer;
import org.dane4j.testkit.dns.DnsWorld;
import org.dane4j.testkit.dns.ZoneSigning;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** {@link DaneResolver#lookupSigned}: the raw RRsets with their signatures, for a DNSSEC lint. */
class SignedAnswerTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);

  private DnsWorld world;
  private DnsTestServer server;
  private DaneResolver resolver;

  @BeforeEach
  void start() {
    world = DnsWorld.create(CLOCK);
    world.zone("test.");
    world.zone("example.test.", ZoneSigning.defaults().dsDigests(DNSSEC.Digest.SHA1).nsec3(5, "abcd"))
        .add("mx.example.test. 300 IN A 127.0.0.1");
    server = world.start();
    resolver = DaneResolver.builder().servers(server.address()).trustAnchors(world.trustAnchor()).clock(CLOCK)
        .timeout(Duration.ofMillis(400)).retries(0).build();
  }

  @AfterEach
  void stop() {
    resolver.close();
    server.close();
  }

  @Test
  @DisplayName("DNS-1: DS and DNSKEY come with their RRSIGs and a secure status")
  void dnskeyAndDsWithSignatures() {
    SignedAnswer ds = resolver.lookupSigned(Name.fromConstantString("example.test."), Type.DS).join();
    assertThat(ds.status()).isEqualTo(DnssecStatus.SECURE);
    assertThat(ds.records(DSRecord.class)).extracting(DSRecord::getDigestID).containsExactly(DNSSEC.Digest.SHA1);
    assertThat(ds.signatures()).isNotEmpty();
    SignedAnswer keys = resolver.lookupSigned(Name.fromConstantString("example.test."), Type.DNSKEY).join();
    assertThat(keys.records(DNSKEYRecord.class)).hasSize(1);
    assertThat(keys.signatures()).extracting(s -> s.getAlgorithm()).containsOnly(DNSSEC.Algorithm.ECDSAP256SHA256);
  }

  @Test
  @DisplayName("DNS-1: a secure denial carries its NSEC3 records; a bogus one says bogus, not no records")
  void denial() {
    SignedAnswer nx = resolver.lookupSigned(Name.fromConstantString("_25._tcp.mx.example.test."), Type.TLSA).join();
    assertThat(nx.rcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(nx.status()).isEqualTo(DnssecStatus.SECURE);
    assertThat(nx.authorityRecords(NSEC3Record.class)).isNotEmpty().allMatch(r -> r.getIterations() == 5);

    world.fault("_25._tcp.mx.example.test.", Type.TLSA, DnsFault.CORRUPT_RRSIG);
    SignedAnswer bogus = resolver.lookupSigned(Name.fromConstantString("_25._tcp.mx.example.test."), Type.TLSA)
        .join();
    assertThat(bogus.status()).isEqualTo(DnssecStatus.BOGUS);
  }
}
