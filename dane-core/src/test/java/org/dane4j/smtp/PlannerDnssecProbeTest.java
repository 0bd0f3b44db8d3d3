package org.dane4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.dane4j.dns.DaneResolver;
import org.dane4j.dns.DnssecProbe;
import org.dane4j.tlsa.FailureType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The planner under the resolver's DNSSEC probe (DNS-4): {@code dane-only} refuses over a resolver that does not
 * validate, with a reason that says so; mode {@code dane} still plans but every plan carries the probe's state.
 */
class PlannerDnssecProbeTest {
  /** A trust-AD resolver over the lab's DNS server, which never sets AD: a resolver that does not validate. */
  private static DaneResolver nonValidating(Lab lab) {
    return DaneResolver.builder().servers(lab.server().address()).trustAd().clock(Lab.CLOCK)
        .timeout(Duration.ofMillis(500)).retries(0).cacheSize(0).build();
  }

  private static DeliveryPlan plan(DaneResolver resolver, DaneMode mode, String nextHop) {
    return DeliveryPlanner.builder(resolver).mode(mode).clock(Lab.CLOCK).random(new Random(1)).build()
        .plan(nextHop).join();
  }

  @Test
  @DisplayName("DNS-4: dane-only over a trust-AD resolver that does not validate defers, saying why")
  void dns4_daneOnlyDefersOverNonValidatingResolver() {
    try (Lab lab = new Lab().secureDomain(); DaneResolver resolver = nonValidating(lab)) {
      for (String nextHop : java.util.List.of("example.test", "[mx.example.test]:587")) {
        DeliveryPlan plan = plan(resolver, DaneMode.DANE_ONLY, nextHop);
        assertThat(plan.dnssec().state()).isEqualTo(DnssecProbe.State.NOT_VALIDATING);
        DeliveryPlan.Failure failure = plan.failure().orElseThrow();
        assertThat(failure.transientFailure()).isTrue();
        assertThat(failure.type()).isEqualTo(FailureType.DNSSEC_INVALID);
        assertThat(failure.reason()).contains("mode dane-only", "does not validate DNSSEC",
            lab.server().address().getPort() + "");
        assertThat(plan.usableRoutes()).isEmpty();
        assertThat(plan.routes()).isNotEmpty().allSatisfy(r -> {
          assertThat(r.requirement()).isEqualTo(TlsRequirement.UNUSABLE);
          assertThat(r.reason()).contains("does not validate DNSSEC");
        });
      }
    }
  }

  @Test
  @DisplayName("DNS-4: mode dane over a resolver that does not validate still plans, and the plan says so")
  void dns4_daneModePlansButCarriesTheState() {
    try (Lab lab = new Lab().secureDomain(); DaneResolver resolver = nonValidating(lab)) {
      DeliveryPlan plan = plan(resolver, DaneMode.DANE, "example.test");
      assertThat(plan.failure()).isEmpty();
      assertThat(plan.usableRoutes()).singleElement()
          .satisfies(r -> assertThat(r.requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC));
      assertThat(plan.dnssec().state()).isEqualTo(DnssecProbe.State.NOT_VALIDATING);
      assertThat(plan.dnssec().explanation()).contains("does not validate DNSSEC");
      assertThat(plan.toString()).contains("DNSSEC not-validating");
    }
  }

  @Test
  @DisplayName("DNS-4: over a validating resolver, dane-only delivers with DANE and the plan says validating")
  void dns4_validatingResolverPlansAsBefore() {
    try (Lab lab = new Lab().secureDomain()) {
      DeliveryPlan plan = lab.plan("example.test", DaneMode.DANE_ONLY);
      assertThat(plan.failure()).isEmpty();
      assertThat(plan.dnssec().state()).isEqualTo(DnssecProbe.State.VALIDATING);
      assertThat(plan.usableRoutes()).singleElement()
          .satisfies(r -> assertThat(r.requirement()).isEqualTo(TlsRequirement.DANE));
    }
  }
}
