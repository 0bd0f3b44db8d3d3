package org.dane4j.smtp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import org.dane4j.dns.DaneResolver;
import org.dane4j.testkit.dns.DnsTestServer;
import org.dane4j.testkit.dns.DnsWorld;
import org.dane4j.testkit.dns.DnsZone;

/**
 * A signed DNS world on loopback with a resolver validating from its private root, and a planner over it.
 * Zones: {@code test.} and {@code example.test.} signed, {@code insecure.test.} unsigned.
 */
final class Lab implements AutoCloseable {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);
  static final String USABLE = "3 1 1 " + "ab".repeat(32);
  static final String USABLE_TA = "2 1 1 " + "cd".repeat(32);
  static final String UNUSABLE = "0 1 1 " + "ef".repeat(32);

  final DnsWorld world = DnsWorld.create(CLOCK);
  final DnsZone example = world.zone("example.test.");
  final DnsZone insecure = world.unsignedZone("insecure.test.");
  private DnsTestServer server;
  private DaneResolver resolver;

  Lab() {
    world.zone("test.");
  }

  /** Adds the usual secure domain: example.test MX 10 mx.example.test, A 127.0.0.1, TLSA 3 1 1. */
  Lab secureDomain() {
    example.add("example.test. 300 IN MX 10 mx.example.test.",
        "mx.example.test. 300 IN A 127.0.0.1",
        "_25._tcp.mx.example.test. 300 IN TLSA " + USABLE);
    return this;
  }

  DnsTestServer server() {
    if (server == null) {
      server = world.start();
    }
    return server;
  }

  DaneResolver resolver() {
    if (resolver == null) {
      resolver = DaneResolver.builder().servers(server().address()).trustAnchors(world.trustAnchor())
          .clock(CLOCK).timeout(Duration.ofMillis(500)).retries(0).cacheSize(0).build();
    }
    return resolver;
  }

  DeliveryPlanner planner(DaneMode mode) {
    return DeliveryPlanner.builder(resolver()).mode(mode).clock(CLOCK).random(new Random(1)).build();
  }

  DeliveryPlan plan(String nextHop) {
    return planner(DaneMode.DANE).plan(nextHop).join();
  }

  DeliveryPlan plan(String nextHop, DaneMode mode) {
    return planner(mode).plan(nextHop).join();
  }

  @Override
  public void close() {
    if (resolver != null) {
      resolver.close();
    }
    if (server != null) {
      server.close();
    }
  }
}
