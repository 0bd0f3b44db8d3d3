package org.dane4j.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.dane4j.testkit.dns.DnsFault;
import org.dane4j.testkit.sts.StsFault;
import org.dane4j.testkit.sts.StsPolicyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/** The policy cache and its refresh rules (RFC 8461 §5.1; checklist STS-3). */
class MtaStsCacheTest {
  private static final String TESTING = StsPolicyServer.policyText("testing", 86400, "mx.example.test");
  private static final String NONE = "version: STSv1\nmode: none\nmax_age: 86400\n";

  private final StsLab lab = new StsLab();

  @AfterEach
  void close() {
    lab.close();
  }

  @Test
  @DisplayName("STS-3: the same TXT id uses the cached policy without a fetch")
  void sts3_sameIdUsesCache() {
    assertThat(lab.lookup("example.test").fromCache()).isFalse();
    StsLookup again = lab.lookup("example.test");
    assertThat(again.status()).isEqualTo(StsLookup.Status.POLICY);
    assertThat(again.fromCache()).isTrue();
    assertThat(again.reason()).isEmpty();
    assertThat(lab.https.requests()).hasSize(1);
  }

  @Test
  @DisplayName("STS-3: a new TXT id triggers a refresh, and the new policy replaces the old")
  void sts3_newIdRefreshes() {
    lab.lookup("example.test");
    lab.https.policy(StsPolicyServer.policyText("enforce", 600, "mx2.example.test")).publish(lab.example, "v2");
    StsLookup found = lab.lookup("example.test");
    assertThat(found.fromCache()).isFalse();
    assertThat(found.entry().orElseThrow().id()).isEqualTo("v2");
    assertThat(found.policy().orElseThrow().mxPatterns()).containsExactly("mx2.example.test");
    assertThat(lab.https.requests()).hasSize(2);
    assertThat(lab.warnings).isEmpty();
  }

  @Test
  @DisplayName("STS-3: an expired policy is fetched again even when the id has not changed")
  void sts3_expiredPolicyRefetched() {
    lab.lookup("example.test");
    lab.clock.advance(Duration.ofDays(1));
    StsLookup found = lab.lookup("example.test");
    assertThat(found.fromCache()).isFalse();
    assertThat(found.validUntil()).contains(StsLab.START.plus(Duration.ofDays(2)));
    assertThat(lab.https.requests()).hasSize(2);
  }

  @Test
  @DisplayName("STS-3: a failed refresh never erases an unexpired policy: it goes on applying, with the reason")
  void sts3_failedRefreshKeepsPolicy() {
    StsPolicyCache cache = StsPolicyCache.inMemory();
    lab.sts(b -> b.cache(cache));
    lab.lookup("example.test");
    lab.https.fault(StsFault.NOT_FOUND).publish(lab.example, "v2");
    StsLookup found = lab.lookup("example.test");
    assertThat(found.status()).isEqualTo(StsLookup.Status.POLICY);
    assertThat(found.enforce()).isTrue();
    assertThat(found.fromCache()).isTrue();
    assertThat(found.entry().orElseThrow().id()).isEqualTo("v1");
    assertThat(found.failure()).contains(StsFailure.POLICY_FETCH_ERROR);
    assertThat(found.reason().orElseThrow()).contains("refresh to id v2 failed", "HTTP 404", "cached policy applies");
    assertThat(cache.get("example.test").orElseThrow().id()).isEqualTo("v1");
  }

  @Test
  @DisplayName("STS-3: a failed TXT lookup, or a TXT record gone, applies the unexpired cached policy (RFC 8461 §5.1)")
  void sts3_dnsTroubleKeepsPolicy() {
    lab.lookup("example.test");
    lab.world.fault("_mta-sts.example.test.", Type.TXT, DnsFault.SERVFAIL);
    StsLookup servfail = lab.lookup("example.test");
    assertThat(servfail.status()).isEqualTo(StsLookup.Status.POLICY);
    assertThat(servfail.reason().orElseThrow()).contains("TXT lookup of _mta-sts.example.test failed");
    lab.world.clearFaults();
    lab.example.remove("_mta-sts.example.test.", Type.TXT);
    StsLookup gone = lab.lookup("example.test");
    assertThat(gone.status()).isEqualTo(StsLookup.Status.POLICY);
    assertThat(gone.enforce()).isTrue();
    assertThat(gone.reason().orElseThrow()).contains("cached policy applies");
    assertThat(lab.warnings).isEmpty();
  }

  @Test
  @DisplayName("STS-3: mode none replaces an enforce policy at once, and the downgrade is logged once")
  void sts3_modeNoneReplacesAtOnce() {
    lab.lookup("example.test");
    lab.https.policy(NONE).publish(lab.example, "v2");
    StsLookup found = lab.lookup("example.test");
    assertThat(found.status()).isEqualTo(StsLookup.Status.POLICY);
    assertThat(found.policy().orElseThrow().mode()).isEqualTo(StsMode.NONE);
    assertThat(found.enforce()).isFalse();
    assertThat(lab.lookup("example.test").policy().orElseThrow().mode()).isEqualTo(StsMode.NONE);
    assertThat(lab.warnings).containsExactly(
        "MTA-STS policy of example.test downgraded from enforce to none (id v1 -> v2)");
  }

  @Test
  @DisplayName("STS-3: enforce -> testing is a downgrade, logged once; testing -> enforce is not")
  void sts3_downgradeToTestingLoggedOnce() {
    lab.lookup("example.test");
    lab.https.policy(TESTING).publish(lab.example, "v2");
    lab.lookup("example.test");
    lab.https.publish(lab.example, "v3");
    lab.lookup("example.test");
    lab.https.policy(StsLab.ENFORCE).publish(lab.example, "v4");
    assertThat(lab.lookup("example.test").enforce()).isTrue();
    assertThat(lab.warnings).containsExactly(
        "MTA-STS policy of example.test downgraded from enforce to testing (id v1 -> v2)");
  }

  @Test
  @DisplayName("STS-3: an expired enforce policy with nothing to replace it is lost: no policy, logged once")
  void sts3_lostPolicyLoggedOnce() {
    lab.lookup("example.test");
    lab.clock.advance(Duration.ofDays(2));
    lab.example.remove("_mta-sts.example.test.", Type.TXT);
    StsLookup found = lab.lookup("example.test");
    assertThat(found.status()).isEqualTo(StsLookup.Status.NO_POLICY);
    lab.lookup("example.test");
    assertThat(lab.warnings).hasSize(1);
    assertThat(lab.warnings.get(0)).startsWith("MTA-STS policy of example.test lost: the enforce policy (id v1)");
  }

  @Test
  @DisplayName("STS-3: after a failed fetch the same id is not fetched again until the backoff passes")
  void sts3_failureBackoff() {
    lab.https.fault(StsFault.NOT_FOUND);
    assertThat(lab.lookup("example.test").status()).isEqualTo(StsLookup.Status.NO_POLICY);
    StsLookup again = lab.lookup("example.test");
    assertThat(again.status()).isEqualTo(StsLookup.Status.NO_POLICY);
    assertThat(again.reason().orElseThrow()).contains("HTTP 404", "failureBackoff");
    assertThat(lab.https.requests()).hasSize(1);
    lab.https.fault(null);
    lab.clock.advance(MtaSts.DEFAULT_FAILURE_BACKOFF);
    assertThat(lab.lookup("example.test").status()).isEqualTo(StsLookup.Status.POLICY);
    assertThat(lab.https.requests()).hasSize(2);
  }

  @Test
  @DisplayName("STS-3: the file cache survives a restart: the policy applies without a fetch, its text byte for byte")
  void sts3_fileCacheSurvivesRestart(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sts").resolve("mta-sts.cache");
    String crlf = StsLab.ENFORCE.replace("\n", "\r\n") + "x-ext: \u00e9t\u00e9\r\n".replace("\u00e9", "e");
    lab.https.policy(crlf);
    lab.sts(b -> b.cache(StsPolicyCache.file(file)));
    lab.lookup("example.test");
    assertThat(Files.readAllLines(file, StandardCharsets.UTF_8).get(0)).isEqualTo(FileStsPolicyCache.HEADER);
    try (var listing = Files.list(file.getParent())) {
      assertThat(listing).containsExactly(file);   // no temporary file left behind
    }

    lab.https.fault(StsFault.NOT_FOUND);
    lab.sts(b -> b.cache(StsPolicyCache.file(file)));   // a new instance, as after a restart
    StsLookup found = lab.lookup("example.test");
    assertThat(found.status()).isEqualTo(StsLookup.Status.POLICY);
    assertThat(found.fromCache()).isTrue();
    assertThat(found.policy().orElseThrow().text()).isEqualTo(crlf);
    assertThat(found.entry().orElseThrow().fetchedAt()).isEqualTo(StsLab.START);
    assertThat(lab.https.requests()).hasSize(1);
  }

  @Test
  @DisplayName("STS-3: the file cache skips unreadable lines and keeps the latest fetch per domain")
  void sts3_fileCacheFormat(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c");
    StsPolicy policy = StsPolicy.parse(StsLab.ENFORCE);
    StsPolicyCache cache = StsPolicyCache.file(file);
    Instant t = Instant.parse("2026-06-01T00:00:00Z");
    cache.put(new CachedStsPolicy("a.test", "new", policy, t));
    cache.put(new CachedStsPolicy("a.test", "old", policy, t.minusSeconds(1)));   // an older fetch loses
    cache.put(new CachedStsPolicy("b.test", "b1", policy, t));
    cache.remove("b.test");
    Files.writeString(file, Files.readString(file) + "garbage line\nc.test id 2026-06-01T00:00:00Z !!!\n");
    StsPolicyCache reopened = StsPolicyCache.file(file);
    assertThat(reopened.get("a.test").orElseThrow().id()).isEqualTo("new");
    assertThat(reopened.get("b.test")).isEmpty();
    assertThat(reopened.get("c.test")).isEmpty();
  }

  @Test
  @DisplayName("STS-3: a policy is valid until its fetch time plus the capped max_age")
  void sts3_validity() {
    CachedStsPolicy entry = new CachedStsPolicy("a.test", "1",
        StsPolicy.parse(StsLab.ENFORCE.replace("86400", "99999999999".substring(0, 10))), StsLab.START);
    assertThat(entry.validUntil()).isEqualTo(StsLab.START.plusSeconds(StsPolicy.MAX_AGE_CAP));
    assertThat(entry.validAt(entry.validUntil().minusSeconds(1))).isTrue();
    assertThat(entry.validAt(entry.validUntil())).isFalse();
  }
}
