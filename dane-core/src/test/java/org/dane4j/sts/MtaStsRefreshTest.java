package org.dane4j.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.dane4j.testkit.sts.StsFault;
import org.dane4j.testkit.sts.StsPolicyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Proactive refresh of cached policies before they expire (RFC 8461 §5.1; checklist STS-3). The lab's policy
 * has {@code max_age} one day, so the lead is capped at 12 h and the jitter at 6 h: it is due between 6 h and
 * 12 h after its fetch.
 */
class MtaStsRefreshTest {
  private final StsLab lab = new StsLab();

  @AfterEach
  void close() {
    lab.close();
  }

  private MtaSts sts() {
    return lab.sts(b -> b.refreshCheckInterval(Duration.ZERO));
  }

  private int refreshDue(MtaSts sts) {
    return sts.refreshDue().orTimeout(30, TimeUnit.SECONDS).join();
  }

  @Test
  @DisplayName("STS-3: a cached policy is fetched again before it expires, same id, which extends its validity")
  void sts3_proactiveRefreshBeforeExpiry() {
    MtaSts sts = sts();
    lab.lookup("example.test");
    lab.clock.advance(Duration.ofHours(1));
    assertThat(refreshDue(sts)).as("not due an hour after the fetch").isZero();
    assertThat(lab.https.requests()).hasSize(1);

    lab.https.policy(StsPolicyServer.policyText("enforce", 86400, "mx.example.test", "mx3.example.test"));
    lab.clock.advance(Duration.ofHours(12));
    assertThat(refreshDue(sts)).isEqualTo(1);
    assertThat(lab.https.requests()).hasSize(2);

    StsLookup found = lab.lookup("example.test");
    assertThat(found.fromCache()).isTrue();
    assertThat(found.entry().orElseThrow().fetchedAt()).isEqualTo(StsLab.START.plus(Duration.ofHours(13)));
    assertThat(found.policy().orElseThrow().mxPatterns()).contains("mx3.example.test");
    assertThat(lab.https.requests()).as("the lookup after the refresh fetches nothing").hasSize(2);
    assertThat(lab.warnings).isEmpty();
  }

  @Test
  @DisplayName("STS-3: a failed proactive refresh keeps the unexpired policy applying, unchanged")
  void sts3_failedProactiveRefreshKeepsPolicy() {
    MtaSts sts = sts();
    lab.lookup("example.test");
    lab.https.fault(StsFault.NOT_FOUND);
    lab.clock.advance(Duration.ofHours(13));
    assertThat(refreshDue(sts)).isEqualTo(1);
    assertThat(lab.https.requests()).hasSize(2);

    StsLookup found = lab.lookup("example.test");
    assertThat(found.status()).isEqualTo(StsLookup.Status.POLICY);
    assertThat(found.enforce()).isTrue();
    assertThat(found.entry().orElseThrow().fetchedAt()).isEqualTo(StsLab.START);
    assertThat(found.validUntil()).contains(StsLab.START.plus(Duration.ofDays(1)));
    assertThat(lab.warnings).isEmpty();
  }

  @Test
  @DisplayName("STS-3: a proactive refresh that finds mode none replaces enforce at once and warns of the downgrade")
  void sts3_proactiveRefreshDowngradeWarns() {
    MtaSts sts = sts();
    lab.lookup("example.test");
    lab.https.policy("version: STSv1\nmode: none\nmax_age: 86400\n");
    lab.clock.advance(Duration.ofHours(13));
    refreshDue(sts);
    assertThat(lab.lookup("example.test").policy().orElseThrow().mode()).isEqualTo(StsMode.NONE);
    assertThat(lab.warnings).containsExactly(
        "MTA-STS policy of example.test downgraded from enforce to none (id v1 -> v1)");
  }

  @Test
  @DisplayName("STS-3: a changed TXT id found by a proactive refresh fetches the new policy")
  void sts3_proactiveRefreshFollowsNewId() {
    MtaSts sts = sts();
    lab.lookup("example.test");
    lab.https.policy(StsPolicyServer.policyText("enforce", 86400, "mx9.example.test")).publish(lab.example, "v2");
    lab.clock.advance(Duration.ofHours(13));
    refreshDue(sts);
    assertThat(lab.lookup("example.test").entry().orElseThrow().id()).isEqualTo("v2");
    assertThat(lab.https.requests()).hasSize(2);
  }

  @Test
  @DisplayName("STS-3: due times spread over half the lead, fixed per domain, never before half of max_age")
  void sts3_refreshDueTimesSpread() {
    StsPolicy policy = StsPolicy.parse(StsLab.ENFORCE);
    Instant fetched = StsLab.START;
    Set<Instant> distinct = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      CachedStsPolicy entry = new CachedStsPolicy("d" + i + ".example", "id1", policy, fetched);
      Instant due = MtaSts.refreshDueAt(entry, Duration.ofDays(1));
      assertThat(due).isBetween(fetched.plus(Duration.ofHours(6)), fetched.plus(Duration.ofHours(12)));
      assertThat(MtaSts.refreshDueAt(entry, Duration.ofDays(1))).isEqualTo(due);
      distinct.add(due);
    }
    assertThat(distinct).as("spread, not all at one instant").hasSizeGreaterThan(150);
    CachedStsPolicy week = new CachedStsPolicy("a.example", "x",
        StsPolicy.parse(StsPolicyServer.policyText("enforce", 604800, "mx.a.example")), fetched);
    assertThat(MtaSts.refreshDueAt(week, Duration.ofHours(2)))
        .isBetween(week.validUntil().minus(Duration.ofHours(3)), week.validUntil().minus(Duration.ofHours(2)));
  }
}
