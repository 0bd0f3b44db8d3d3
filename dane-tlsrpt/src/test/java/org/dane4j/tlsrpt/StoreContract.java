package org.dane4j.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.dane4j.smtp.PolicyType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What every {@link TlsReportStore} does; one subclass per implementation. */
abstract class StoreContract {
  static final LocalDate DAY = LocalDate.parse("2026-06-01");
  static final ReportPolicy TLSA = new ReportPolicy(PolicyType.TLSA, "Example.COM.", List.of("3 1 1 abcd"),
      List.of("mx1.example.com"));
  static final ReportPolicy STS = new ReportPolicy(PolicyType.STS, "example.com",
      List.of("version: STSv1", "mode: enforce", "mx: *.example.com", "max_age: 86400"), List.of("*.example.com"));
  static final FailureDetail EXPIRED = FailureDetail.of("certificate-expired", "mx1.example.com", "192.0.2.1");
  static final Instant NOW = Instant.parse("2026-06-02T00:10:00Z");

  TlsReportStore store;

  abstract TlsReportStore open() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    store = open();
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  @Test
  @DisplayName("RPT-STORE: counts are added, never overwritten; read back per day and policy domain")
  void countsAdd() {
    store.add(List.of(new SessionCount(DAY, TLSA, null, 5), new SessionCount(DAY, TLSA, EXPIRED, 2),
        new SessionCount(DAY, STS, null, 1)));
    store.add(List.of(new SessionCount(DAY, TLSA, null, 3), new SessionCount(DAY, TLSA, EXPIRED, 1),
        new SessionCount(DAY.plusDays(1), TLSA, null, 7)));
    DayAggregate day = store.read(DAY, "example.com");
    assertThat(day.policies()).hasSize(2);
    DayAggregate.PolicyCounts tlsa = day.policies().stream().filter(p -> p.policy().equals(TLSA)).findFirst()
        .orElseThrow();
    assertThat(tlsa.successful()).isEqualTo(8);
    assertThat(tlsa.failures()).isEqualTo(Map.of(EXPIRED, 3L));
    DayAggregate.PolicyCounts sts = day.policies().stream().filter(p -> p.policy().equals(STS)).findFirst()
        .orElseThrow();
    assertThat(sts.successful()).isEqualTo(1);
    assertThat(sts.policy().policyStrings()).isEqualTo(STS.policyStrings());
    assertThat(store.days()).containsExactly(DAY, DAY.plusDays(1));
    assertThat(store.policyDomains(DAY)).containsExactly("example.com");
    assertThat(store.read(DAY, "other.example").policies()).isEmpty();
  }

  @Test
  @DisplayName("RPT-STORE: a report is marked sent once; the second marker learns it was already sent")
  void markSentOnce() {
    assertThat(store.sent(DAY, "example.com")).isEmpty();
    assertThat(store.markSent(DAY, "example.com", "id-1", NOW)).isTrue();
    assertThat(store.markSent(DAY, "EXAMPLE.com", "id-2", NOW)).isFalse();
    assertThat(store.sent(DAY, "example.com")).contains("id-1");
  }

  @Test
  @DisplayName("RPT-LEASE: one holder at a time; renewable by its holder; free again when expired or released")
  void leaseIsExclusiveAndExpires() {
    Duration ttl = Duration.ofMinutes(5);
    assertThat(store.tryLease("send", "a", ttl, NOW)).isTrue();
    assertThat(store.tryLease("send", "b", ttl, NOW.plusSeconds(60))).isFalse();
    assertThat(store.tryLease("send", "a", ttl, NOW.plusSeconds(60))).isTrue();
    assertThat(store.tryLease("other", "b", ttl, NOW)).isTrue();
    assertThat(store.tryLease("send", "b", ttl, NOW.plusSeconds(60 + 301))).isTrue(); // a crashed: expired
    store.releaseLease("send", "a"); // not a's any more: no effect
    assertThat(store.tryLease("send", "a", ttl, NOW.plusSeconds(400))).isFalse();
    store.releaseLease("send", "b");
    assertThat(store.tryLease("send", "a", ttl, NOW.plusSeconds(400))).isTrue();
  }

  @Test
  @DisplayName("RPT-STORE: old days are deleted with their sent marks")
  void retention() {
    store.add(List.of(new SessionCount(DAY, TLSA, null, 1), new SessionCount(DAY.plusDays(2), TLSA, null, 1)));
    store.markSent(DAY, "example.com", "id", NOW);
    store.deleteBefore(DAY.plusDays(1));
    assertThat(store.days()).containsExactly(DAY.plusDays(2));
    assertThat(store.sent(DAY, "example.com")).isEmpty();
  }
}
