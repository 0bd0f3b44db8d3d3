package org.dane4j.spring.boot;

import java.time.Duration;
import org.dane4j.dns.DaneResolver;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health "dane4j" on Spring Boot 4 (spring-boot-health): the same as {@link DaneHealthIndicator} on 3.x, whose
 * description says what UP, DOWN and UNKNOWN mean (RFC 7672 §2.1, checklist DNS-4).
 */
public class DaneHealthIndicatorBoot4 extends AbstractHealthIndicator {
  private final DaneResolver resolver;
  private final Duration timeout;

  /** Checks {@code resolver}, waiting at most {@code timeout} for its first probe. */
  public DaneHealthIndicatorBoot4(DaneResolver resolver, Duration timeout) {
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
