package org.dane4j.spring.boot;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.dane4j.dns.DaneResolver;
import org.dane4j.dns.DnssecProbe;

/**
 * The health of the DNSSEC probe (RFC 7672 §2.1, checklist DNS-4), in one place for the Spring Boot 3 and 4
 * indicators: UP when the resolver validates, DOWN when it does not, UNKNOWN when it did not answer or the
 * first probe did not finish within the timeout.
 *
 * @param status UP, DOWN or UNKNOWN (Spring Boot's status codes)
 * @param details state, explanation and servers
 */
record ProbeHealth(String status, Map<String, Object> details) {
  static ProbeHealth of(DaneResolver resolver, Duration timeout) throws InterruptedException {
    Map<String, Object> details = new LinkedHashMap<>();
    DnssecProbe probe;
    try {
      probe = resolver.currentProbe().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      details.put("state", DnssecProbe.State.NOT_PROBED.word());
      details.put("explanation", "the first DNSSEC probe did not finish within dane4j.health.timeout (" + timeout
          + ")");
      return new ProbeHealth("UNKNOWN", details);
    }
    String status = switch (probe.state()) {
      case VALIDATING -> "UP";
      case NOT_VALIDATING -> "DOWN";
      case UNKNOWN, NOT_PROBED -> "UNKNOWN";
    };
    details.put("state", probe.state().word());
    details.put("explanation", probe.explanation());
    details.put("servers", resolver.servers().toString());
    return new ProbeHealth(status, details);
  }
}
