package org.dane4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dane4j.netty.NettyLab.ee311;
import static org.dane4j.netty.NettyLab.message;

import io.netty.util.ResourceLeakDetector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.dane4j.smtp.DeliveryReport;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.RecipientResult.Status;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bounded load and the per-host connection limit, loopback only. */
class LoadTest {

  /** Sends to one DANE server (slowed by 10 ms per reply) all at once; all must arrive; then checks the client. */
  private static void sendAtOnce(UnaryOperator<DaneSmtpClient.Builder> limits, List<String> rcpts,
      Consumer<DaneSmtpClient> check) throws Exception {
    try (NettyLab lab = new NettyLab()) {
      MintedCertificate leaf = lab.leaf("mx.example.test");
      SmtpTestServer mx = lab.mx("mx.example.test", 2, leaf, b -> b.replyDelay(Duration.ofMillis(10)));
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      lab.zone().add("other.example.test. 300 IN MX 10 mx.example.test.");
      lab.tlsa("mx.example.test", ee311(leaf));
      try (DaneSmtpClient client = limits.apply(DaneSmtpClient.builder(lab.resolver())
          .ehloName("sender.example.org").mxPort(lab.port()).threads(2)).build()) {
        List<CompletableFuture<DeliveryReport>> sent = new ArrayList<>();
        for (String rcpt : rcpts) {
          sent.add(client.send("alice@example.org", List.of(rcpt), message(rcpt)));
        }
        for (CompletableFuture<DeliveryReport> f : sent) {
          assertThat(f.get(60, TimeUnit.SECONDS).allDelivered()).isTrue();
        }
        check.accept(client);
      }
      assertThat(mx.messages()).hasSize(rcpts.size());
    }
  }

  @Test
  @DisplayName("RFC 5321 §4.5.4.1: at most maxConnectionsPerHost sessions to one server at once")
  void connectionLimitPerHost() throws Exception {
    sendAtOnce(b -> b.maxConnectionsPerHost(2), java.util.Collections.nCopies(8, "bob@example.test"),
        client -> assertThat(client.pool().peak()).isBetween(1, 2));
  }

  @Test
  @DisplayName("Defaults (issue #17): one busy destination gets up to 20 connections at once, as Postfix's "
      + "default_destination_concurrency_limit, not 10; the loop has a thread per processor")
  void defaultsLetOneDestinationUseTwentyConnections() throws Exception {
    assertThat(DaneSmtpClient.DEFAULT_MAX_CONNECTIONS_PER_HOST).isEqualTo(20);
    assertThat(DaneSmtpClient.defaultThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    sendAtOnce(b -> b, java.util.Collections.nCopies(30, "bob@example.test"),
        client -> assertThat(client.pool().peak()).isBetween(11, 20));
  }

  @Test
  @DisplayName("Postfix's destination concurrency: at most maxDeliveriesPerDomain messages in progress to one domain")
  void deliveryLimitPerDomain() throws Exception {
    List<String> rcpts = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      rcpts.addAll(List.of("bob@example.test", "carol@other.example.test"));
    }
    sendAtOnce(b -> b.maxDeliveriesPerDomain(2), rcpts, client -> {
      assertThat(client.domains().peak()).isEqualTo(2);
      assertThat(client.pool().peak()).as("two domains on one server").isBetween(2, 4);
    });
  }

  @Test
  @Timeout(120)
  @DisplayName("Load: 2,000 messages to 20 domains (10% of MX hosts failing DANE), 200 in flight: each ends definitely, 2 loop threads, no leak report at PARANOID")
  void boundedLoad() throws Exception {
    ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(new org.dane4j.netty.LoadTest.Tee(log, err), true));
    try (NettyLab lab = new NettyLab()) {
      int domains = 20;
      for (int d = 0; d < domains; d++) {
        String host = "mx" + d + ".example.test";
        MintedCertificate leaf = lab.leaf(host);
        lab.mx(host, 2 + d, leaf);
        lab.zone().add("d" + d + ".example.test. 300 IN MX 10 " + host + ".");
        lab.tlsa(host, ee311(d % 10 == 0 ? lab.leaf(host) : leaf)); // d0, d10: DANE fails
      }
      io.netty.channel.EventLoopGroup group = EventLoops.nio(2, new io.netty.util.concurrent.DefaultThreadFactory("load-loop"));
      int messages = 2000;
      Semaphore inFlight = new Semaphore(200);
      List<CompletableFuture<DeliveryReport>> sent = new ArrayList<>();
      // a caching resolver, as an MTA runs one; the lab's uncached 1 s one timed out on a machine at load 11
      try (org.dane4j.dns.DaneResolver resolver = org.dane4j.dns.DaneResolver.builder().servers(lab.dns().address())
          .trustAnchors(lab.world().trustAnchor()).timeout(Duration.ofSeconds(5)).retries(1).build();
          DaneSmtpClient client = DaneSmtpClient.builder(resolver).ehloName("sender.example.org")
          .mxPort(lab.port()).eventLoopGroup(group).connectTimeout(Duration.ofSeconds(5)).commandTimeout(Duration.ofSeconds(10))
          .greetingTimeout(Duration.ofSeconds(10)).build()) {
        for (int i = 0; i < messages; i++) {
          String rcpt = "user" + i + "@d" + (i % domains) + ".example.test";
          inFlight.acquire(); // the test thread waits, never an event loop
          CompletableFuture<DeliveryReport> f = client.send("alice@example.org", List.of(rcpt), message(rcpt));
          f.whenComplete((r, e) -> inFlight.release());
          sent.add(f);
        }
        int delivered = 0;
        int deferred = 0;
        for (int i = 0; i < messages; i++) {
          RecipientResult r = sent.get(i).get(60, TimeUnit.SECONDS).results().get(0);
          if ((i % domains) % 10 == 0) {
            assertThat(r.status()).as("%s", r).isEqualTo(Status.DEFERRED);
            deferred++;
          } else {
            assertThat(r.status()).as("%s", r).isEqualTo(Status.DELIVERED);
            delivered++;
          }
        }
        assertThat(delivered + deferred).isEqualTo(messages);
        assertThat(client.pool().reuses()).as("TLS-6: connections reused").isPositive();
        assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("load-loop")))
            .as("event loop threads").hasSizeLessThanOrEqualTo(2);
      } finally {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      }
      for (int d = 0; d < domains; d++) {
        SmtpTestServer s = lab.servers().get(d);
        s.awaitConnectionsClosed(Duration.ofSeconds(10));
        assertThat(s.messages()).hasSize(d % 10 == 0 ? 0 : messages / domains);
        if (d % 10 == 0) { // TLS-6: a failed verification is never reused: one failed handshake per connection
          assertThat(s.handshakesFailed()).isEqualTo(s.connectionCount());
        }
      }
      for (int i = 0; i < 5; i++) { // the detector reports collected, unreleased buffers on later allocations
        System.gc();
        Thread.sleep(50);
        for (int j = 0; j < 200; j++) {
          io.netty.buffer.PooledByteBufAllocator.DEFAULT.buffer(16).release();
          io.netty.buffer.UnpooledByteBufAllocator.DEFAULT.buffer(16).release();
        }
      }
      assertThat(log.toString(java.nio.charset.StandardCharsets.UTF_8)).as("Netty leak reports").doesNotContain("LEAK:");
    } finally {
      System.setErr(err);
      ResourceLeakDetector.setLevel(before);
    }
  }

  /** Copies stderr into a buffer and on to the real stderr. */
  static final class Tee extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    Tee(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
