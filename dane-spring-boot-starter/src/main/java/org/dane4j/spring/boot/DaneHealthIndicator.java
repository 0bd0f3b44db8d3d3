package org.dane4j.spring.boot;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.dane4j.dns.DaneResolver;
import org.dane4j.dns.DnssecProbe;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Health "dane4j" (Spring Boot 3.x actuator): whether the shared resolver validates DNSSEC, from its DNSSEC
 * probe (RFC 7672 §2.1, checklist DNS-4). UP when it validates; DOWN when it does not (DANE cannot be
 * enforced: mode dane delivers with opportunistic TLS only, dane-only refuses); UNKNOWN when the resolver did
 * not answer the probe or the first probe has not finished within {@code dane4j.health.timeout}. A check reads
 * the resolver's current probe, which is repeated every {@code dane4j.resolver.probe-interval}: checks cost no
 * DNS query of their own.
 */
public class DaneHealthIndicator extends AbstractHealthIndicator {
  private final DaneResolver resolver;
  private final Duration timeout;

  /** Checks {@code resolver}, waiting at most {@code timeout} for its first probe. */
  public DaneHealthIndicator(DaneResolver resolver, Duration timeout) {
    super("DNSSEC probe failed");
    this.resolver = resolver;
    this.timeout = timeout;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) throws Exception {
    DnssecProbe probe;
    try {
      probe = resolver.currentProbe().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      builder.unknown().withDetail("state", DnssecProbe.State.NOT_PROBED.word())
          .withDetail("explanation", "the first DNSSEC probe did not finish within dane4j.health.timeout ("
              + timeout + ")");
      return;
    }
    switch (probe.state()) {
      case VALIDATING -> builder.up();
      case NOT_VALIDATING -> builder.down();
      case UNKNOWN, NOT_PROBED -> builder.unknown();
    }
    builder.withDetail("state", probe.state().word()).withDetail("explanation", probe.explanation())
        .withDetail("servers", resolver.servers().toString());
  }
}
