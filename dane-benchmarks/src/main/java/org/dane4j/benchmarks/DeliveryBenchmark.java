package org.dane4j.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dane4j.dns.DaneResolver;
import org.dane4j.netty.DaneSmtpClient;
import org.dane4j.smtp.DeliveryReport;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.testkit.MailWorld;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole delivery through the Netty client — connect, EHLO, STARTTLS, TLS handshake, EHLO, MAIL, RCPT,
 * DATA, QUIT — to a loopback {@link org.dane4j.testkit.smtp.SmtpTestServer}, with DNS cached: to a DANE
 * domain (the server authenticated by {@code 3 1 1}) beside the baseline, an opportunistic domain (the same
 * TLS session, no TLSA, no authentication). The difference is the cost of DANE once DNS is cached.
 *
 * <p>{@code reuse=false}: every message opens its own connection (connect, handshake and verification each
 * time, the worst case). {@code reuse=true}: the client's TLS-6 connection reuse, so a message normally
 * travels over an idle connection of the same route (RSET, MAIL, RCPT, DATA) and the handshake and DANE
 * verification are paid once per connection.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class DeliveryBenchmark {
  private MailWorld mail;
  private DaneResolver resolver;
  private DaneSmtpClient client;

  /** Whether the client keeps idle connections for the next message (TLS-6). */
  @Param({"false", "true"})
  public boolean reuse;
  private final byte[] message = ("From: a@example.org\r\nTo: b@dane.example.test\r\nSubject: bench\r\n\r\n"
      + "hello\r\n").getBytes(StandardCharsets.US_ASCII);

  /** Two domains on two servers with the same kind of certificate; only one publishes TLSA. */
  @Setup(Level.Trial)
  public void setUp() {
    mail = new MailWorld();
    MintedCertificate daneLeaf = mail.leaf("mx.dane.example.test");
    mail.mx("mx.dane.example.test", 2, daneLeaf);
    mail.mx("mx.opp.example.test", 3, mail.leaf("mx.opp.example.test"));
    mail.zone().add("dane.example.test. 300 IN MX 10 mx.dane.example.test.",
        "opp.example.test. 300 IN MX 10 mx.opp.example.test.");
    mail.tlsa("mx.dane.example.test",
        TlsaRecord.of(daneLeaf.certificate(), CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256).toString());
    resolver = DaneResolver.builder().servers(mail.dns().address()).trustAnchors(mail.world().trustAnchor())
        .maxTtl(Duration.ofHours(1)).build();
    client = DaneSmtpClient.builder(resolver).ehloName("bench.example.org").mxPort(mail.port())
        .idleConnectionTime(reuse ? Duration.ofSeconds(30) : Duration.ZERO).build();
    check(deliver("b@dane.example.test"), TlsVerdict.VERIFIED);
    check(deliver("b@opp.example.test"), TlsVerdict.OPPORTUNISTIC);
  }

  private DeliveryReport deliver(String rcpt) {
    return client.send("a@example.org", List.of(rcpt), message).join();
  }

  private static void check(DeliveryReport report, TlsVerdict verdict) {
    RecipientResult r = report.results().get(0);
    if (r.status() != RecipientResult.Status.DELIVERED || r.deliveredBy().orElseThrow().verdict() != verdict) {
      throw new IllegalStateException("benchmark setup broken: expected " + verdict + ", got " + r);
    }
  }

  /** A delivery authenticated by DANE-EE. */
  @Benchmark
  public DeliveryReport dane() {
    return deliver("b@dane.example.test");
  }

  /** Baseline: the same delivery over opportunistic (unauthenticated) TLS. */
  @Benchmark
  public DeliveryReport opportunistic() {
    return deliver("b@opp.example.test");
  }

  /** Stops everything. */
  @TearDown(Level.Trial)
  public void tearDown() {
    client.close();
    resolver.close();
    mail.close();
  }
}
