package org.dane4j.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.dane4j.testkit.dns.DnsFault;
import org.dane4j.testkit.dns.DnsTestServer;
import org.dane4j.testkit.dns.DnsWorld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The persistent key cache ({@link DaneResolver.Builder#keyCache}, {@link KeyCacheFile}): a warm file saves the
 * chain's questions, and is never a trust input (RFC 4035 §5: every answer from it is validated again).
 */
class KeyCacheFileTest {
  private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);
  private static final String[] CHAIN = {".", "test.", "example.test."};

  @TempDir
  Path dir;

  private DnsWorld world;
  private DnsTestServer server;
  private Path file;
  private final List<String> warnings = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    world = DnsWorld.create(CLOCK);
    world.zone("test.");
    world.zone("example.test.").add("mx.example.test. 300 IN A 127.0.0.1",
        "_25._tcp.mx.example.test. 300 IN TLSA 3 1 1 " + "ab".repeat(32));
    server = world.start();
    file = dir.resolve("cache").resolve("dnssec-keys");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private DaneResolver resolver(Clock clock) {
    return DaneResolver.builder().servers(server.address()).trustAnchors(world.trustAnchor()).clock(clock)
        .timeout(Duration.ofMillis(400)).retries(0).cacheSize(0).keyCache(file).keyCacheLog(warnings::add)
        .build();
  }

  /** A resolver's run that validates the whole chain and writes the file on close. */
  private void warmUp() {
    try (DaneResolver r = resolver(CLOCK)) {
      assertThat(r.lookup("mx.example.test", Type.A).join().secureData()).isTrue();
    }
    assertThat(file).exists();
    server.resetCounters();
  }

  private int keyQuestions() {
    int n = 0;
    for (String zone : CHAIN) {
      n += server.queryCount(zone, Type.DNSKEY);
      if (!zone.equals(".")) {
        n += server.queryCount(zone, Type.DS);
      }
    }
    return n;
  }

  @Test
  @DisplayName("DNS-3: a new resolver with a warm key cache file asks only its own question, no DS or DNSKEY;"
      + " the file is owner-only")
  void dns3_warmFileSkipsTheChainOfTrust() throws IOException {
    warmUp();
    if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
          .isEqualTo("rwx------");
    }
    try (DaneResolver r = resolver(CLOCK)) {
      DnsAnswer a = r.lookup("mx.example.test", Type.A).join();
      assertThat(a.secureData()).isTrue();
      assertThat(keyQuestions()).isZero();
      assertThat(server.queryCount()).isEqualTo(1);
    }
    assertThat(warnings).isEmpty();
  }

  @Test
  @DisplayName("DNS-3: the file holds only DS and DNSKEY answers, never the answers looked up")
  void dns3_fileHoldsOnlyKeyAnswers() {
    try (DaneResolver r = resolver(CLOCK)) {
      assertThat(r.lookup("_25._tcp.mx.example.test", Type.TLSA).join().secureData()).isTrue();
      assertThat(r.lookup("mx.example.test", Type.AAAA).join().secureDenial()).isTrue();
    }
    List<KeyCacheFile.Entry> entries = loadRaw(CLOCK);
    assertThat(entries).isNotEmpty();
    List<String> questions = new ArrayList<>();
    for (KeyCacheFile.Entry e : entries) {
      Record q = e.message().getQuestion();
      assertThat(q.getType()).isIn(Type.DS, Type.DNSKEY);
      questions.add(q.getName() + " " + Type.string(q.getType()));
    }
    assertThat(questions).contains(". DNSKEY", "test. DS", "test. DNSKEY", "example.test. DS",
        "example.test. DNSKEY");
  }

  @Test
  @DisplayName("DNS-2: a file whose DNSKEY answer carries a flipped signature byte yields no secure answer; the"
      + " resolver drops it and succeeds with the network's")
  void dns2_alteredSignatureInFileIsNeverTrusted() {
    alteredFileIsNeverTrusted(sig -> {
      byte[] s = sig.getSignature().clone();
      s[s.length / 2] ^= 0x01;
      return new RRSIGRecord(sig.getName(), sig.getDClass(), sig.getTTL(), sig.getTypeCovered(),
          sig.getAlgorithm(), sig.getOrigTTL(), sig.getExpire(), sig.getTimeSigned(), sig.getFootprint(),
          sig.getSigner(), s);
    }, null);
  }

  @Test
  @DisplayName("DNS-2: a file whose DNSKEY answer has a substituted key yields no secure answer; the resolver"
      + " drops it and succeeds with the network's")
  void dns2_substitutedKeyInFileIsNeverTrusted() {
    alteredFileIsNeverTrusted(null, key -> {
      byte[] k = key.getKey().clone();
      k[3] ^= 0x40;
      return new DNSKEYRecord(key.getName(), key.getDClass(), key.getTTL(), key.getFlags(), key.getProtocol(),
          key.getAlgorithm(), k);
    });
  }

  private void alteredFileIsNeverTrusted(UnaryOperator<RRSIGRecord> sigChange,
      UnaryOperator<DNSKEYRecord> keyChange) {
    warmUp();
    List<KeyCacheFile.Entry> altered = new ArrayList<>();
    boolean changed = false;
    for (KeyCacheFile.Entry e : loadRaw(CLOCK)) {
      Record q = e.message().getQuestion();
      if (q.getType() == Type.DNSKEY && q.getName().toString().equals("example.test.")) {
        Message m = e.message().clone();
        m.removeAllRecords(Section.ANSWER);
        for (Record r : e.message().getSection(Section.ANSWER)) {
          if (r instanceof RRSIGRecord sig && sigChange != null) {
            r = sigChange.apply(sig);
          } else if (r instanceof DNSKEYRecord key && keyChange != null) {
            r = keyChange.apply(key);
          }
          m.addRecord(r, Section.ANSWER);
        }
        assertThat(m.toWire()).isNotEqualTo(e.message().toWire());
        altered.add(new KeyCacheFile.Entry(e.receivedAtMillis(), e.keepSeconds(), m));
        changed = true;
      } else {
        altered.add(e);
      }
    }
    assertThat(changed).isTrue();
    // written as an attacker would: a well-formed file with a valid checksum
    KeyCacheFile.save(file, altered, digest(), CLOCK, warnings::add);

    // without the network's DNSKEY of example.test. the altered answer alone gives nothing secure
    world.fault("example.test.", Type.DNSKEY, DnsFault.TIMEOUT);
    try (DaneResolver r = resolver(CLOCK)) {
      DnsAnswer a = r.lookup("mx.example.test", Type.A).join();
      assertThat(a.secureData()).isFalse();
      assertThat(a.status()).isNotEqualTo(DnssecStatus.SECURE);
      assertThat(a.failed()).isTrue(); // a failure, never "no records"
    }

    // with the network, the altered answer is dropped and the lookup succeeds at once
    KeyCacheFile.save(file, altered, digest(), CLOCK, warnings::add);
    world.clearFaults("example.test.");
    server.resetCounters();
    try (DaneResolver r = resolver(CLOCK)) {
      DnsAnswer a = r.lookup("mx.example.test", Type.A).join();
      assertThat(a.secureData()).isTrue();
      assertThat(server.queryCount("example.test.", Type.DNSKEY)).isEqualTo(1);
    }
    assertThat(warnings).isEmpty();
    // and the file written on close holds the network's answer again
    try (DaneResolver r = resolver(CLOCK)) {
      server.resetCounters();
      assertThat(r.lookup("mx.example.test", Type.A).join().secureData()).isTrue();
      assertThat(keyQuestions()).isZero();
    }
  }

  @Test
  @DisplayName("DNS-3: answers past their TTL on the resolver's clock are not loaded")
  void dns3_expiredAnswersAreNotLoaded() {
    warmUp();
    Clock later = Clock.fixed(T0.plusSeconds(3601), ZoneOffset.UTC); // the DS and DNSKEY TTLs are 3600 s
    assertThat(loadRaw(later)).isEmpty();
    try (DaneResolver r = resolver(later)) {
      assertThat(r.lookup("mx.example.test", Type.A).join().secureData()).isTrue();
      assertThat(server.queryCount("example.test.", Type.DNSKEY)).isEqualTo(1);
      assertThat(server.queryCount(".", Type.DNSKEY)).isEqualTo(1);
    }
    // a clock that went back (or a file from the future) is not trusted for TTLs either
    assertThat(loadRaw(Clock.fixed(T0.minusSeconds(10), ZoneOffset.UTC))).isEmpty();
  }

  @Test
  @DisplayName("DNS-3: loaded records' TTLs are cut to the time left")
  void dns3_loadedTtlsAreTheTimeLeft() {
    warmUp();
    Clock later = Clock.fixed(T0.plusSeconds(3500), ZoneOffset.UTC);
    List<KeyCacheFile.Entry> entries = loadRaw(later);
    assertThat(entries).isNotEmpty();
    for (KeyCacheFile.Entry e : entries) {
      for (Record r : e.message().getSection(Section.ANSWER)) {
        assertThat(r.getTTL()).isLessThanOrEqualTo(100);
      }
    }
  }

  @Test
  @DisplayName("a truncated, garbage or empty key cache file gives one warning, is ignored and replaced")
  void corruptFileIsIgnoredWithOneWarning() throws IOException {
    warmUp();
    byte[] good = Files.readAllBytes(file);
    List<byte[]> bad = List.of(java.util.Arrays.copyOf(good, good.length / 2), "garbage\n".getBytes(),
        new byte[0], flip(good, good.length / 2));
    for (byte[] content : bad) {
      Files.write(file, content);
      warnings.clear();
      server.resetCounters();
      try (DaneResolver r = resolver(CLOCK)) {
        assertThat(r.lookup("mx.example.test", Type.A).join().secureData()).isTrue();
        assertThat(server.queryCount("example.test.", Type.DNSKEY)).isEqualTo(1);
      }
      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0)).contains(file.toString()).contains("ignored");
      warnings.clear();
      assertThat(loadRaw(CLOCK)).isNotEmpty(); // replaced by a good file on close
      assertThat(warnings).isEmpty();
    }
  }

  @Test
  @DisplayName("a file over MAX_BYTES is refused with a warning naming the limit")
  void oversizedFileIsRefusedNamingTheLimit() throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, new byte[KeyCacheFile.MAX_BYTES + 1]);
    try (DaneResolver r = resolver(CLOCK)) {
      assertThat(r.lookup("mx.example.test", Type.A).join().secureData()).isTrue();
    }
    assertThat(warnings).singleElement().asString().contains("MAX_BYTES");
    assertThat(Files.size(file)).isLessThan(KeyCacheFile.MAX_BYTES);
  }

  @Test
  @DisplayName("a file written under other trust anchors is not loaded (and not warned about)")
  void otherTrustAnchorsAreNotLoaded() {
    warmUp();
    DnsWorld other = DnsWorld.create(CLOCK);
    other.zone("test.");
    other.zone("example.test.").add("mx.example.test. 300 IN A 127.0.0.1");
    try (DnsTestServer otherServer = other.start();
        DaneResolver r = DaneResolver.builder().servers(otherServer.address()).trustAnchors(other.trustAnchor())
            .clock(CLOCK).timeout(Duration.ofMillis(400)).retries(0).cacheSize(0).keyCache(file)
            .keyCacheLog(warnings::add).build()) {
      assertThat(r.lookup("mx.example.test", Type.A).join().secureData()).isTrue();
      assertThat(otherServer.queryCount("example.test.", Type.DNSKEY)).isEqualTo(1);
    }
    assertThat(warnings).isEmpty();
  }

  @Test
  @DisplayName("DNS-3: the application's own DNSKEY and DS questions (a DNSSEC lint's) are answered by the"
      + " upstream, never from the file")
  void dns3_clientKeyQuestionsReadTheUpstream() {
    warmUp();
    try (DaneResolver r = resolver(CLOCK)) {
      assertThat(r.lookup("mx.example.test", Type.A).join().secureData()).isTrue();
      assertThat(keyQuestions()).isZero();
      SignedAnswer keys = r.lookupSigned(Name.fromConstantString("example.test."), Type.DNSKEY).join();
      SignedAnswer ds = r.lookupSigned(Name.fromConstantString("example.test."), Type.DS).join();
      assertThat(keys.status()).isEqualTo(DnssecStatus.SECURE);
      assertThat(ds.status()).isEqualTo(DnssecStatus.SECURE);
      assertThat(server.queryCount("example.test.", Type.DNSKEY)).isEqualTo(1);
      assertThat(server.queryCount("example.test.", Type.DS)).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("DNS-3: a key cache cannot be combined with trusting the upstream's AD bit")
  void dns3_keyCacheWithTrustAdIsRefused() {
    assertThatThrownBy(() -> DaneResolver.builder().servers(server.address()).trustAd().keyCache(file).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("keyCache");
  }

  private List<KeyCacheFile.Entry> loadRaw(Clock clock) {
    KeyCacheFile.Loaded loaded = KeyCacheFile.load(file, clock, digest(), Duration.ofHours(1), warnings::add);
    assertThat(loaded.clean()).isTrue();
    return loaded.entries();
  }

  private byte[] digest() {
    try {
      org.xbill.DNS.dnssec.ValidatingResolver v = new org.xbill.DNS.dnssec.ValidatingResolver(
          new org.xbill.DNS.SimpleResolver(server.address()));
      v.loadTrustAnchors(new java.io.ByteArrayInputStream(world.trustAnchor().getBytes()));
      return KeyCacheFile.anchorsDigest(v.getTrustAnchors().items());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] flip(byte[] bytes, int at) {
    byte[] copy = bytes.clone();
    copy[at] ^= 0x01;
    return copy;
  }
}
