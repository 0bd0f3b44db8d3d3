package org.dane4j.tlsrpt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import org.dane4j.dns.DaneResolver;
import org.dane4j.smtp.DaneMode;
import org.dane4j.smtp.DeliveryPlan;
import org.dane4j.smtp.DeliveryPlanner;
import org.dane4j.smtp.Destination;
import org.dane4j.smtp.MxRoute;
import org.dane4j.testkit.dns.DnsFault;
import org.dane4j.testkit.dns.DnsTestServer;
import org.dane4j.testkit.dns.DnsWorld;
import org.dane4j.testkit.dns.DnsZone;
import org.xbill.DNS.Type;

/**
 * A signed DNS world on loopback: {@code two.example.test} with two DANE MX hosts, {@code opp.insecure.test}
 * without policy, TLSRPT records at {@code _smtp._tls} names, and a SERVFAIL one.
 */
final class Lab implements AutoCloseable {
  static final Instant START = Instant.parse("2026-06-01T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(START, ZoneOffset.UTC);
  static final String TLSA = "3 1 1 " + "ab".repeat(32);

  final DnsWorld world = DnsWorld.create(CLOCK);
  final DnsTestServer server;
  final DaneResolver resolver;

  Lab() {
    this(zone -> {});
  }

  Lab(java.util.function.Consumer<DnsZone> more) {
    world.zone("test.");
    DnsZone example = world.zone("example.test.");
    DnsZone insecure = world.unsignedZone("insecure.test.");
    example.add("two.example.test. 300 IN MX 10 mx1.example.test.", "two.example.test. 300 IN MX 20 mx2.example.test.",
        "mx1.example.test. 300 IN A 127.0.0.1", "mx2.example.test. 300 IN A 127.0.0.3",
        "_25._tcp.mx1.example.test. 300 IN TLSA " + TLSA, "_25._tcp.mx2.example.test. 300 IN TLSA " + TLSA,
        "_smtp._tls.two.example.test. 300 IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@two.example.test,\" "
            + "\"https://reports.example.test/v1\"",
        "_smtp._tls.mx1.example.test. 300 IN TXT \"v=TLSRPTv1;rua=mailto:host@example.test\"",
        "_smtp._tls.two2.example.test. 300 IN TXT \"v=TLSRPTv1;rua=mailto:a@example.test\"",
        "_smtp._tls.two2.example.test. 300 IN TXT \"v=TLSRPTv1;rua=mailto:b@example.test\"",
        "_smtp._tls.spf.example.test. 300 IN TXT \"v=spf1 -all\"",
        "_smtp._tls.bad.example.test. 300 IN TXT \"v=TLSRPTv1; rua=ftp://x.example.test/\"");
    insecure.add("opp.insecure.test. 300 IN MX 10 mx.opp.insecure.test.", "mx.opp.insecure.test. 300 IN A 127.0.0.4");
    more.accept(example);
    world.fault("_smtp._tls.fail.example.test.", Type.TXT, DnsFault.SERVFAIL);
    server = world.start();
    resolver = DaneResolver.builder().servers(server.address()).trustAnchors(world.trustAnchor()).clock(CLOCK)
        .timeout(Duration.ofSeconds(3)).retries(1).build();
  }

  DeliveryPlanner planner() {
    return DeliveryPlanner.builder(resolver).mode(DaneMode.DANE).clock(CLOCK).random(new Random(1)).build();
  }

  MxRoute route(String domain, String mxHost) {
    DeliveryPlan plan = planner().plan(Destination.domain(domain)).join();
    return plan.routes().stream().filter(r -> r.mxHost().equals(mxHost)).findFirst().orElseThrow();
  }

  @Override
  public void close() {
    resolver.close();
    server.close();
  }
}
