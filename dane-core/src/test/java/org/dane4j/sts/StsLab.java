package org.dane4j.sts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.dane4j.dns.DaneResolver;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.dns.DnsTestServer;
import org.dane4j.testkit.dns.DnsWorld;
import org.dane4j.testkit.dns.DnsZone;
import org.dane4j.testkit.sts.StsPolicyServer;

/**
 * A signed DNS world on loopback ({@code test.}, {@code example.test.} signed, {@code insecure.test.} not), a
 * private CA, an MTA-STS policy host for {@code example.test} on 127.0.0.5 publishing TXT id {@code v1}, and an
 * {@link MtaSts} over them with a clock the test moves.
 */
final class StsLab implements AutoCloseable {
  static final Instant START = Instant.parse("2026-06-01T12:00:00Z");
  static final String ENFORCE = StsPolicyServer.policyText("enforce", 86400, "mx.example.test", "*.mail.example.test");

  final DnsWorld world = DnsWorld.create(Clock.fixed(START, ZoneOffset.UTC));
  final DnsZone example = world.zone("example.test.");
  final DnsZone insecure = world.unsignedZone("insecure.test.");
  final MintedCertificate ca = CertificateMinter.certificate().commonName("STS lab CA").ca().mint();
  final MutableClock clock = new MutableClock(START);
  final List<String> warnings = new CopyOnWriteArrayList<>();
  final StsPolicyServer https;
  private final DnsTestServer dns;
  private final DaneResolver resolver;
  private MtaSts sts;

  StsLab() {
    world.zone("test.");
    https = StsPolicyServer.builder("example.test").issuer(ca).address("127.0.0.5").policy(ENFORCE).start();
    https.publish(example, "v1");
    dns = world.start();
    resolver = DaneResolver.builder().servers(dns.address()).trustAnchors(world.trustAnchor())
        .clock(Clock.fixed(START, ZoneOffset.UTC)).timeout(Duration.ofMillis(500)).retries(0).cacheSize(0).build();
  }

  MtaSts.Builder builder() {
    return MtaSts.builder(resolver).clock(clock).policyPort(https.port()).extraTrustAnchors(List.of(ca.certificate()))
        .fetchTimeout(Duration.ofSeconds(5)).downgradeLog(warnings::add);
  }

  MtaSts sts() {
    return sts(b -> b);
  }

  MtaSts sts(UnaryOperator<MtaSts.Builder> settings) {
    if (sts != null) {
      sts.close();
    }
    sts = settings.apply(builder()).build();
    return sts;
  }

  StsLookup lookup(String domain) {
    return (sts == null ? sts() : sts).policy(domain).orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
  }

  DaneResolver resolver() {
    return resolver;
  }

  @Override
  public void close() {
    if (sts != null) {
      sts.close();
    }
    resolver.close();
    dns.close();
    https.close();
  }

  /** A clock the test sets. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
