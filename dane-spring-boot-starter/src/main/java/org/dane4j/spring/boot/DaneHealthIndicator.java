package org.dane4j.spring.boot;

import java.time.Duration;
import org.dane4j.dns.DaneResolver;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * Health "dane4j" on Spring Boot 3.x: whether the shared resolver validates DNSSEC, from its DNSSEC probe
 * (RFC 7672 §2.1, checklist DNS-4). UP when it validates; DOWN when it does not (DANE cannot be enforced: mode
 * dane delivers with opportunistic TLS only, dane-only refuses); UNKNOWN when the resolver did not answer the
 * probe or the first probe has not finished within {@code dane4j.health.timeout}. A check reads the resolver's
 * current probe, repeated every {@code dane4j.resolver.probe-interval}: checks cost no DNS query of their own.
 * On Spring Boot 4 the same is {@link DaneHealthIndicatorBoot4}.
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
    ProbeHealth h = ProbeHealth.of(resolver, timeout);
    builder.status(new Status(h.status())).withDetails(h.details());
  }
}
