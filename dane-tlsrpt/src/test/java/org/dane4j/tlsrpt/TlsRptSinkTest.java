package org.dane4j.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.dane4j.delivery.DeliveryEngine;
import org.dane4j.delivery.SendInfo;
import org.dane4j.delivery.SessionPhase;
import org.dane4j.delivery.SessionResult;
import org.dane4j.delivery.SmtpReply;
import org.dane4j.delivery.SmtpSession;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.Envelope;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.PolicyType;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.tlsa.FailureType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TlsRptSinkTest {
  private static final LocalDate DAY = LocalDate.parse("2026-06-01");
  private static Lab lab;
  private static MxRoute mx1;
  private static MxRoute opp;

  @BeforeAll
  static void start() {
    lab = new Lab();
    mx1 = lab.route("two.example.test", "mx1.example.test");
    opp = lab.route("opp.insecure.test", "mx.opp.insecure.test");
  }

  @AfterAll
  static void stop() {
    lab.close();
  }

  private static TlsRptSink sink(TlsReportStore store) {
    return TlsRptSink.builder(store).clock(Lab.CLOCK).flushInterval(Duration.ofHours(1)).build();
  }

  private static DeliveryAttempt failed(MxRoute route, String address, FailureType type) throws Exception {
    return new DeliveryAttempt(route, InetAddress.getByName(address), TlsVerdict.FAILED, null, null, null, type, true,
        "x");
  }

  private static DeliveryAttempt verified(MxRoute route, String address) throws Exception {
    return new DeliveryAttempt(route, InetAddress.getByName(address), TlsVerdict.VERIFIED, null, "TLSv1.3",
        "TLS_AES_128_GCM_SHA256", null, false, "ok");
  }

  /** Sessions: mx1 fails DANE, mx2 delivers over verified TLS. */
  private static SmtpSession session() {
    return req -> {
      if (req.address().getHostAddress().equals("127.0.0.1")) {
        return CompletableFuture.completedFuture(SessionResult.builder().connected().phase(SessionPhase.TLS_HANDSHAKE)
            .failure(FailureType.CERTIFICATE_NOT_TRUSTED, "no TLSA record matched").build());
      }
      SessionResult.Builder b = SessionResult.builder().connected().tls("TLSv1.3", "TLS_AES_128_GCM_SHA256", true)
          .phase(SessionPhase.RCPT).mailReply(new SmtpReply(250, "ok"));
      req.recipients().forEach(r -> b.rcptReply(r, new SmtpReply(250, "ok")));
      return CompletableFuture.completedFuture(b.phase(SessionPhase.DATA).dataReply(new SmtpReply(250, "ok"))
          .phase(SessionPhase.COMPLETE).build());
    };
  }

  @Test
  @DisplayName("RPT-1: the engine's sessions reach the store: a DANE failure at mx1 and a success at mx2, one tlsa policy each")
  void engineSessionsAreCountedPerPolicy() {
    MemoryTlsReportStore store = new MemoryTlsReportStore();
    try (TlsRptSink sink = sink(store)) {
      DeliveryEngine engine = DeliveryEngine.builder(lab.planner(), session()).listener(sink).logging(false).build();
      engine.send(Envelope.of("me@client.test", List.of("a@two.example.test")),
          "Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII)).join();
    }
    DayAggregate day = store.read(DAY, "two.example.test");
    assertThat(day.policies()).hasSize(2);
    DayAggregate.PolicyCounts first = day.policies().stream()
        .filter(p -> p.policy().mxHosts().equals(List.of("mx1.example.test"))).findFirst().orElseThrow();
    assertThat(first.policy().type()).isEqualTo(PolicyType.TLSA);
    assertThat(first.policy().policyStrings()).containsExactly(Lab.TLSA);
    assertThat(first.successful()).isZero();
    assertThat(first.failures()).containsExactly(java.util.Map.entry(
        FailureDetail.of("certificate-not-trusted", "mx1.example.test", "127.0.0.1"), 1L));
    DayAggregate.PolicyCounts second = day.policies().stream()
        .filter(p -> p.policy().mxHosts().equals(List.of("mx2.example.test"))).findFirst().orElseThrow();
    assertThat(second.successful()).isEqualTo(1);
    assertThat(second.failed()).isZero();
  }

  @Test
  @DisplayName("RPT-LOOP: a message that is a TLS report (TLS-Report-Domain header) is never recorded, through the engine")
  void rptLoop_reportSessionsAreNeverRecorded() {
    MemoryTlsReportStore store = new MemoryTlsReportStore();
    TlsRptSink sink = sink(store);
    DeliveryEngine engine = DeliveryEngine.builder(lab.planner(), session()).listener(sink).logging(false).build();
    int attempts = engine.send(Envelope.of("tlsrpt@client.test", List.of("tlsrpt@two.example.test")),
        ("TLS-Report-Domain: two.example.test\r\nTLS-Report-Submitter: client.test\r\nTLS-Required: No\r\n\r\n"
            + "report\r\n").getBytes(StandardCharsets.US_ASCII)).join().of("tlsrpt@two.example.test").attempts().size();
    sink.close();
    assertThat(store.days()).isEmpty();
    assertThat(attempts).isGreaterThanOrEqualTo(2); // mx1 failed, mx2 delivered (TLS-Required: No may add tries)
    assertThat(sink.skippedReports()).isEqualTo(attempts);
    assertThat(sink.recorded()).isZero();
  }

  @Test
  @DisplayName("RPT-2: DANE results go to the recipient domain by default, to the MX host's domain or to both when configured")
  void daneReportDomainIsConfigurable() throws Exception {
    for (DaneReportDomain where : DaneReportDomain.values()) {
      MemoryTlsReportStore store = new MemoryTlsReportStore();
      try (TlsRptSink sink = TlsRptSink.builder(store).clock(Lab.CLOCK).daneReports(where).build()) {
        sink.attemptFinished(new SendInfo("two.example.test", false),
            failed(mx1, "127.0.0.1", FailureType.CERTIFICATE_EXPIRED), null);
      }
      List<String> expected = switch (where) {
        case RECIPIENT_DOMAIN -> List.of("two.example.test");
        case MX_HOST -> List.of("mx1.example.test");
        case BOTH -> List.of("mx1.example.test", "two.example.test");
      };
      assertThat(store.policyDomains(DAY)).as(where.name()).isEqualTo(expected);
    }
  }

  @Test
  @DisplayName("RPT-1: a session without a TLS result (connection refused) is not counted; a no-policy TLS session is")
  void onlyTlsResultsAreCounted() throws Exception {
    MemoryTlsReportStore store = new MemoryTlsReportStore();
    try (TlsRptSink sink = sink(store)) {
      SendInfo send = new SendInfo("opp.insecure.test", false);
      sink.attemptFinished(send, failed(opp, "127.0.0.4", null), null);
      sink.attemptFinished(send, new DeliveryAttempt(opp, InetAddress.getByName("127.0.0.4"), TlsVerdict.CLEARTEXT,
          null, null, null, null, false, "cleartext"), null);
      sink.attemptFinished(send, new DeliveryAttempt(opp, InetAddress.getByName("127.0.0.4"), TlsVerdict.ENCRYPTED,
          null, "TLSv1.3", "TLS_AES_128_GCM_SHA256", null, false, "ok"), null);
    }
    DayAggregate day = store.read(DAY, "opp.insecure.test");
    assertThat(day.policies()).singleElement().satisfies(p -> {
      assertThat(p.policy().type()).isEqualTo(PolicyType.NO_POLICY_FOUND);
      assertThat(p.successful()).isEqualTo(1);
      assertThat(p.failed()).isZero();
    });
  }

  @Test
  @DisplayName("RPT-1: four threads record 400,000 sessions while the flusher runs: every one is counted exactly once")
  void concurrentRecordingLosesNothing() throws Exception {
    MemoryTlsReportStore store = new MemoryTlsReportStore();
    TlsRptSink sink = TlsRptSink.builder(store).clock(Lab.CLOCK).flushEvery(1000)
        .flushInterval(Duration.ofMillis(10)).build();
    DeliveryAttempt ok = verified(mx1, "127.0.0.1");
    DeliveryAttempt bad = failed(mx1, "127.0.0.1", FailureType.CERTIFICATE_NOT_TRUSTED);
    SendInfo send = new SendInfo("two.example.test", false);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      done.add(pool.submit(() -> {
        for (int i = 0; i < 100_000; i++) {
          sink.attemptFinished(send, i % 10 == 0 ? bad : ok, null);
        }
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    sink.close();
    DayAggregate.PolicyCounts p = store.read(DAY, "two.example.test").policies().get(0);
    assertThat(p.successful()).isEqualTo(360_000);
    assertThat(p.failed()).isEqualTo(40_000);
    assertThat(sink.dropped()).isZero();
  }

  @Test
  @DisplayName("RPT-1: a million sessions over 1,000 receiving addresses keep at most 1,001 counters in memory")
  void aMillionEventsStayBounded() throws Exception {
    MemoryTlsReportStore store = new MemoryTlsReportStore();
    TlsRptSink sink = sink(store);
    SendInfo send = new SendInfo("two.example.test", false);
    List<DeliveryAttempt> attempts = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      attempts.add(failed(mx1, "10.0." + (i / 250) + "." + (i % 250), FailureType.CERTIFICATE_NOT_TRUSTED));
    }
    DeliveryAttempt ok = verified(mx1, "127.0.0.1");
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long before = rt.totalMemory() - rt.freeMemory();
    int rows = 0;
    for (int i = 0; i < 1_000_000; i++) {
      sink.attemptFinished(send, i % 2 == 0 ? ok : attempts.get(i % 1000), null);
      if (i % 1000 == 999) {
        rows = Math.max(rows, sink.pendingRows());
      }
    }
    System.gc();
    long after = rt.totalMemory() - rt.freeMemory();
    org.slf4j.LoggerFactory.getLogger(TlsRptSinkTest.class).info(
        "1,000,000 sessions: at most {} counters pending, heap grew by about {} KiB", rows, (after - before) / 1024);
    assertThat(rows).isLessThanOrEqualTo(1001);
    sink.close();
    DayAggregate.PolicyCounts p = store.read(DAY, "two.example.test").policies().get(0);
    assertThat(p.successful()).isEqualTo(500_000);
    assertThat(p.failed()).isEqualTo(500_000);
    assertThat(p.failures()).hasSize(500); // odd i: i % 1000 is odd, 500 distinct addresses
  }

  @Test
  @DisplayName("RPT-1: beyond maxPendingRows new counters are dropped and counted, never blocking; known ones still count")
  void fullSinkDropsAndCounts() throws Exception {
    MemoryTlsReportStore store = new MemoryTlsReportStore();
    TlsRptSink sink = TlsRptSink.builder(store).clock(Lab.CLOCK).maxPendingRows(2)
        .flushInterval(Duration.ofHours(1)).build();
    SendInfo send = new SendInfo("two.example.test", false);
    for (int i = 1; i <= 5; i++) {
      sink.attemptFinished(send, failed(mx1, "10.0.0." + i, FailureType.CERTIFICATE_NOT_TRUSTED), null);
    }
    sink.attemptFinished(send, failed(mx1, "10.0.0.1", FailureType.CERTIFICATE_NOT_TRUSTED), null);
    assertThat(sink.dropped()).isEqualTo(3);
    sink.close();
    assertThat(store.read(DAY, "two.example.test").policies().get(0).failed()).isEqualTo(3);
  }

  @Test
  @DisplayName("RPT-1: a failing store keeps the counters for the next flush")
  void failedFlushIsRetried() throws Exception {
    MemoryTlsReportStore real = new MemoryTlsReportStore();
    boolean[] fail = {true};
    TlsReportStore flaky = new ForwardingStore(real) {
      @Override
      public void add(java.util.Collection<SessionCount> counts) {
        if (fail[0]) {
          throw new IllegalStateException("database down");
        }
        super.add(counts);
      }
    };
    TlsRptSink sink = sink(flaky);
    sink.attemptFinished(new SendInfo("two.example.test", false), verified(mx1, "127.0.0.1"), null);
    org.assertj.core.api.Assertions.assertThatThrownBy(sink::flush).hasMessageContaining("database down");
    fail[0] = false;
    sink.attemptFinished(new SendInfo("two.example.test", false), verified(mx1, "127.0.0.1"), null);
    sink.close();
    assertThat(real.read(DAY, "two.example.test").policies().get(0).successful()).isEqualTo(2);
  }
}
