package org.dane4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.dane4j.netty.NettyLab.ee311;
import static org.dane4j.netty.NettyLab.message;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.RecipientResult.Status;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.TlsTestServer;
import org.dane4j.testkit.smtp.SmtpFault;
import org.dane4j.tlsa.FailureType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;

/**
 * "Nothing blocks an event loop", proven by a blocking-call detector: BlockHound, with Netty's own integration
 * (loaded by ServiceLoader), records every blocking call made on an event loop thread while the client
 * delivers. Runs only in the {@code blockhound} surefire execution (own JVM, flag
 * {@code -XX:+AllowRedefinitionToAddDeleteMethods}): BlockHound stays installed for the life of the JVM.
 *
 * <p>netty-tcnative is on the test class path, so {@link DaneSmtpClient} handshakes with OpenSSL here;
 * {@code handshakesDoNotBlock} covers the JDK provider through {@link DaneSslHandlers} directly.
 */
class BlockHoundTest {
  private static final String RCPT = "bob@example.test";
  private static final List<String> BLOCKING = new CopyOnWriteArrayList<>();
  private static EventLoopGroup userGroup;

  @BeforeAll
  static void install() {
    assumeThat(Boolean.getBoolean("dane4j.blockhound")).as("runs in the blockhound surefire execution").isTrue();
    BlockHound.builder().loadIntegrations()
        // Netty's integration allows blocking inside SslHandler.handshake/runDelegatedTasks, SSLEngineImpl.wrap/
        // unwrap and OpenSSL's verify callback: the frames our trust managers run in. Detect blocking in them
        // again, or the DANE decision inside the handshake would be invisible to the detector.
        .disallowBlockingCallsInside("org.dane4j.smtp.RouteTrustManager", "checkServerTrusted")
        .disallowBlockingCallsInside("org.dane4j.tlsa.DaneTrustManager", "checkServerTrusted")
        .disallowBlockingCallsInside(SleepyTrustManager.class.getName(), "checkServerTrusted")
        .blockingMethodCallback(m -> {
          BLOCKING.add(m + " on " + Thread.currentThread().getName() + "\n  at " + Arrays.stream(new Throwable()
              .getStackTrace()).map(String::valueOf).collect(Collectors.joining("\n  at ")));
          throw new BlockingOperationError(m); // still fail the call, as BlockHound does by default
        }).install();
    userGroup = EventLoops.nio(1);
  }

  @AfterAll
  static void shutdown() throws InterruptedException {
    if (userGroup != null) {
      userGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @BeforeEach
  void clear() {
    BLOCKING.clear();
  }

  @Test
  @DisplayName("Positive control: Thread.sleep(1) on an event loop is detected in this JVM")
  void detectorDetects() throws Exception {
    Future<?> f = userGroup.next().submit(() -> {
      Thread.sleep(1);
      return null;
    });
    assertThat(f.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(f.cause()).isInstanceOf(BlockingOperationError.class);
    assertThat(BLOCKING).singleElement().asString().contains("java.lang.Thread.sleep");
  }

  @ParameterizedTest
  @ValueSource(strings = {"JDK", "OPENSSL"})
  @DisplayName("Positive control: a trust manager that sleeps inside the handshake is detected, either provider")
  void detectorSeesInsideTheHandshake(String providerName) throws Exception {
    try (TlsTestServer server = TlsTestServer.start(CertificateMinter.certificate().dnsNames("mx.example.test")
        .mint())) {
      DaneSslHandlers.RouteTls tls = DaneSslHandlers.create(null, new SleepyTrustManager(), ByteBufAllocator.DEFAULT,
          "mx.example.test", 25, Duration.ofSeconds(10), SslProvider.valueOf(providerName));
      Channel ch = TlsProbe.connect(userGroup, server.address(), tls.handler(), null);
      assertThat(TlsProbe.handshakeFailure(tls.handler())).as("the blocking call fails the handshake").isNotNull();
      ch.close().sync();
    }
    assertThat(BLOCKING).isNotEmpty().allSatisfy(b -> assertThat(b).contains("java.lang.Thread.sleep")
        .contains("SleepyTrustManager.checkServerTrusted"));
  }

  private enum Scenario { DANE_EE, REUSED, MISMATCH, OPPORTUNISTIC, NO_STARTTLS, NO_GREETING, PIPELINED_220,
    STALLED_HANDSHAKE }

  private static RecipientResult deliver(Scenario s, boolean ownGroup) throws Exception {
    try (NettyLab lab = new NettyLab()) {
      MintedCertificate leaf = lab.leaf("mx.example.test");
      SmtpFault fault = switch (s) {
        case NO_STARTTLS -> SmtpFault.NO_STARTTLS;
        case NO_GREETING -> SmtpFault.NO_GREETING;
        case PIPELINED_220 -> SmtpFault.PIPELINED_STARTTLS_REPLY;
        case STALLED_HANDSHAKE -> SmtpFault.STALL_HANDSHAKE;
        default -> null;
      };
      lab.mx("mx.example.test", 2, leaf, b -> fault == null ? b : b.fault(fault));
      lab.zone().add("example.test. 300 IN MX 10 mx.example.test.");
      if (s != Scenario.OPPORTUNISTIC) {
        lab.tlsa("mx.example.test", ee311(s == Scenario.MISMATCH ? lab.leaf("mx.example.test") : leaf));
      }
      DaneSmtpClient.Builder b = DaneSmtpClient.builder(lab.resolver()).ehloName("sender.example.org")
          .mxPort(lab.port()).greetingTimeout(Duration.ofMillis(s == Scenario.NO_GREETING ? 300 : 5000))
          .startTlsTimeout(Duration.ofMillis(s == Scenario.STALLED_HANDSHAKE ? 300 : 5000));
      if (!ownGroup) {
        b.eventLoopGroup(userGroup);
      }
      try (DaneSmtpClient client = b.build()) {
        RecipientResult r = null;
        for (int i = 0; i < (s == Scenario.REUSED ? 3 : 1); i++) { // REUSED: pool, RSET and reuse (TLS-6) too
          r = client.send("alice@example.org", List.of(RCPT), message(RCPT)).get(30, TimeUnit.SECONDS).of(RCPT);
        }
        return r;
      }
    }
  }

  @ParameterizedTest(name = "{0}, user group then own group")
  @EnumSource(Scenario.class)
  @DisplayName("TLS-1 / TLS-2 / TLS-3 / TLS-7 / OUT-1: every delivery ends as expected and no event loop call blocks")
  void noBlockingCalls(Scenario s) throws Exception {
    for (boolean ownGroup : new boolean[] {false, true}) {
      BLOCKING.clear();
      RecipientResult r = deliver(s, ownGroup);
      assertThat(BLOCKING).as("blocking calls on an event loop (own group: %s)", ownGroup).isEmpty();
      switch (s) {
        case DANE_EE -> assertThat(r.deliveredBy()).as("%s", r)
            .hasValueSatisfying(a -> assertThat(a.verdict()).isEqualTo(TlsVerdict.VERIFIED));
        case REUSED -> assertThat(r.deliveredBy()).as("%s", r).hasValueSatisfying(a -> assertThat(a.detail())
            .contains("connection reused (message 3 on it)"));
        case OPPORTUNISTIC -> assertThat(r.deliveredBy()).as("%s", r)
            .hasValueSatisfying(a -> assertThat(a.verdict()).isEqualTo(TlsVerdict.OPPORTUNISTIC));
        case MISMATCH -> assertThat(r.failureType()).as("%s", r).isEqualTo(FailureType.CERTIFICATE_NOT_TRUSTED);
        case NO_STARTTLS -> assertThat(r.failureType()).as("%s", r).isEqualTo(FailureType.STARTTLS_NOT_SUPPORTED);
        case NO_GREETING -> assertThat(r.reason()).as("%s", r).contains("greeting");
        case PIPELINED_220 -> assertThat(r.reason()).as("%s", r).contains("received before STARTTLS was sent");
        case STALLED_HANDSHAKE -> assertThat(r.reason()).as("%s", r).contains("startTlsTimeout");
        default -> throw new AssertionError(s);
      }
      boolean delivered = s == Scenario.DANE_EE || s == Scenario.REUSED || s == Scenario.OPPORTUNISTIC;
      assertThat(r.status()).as("%s", r).isEqualTo(delivered ? Status.DELIVERED : Status.DEFERRED);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"JDK", "OPENSSL"})
  @DisplayName("TLS-2: DaneSslHandlers' handlers, built on the loop, match and mismatch, block no event loop, "
      + "either provider")
  void handshakesDoNotBlock(String providerName) throws Exception {
    SslProvider provider = SslProvider.valueOf(providerName);
    assertThat(DaneSslHandlers.DEFAULT_HANDSHAKE_TIMEOUT).isNotNull(); // class initialised here, as by a client builder
    try (NettyLab lab = new NettyLab()) {
      MintedCertificate leaf = lab.leaf("mx.example.test");
      lab.zone().add("good.example.test. 300 IN A 127.0.0.2");
      lab.zone().add("bad.example.test. 300 IN A 127.0.0.3");
      lab.zone().add("_25._tcp.good.example.test. 300 IN TLSA " + ee311(leaf));
      lab.zone().add("_25._tcp.bad.example.test. 300 IN TLSA " + ee311(lab.leaf("bad.example.test")));
      for (String host : new String[] {"good.example.test", "bad.example.test"}) {
        MxRoute route = TlsProbe.relayRoute(lab, host, 25);
        try (TlsTestServer server = TlsTestServer.start(leaf)) {
          // Not a timing assertion: NativePRNG re-reads /dev/urandom when its buffer is over 100 ms old, so
          // this pause makes a regression (an SslContext seeding itself on the loop) show every time.
          Thread.sleep(150);
          // Built on the event loop, as StartTlsUpgrade does when the 220 to STARTTLS arrives.
          DaneSslHandlers.RouteTls tls = userGroup.next().submit(() -> DaneSslHandlers.forRoute(route,
              ByteBufAllocator.DEFAULT, 25, Duration.ofSeconds(10), provider)).get(10, TimeUnit.SECONDS);
          Channel ch = TlsProbe.connect(userGroup, server.address(), tls.handler(), null);
          Throwable failure = TlsProbe.handshakeFailure(tls.handler());
          assertThat(BLOCKING).as("blocking calls on an event loop").isEmpty();
          assertThat(failure == null).as("%s: %s", host, failure).isEqualTo(host.startsWith("good"));
          ch.close().sync();
        }
      }
    }
    assertThat(BLOCKING).isEmpty();
  }
}
