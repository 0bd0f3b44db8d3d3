package org.dane4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The closing line about a resolver that did not answer: only then, naming every server. */
class ResolverTroubleTest {
  private static final List<InetSocketAddress> TWO = List.of(new InetSocketAddress("192.0.2.1", 53),
      new InetSocketAddress("2001:db8::1", 5353));
  private static final String TIMED_OUT = "MX lookup failed: x. MX is indeterminate (no answer from the upstream:"
      + " IOException: Timed out while trying to resolve x./MX, id=1)";
  private static final String REFUSED = "A lookup failed: x. A is indeterminate (no answer from the upstream:"
      + " PortUnreachableException)";

  @Test
  void otherFailuresAreNotTheResolversFault() {
    assertThat(ResolverTrouble.explain(TWO, Duration.ofSeconds(5), Arrays.asList(null, "TLSA is bogus",
        "SERVFAIL from the upstream"))).isEmpty();
  }

  @Test
  void namesEveryServerAndTheTimeout() {
    assertThat(ResolverTrouble.explain(TWO, Duration.ofSeconds(5), List.of(REFUSED, TIMED_OUT))).hasValue(
        "DNS lookups failed (not \"no records\"): the resolvers 192.0.2.1:53, [2001:db8:0:0:0:0:0:1]:5353 did"
            + " not answer within 5 s (--timeout)");
  }

  @Test
  void refusedQueriesNeedNoTimeout() {
    assertThat(ResolverTrouble.explain(TWO.subList(0, 1), Duration.ofSeconds(5), List.of(REFUSED))).hasValue(
        "DNS lookups failed (not \"no records\"): the resolver 192.0.2.1:53 refused the queries (ICMP port"
            + " unreachable: is a DNS server listening there?)");
  }
}
