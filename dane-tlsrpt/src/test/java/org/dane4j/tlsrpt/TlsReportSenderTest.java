package org.dane4j.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.dane4j.delivery.DeliveryEngine;
import org.dane4j.delivery.SessionPhase;
import org.dane4j.delivery.SessionResult;
import org.dane4j.delivery.SmtpReply;
import org.dane4j.smtp.PolicyType;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TlsReportSenderTest {
  private static final LocalDate DAY = LocalDate.parse("2026-05-31");
  private static final ReportSettings SETTINGS = ReportSettings.of("Client Inc.", "mailto:tlsrpt@client.test",
      "client.test");
  private static final ReportPolicy TLSA = new ReportPolicy(PolicyType.TLSA, "post.example.test",
      List.of(Lab.TLSA), List.of("mx1.post.example.test"));
  private static final List<byte[]> posted = new CopyOnWriteArrayList<>();
  private static final List<String> postedTypes = new CopyOnWriteArrayList<>();
  private static HttpsServer https;
  private static SSLContext clientTls;
  private static Lab lab;

  @BeforeAll
  static void start() throws Exception {
    MintedCertificate ca = CertificateMinter.certificate().commonName("tlsrpt test CA").ca().mint();
    MintedCertificate leaf = CertificateMinter.certificate().commonName("localhost").dnsNames("localhost").issuer(ca)
        .mint();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("leaf", leaf.privateKey(), new char[0], leaf.chain().toArray(new java.security.cert.Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    SSLContext serverTls = SSLContext.getInstance("TLS");
    serverTls.init(kmf.getKeyManagers(), null, null);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    clientTls = SSLContext.getInstance("TLS");
    clientTls.init(null, tmf.getTrustManagers(), null);

    https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
    https.createContext("/tlsrpt", exchange -> {
      posted.add(exchange.getRequestBody().readAllBytes());
      postedTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
      exchange.sendResponseHeaders(exchange.getRequestURI().getQuery() == null ? 200 : 500, -1);
      exchange.close();
    });
    https.start();
    int port = https.getAddress().getPort();
    lab = new Lab(zone -> zone.add(
        "_smtp._tls.post.example.test. 300 IN TXT \"v=TLSRPTv1; rua=https://localhost:" + port + "/tlsrpt,"
            + "mailto:tlsrpt@post.example.test\"",
        "_smtp._tls.down.example.test. 300 IN TXT \"v=TLSRPTv1; rua=https://localhost:" + port + "/tlsrpt?fail\"",
        "_smtp._tls.mail.example.test. 300 IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@two.example.test\""));
  }

  @AfterAll
  static void stop() {
    https.stop(0);
    lab.close();
  }

  private static TlsReportSender.Builder sender(TlsReportStore store, ReportMailer mailer) {
    return TlsReportSender.builder(store, lab.resolver, SETTINGS).clock(Lab.CLOCK).retryDelay(Duration.ZERO)
        .httpClient(HttpClient.newBuilder().sslContext(clientTls).build()).mailer(mailer, "tlsrpt@client.test");
  }

  private static MemoryTlsReportStore storeWith(String domain, boolean failure) {
    MemoryTlsReportStore store = new MemoryTlsReportStore();
    ReportPolicy p = new ReportPolicy(PolicyType.TLSA, domain, List.of(Lab.TLSA), List.of("mx1." + domain));
    store.add(List.of(new SessionCount(DAY, p, null, 10)));
    if (failure) {
      store.add(List.of(new SessionCount(DAY, p, FailureDetail.of("certificate-not-trusted", "mx1." + domain,
          "192.0.2.1"), 2)));
    }
    return store;
  }

  private static String gunzip(byte[] gz) throws Exception {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  @DisplayName("RPT-SEND: marked sent first, then POSTed (application/tlsrpt+gzip) and mailed as multipart/report; once only")
  void sendsToEveryDestinationOnce() throws Exception {
    MemoryTlsReportStore store = storeWith("post.example.test", true);
    List<String> mails = new CopyOnWriteArrayList<>();
    List<Boolean> markedBefore = new CopyOnWriteArrayList<>();
    ReportMailer mailer = (from, to, message) -> {
      markedBefore.add(store.sent(DAY, "post.example.test").isPresent());
      mails.add(to + "\n" + new String(message, StandardCharsets.US_ASCII));
      return CompletableFuture.completedFuture(null);
    };
    posted.clear();
    try (TlsReportSender sender = sender(store, mailer).build()) {
      List<TlsReportSender.Outcome> out = sender.sendDay(DAY).get(60, TimeUnit.SECONDS);
      assertThat(out).singleElement().satisfies(o -> {
        assertThat(o.status()).isEqualTo(TlsReportSender.Status.SENT);
        assertThat(o.failures()).isEmpty();
        assertThat(o.reportId()).isEqualTo("2026-05-31T00:00:00Z_post.example.test@client.test");
      });
      String json = sender.json(DAY, "post.example.test");
      assertThat(posted).hasSize(1);
      assertThat(gunzip(posted.get(0))).isEqualTo(json);
      assertThat(postedTypes).contains("application/tlsrpt+gzip");
      assertThat(markedBefore).containsExactly(true);
      assertThat(mails).hasSize(1);
      String mail = mails.get(0);
      assertThat(mail).startsWith("tlsrpt@post.example.test\n").contains("\r\nTLS-Report-Domain: post.example.test\r\n",
          "\r\nTLS-Report-Submitter: client.test\r\n", "\r\nTLS-Required: No\r\n",
          "Content-Type: multipart/report; report-type=\"tlsrpt\";",
          "Subject: Report Domain: post.example.test Submitter: client.test Report-ID: "
              + "<2026-05-31T00:00:00Z_post.example.test@client.test>",
          "Content-Type: application/tlsrpt+gzip",
          "filename=\"client.test!post.example.test!1780185600!1780271999.json.gz\"");
      Matcher m = Pattern.compile("json\\.gz\"\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n\r\n--").matcher(mail);
      assertThat(m.find()).isTrue();
      assertThat(gunzip(Base64.getMimeDecoder().decode(m.group(1)))).isEqualTo(json);
      assertThat(org.dane4j.delivery.SendInfo.isTlsReport(mail.substring(mail.indexOf('\n') + 1)
          .getBytes(StandardCharsets.US_ASCII))).isTrue();

      assertThat(sender.sendDay(DAY).get(60, TimeUnit.SECONDS)).singleElement()
          .extracting(TlsReportSender.Outcome::status).isEqualTo(TlsReportSender.Status.ALREADY_SENT);
      assertThat(posted).hasSize(1);
      assertThat(mails).hasSize(1);
    }
  }

  @Test
  @DisplayName("RPT-SEND: a refusing destination is tried maxAttempts times, then given up and named; never resent")
  void boundedRetries() throws Exception {
    MemoryTlsReportStore store = storeWith("down.example.test", true);
    posted.clear();
    try (TlsReportSender sender = sender(store, (f, t, m) -> CompletableFuture.completedFuture(null)).maxAttempts(3)
        .build()) {
      TlsReportSender.Outcome o = sender.send(DAY, "down.example.test").get(60, TimeUnit.SECONDS);
      assertThat(o.status()).isEqualTo(TlsReportSender.Status.SENT);
      assertThat(o.failures()).singleElement().asString().contains("HTTP 500");
      assertThat(posted).hasSize(3);
      assertThat(store.sent(DAY, "down.example.test")).isPresent();
    }
  }

  @Test
  @DisplayName("RPT-SEND: no failures with onlyFailureDays, no record, a DNS failure, too large: nothing sent, nothing marked")
  void reasonsNotToSend() throws Exception {
    try (TlsReportSender quiet = sender(storeWith("post.example.test", false), (f, t, m) -> {
      throw new AssertionError("no mail");
    }).onlyFailureDays(true).build()) {
      assertThat(quiet.send(DAY, "post.example.test").get(60, TimeUnit.SECONDS).status())
          .isEqualTo(TlsReportSender.Status.NO_FAILURES);
    }
    for (String[] c : new String[][] {{"nothing.example.test", "NO_RECORD"}, {"fail.example.test", "RETRY_LATER"}}) {
      MemoryTlsReportStore store = storeWith(c[0], true);
      try (TlsReportSender s = sender(store, (f, t, m) -> {
        throw new AssertionError("no mail");
      }).build()) {
        assertThat(s.send(DAY, c[0]).get(60, TimeUnit.SECONDS).status()).as(c[0]).hasToString(c[1]);
        assertThat(store.sent(DAY, c[0])).isEmpty();
      }
    }
    MemoryTlsReportStore big = storeWith("post.example.test", true);
    for (int i = 0; i < 300; i++) {
      big.add(List.of(new SessionCount(DAY, TLSA, FailureDetail.of("certificate-not-trusted",
          "mx1.post.example.test", "198.51." + (i / 250) + "." + (i % 250) + "." + Integer.toHexString(i * 7919)), 1)));
    }
    try (TlsReportSender s = sender(big, (f, t, m) -> CompletableFuture.completedFuture(null)).maxReportBytes(1024)
        .build()) {
      TlsReportSender.Outcome o = s.send(DAY, "post.example.test").get(60, TimeUnit.SECONDS);
      assertThat(o.status()).isEqualTo(TlsReportSender.Status.TOO_LARGE);
      assertThat(o.detail()).contains("maxReportBytes (1024)");
      assertThat(big.sent(DAY, "post.example.test")).isEmpty();
    }
  }

  @Test
  @DisplayName("RPT-LOOP: a report mailed through the engine with the sink on it is delivered and not recorded")
  void reportThroughTheEngineIsNotRecorded() throws Exception {
    MemoryTlsReportStore counters = new MemoryTlsReportStore();
    TlsRptSink sink = TlsRptSink.builder(counters).clock(Lab.CLOCK).build();
    DeliveryEngine engine = DeliveryEngine.builder(lab.planner(), req -> {
      SessionResult.Builder b = SessionResult.builder().connected().tls("TLSv1.3", "TLS_AES_128_GCM_SHA256", true)
          .phase(SessionPhase.RCPT).mailReply(new SmtpReply(250, "ok"));
      req.recipients().forEach(r -> b.rcptReply(r, new SmtpReply(250, "ok")));
      return CompletableFuture.completedFuture(b.phase(SessionPhase.DATA).dataReply(new SmtpReply(250, "ok"))
          .phase(SessionPhase.COMPLETE).build());
    }).listener(sink).logging(false).build();
    MemoryTlsReportStore reports = storeWith("mail.example.test", true);
    try (TlsReportSender sender = TlsReportSender.builder(reports, lab.resolver, SETTINGS).clock(Lab.CLOCK)
        .mailer(ReportMailer.engine(engine), "tlsrpt@client.test").build()) {
      TlsReportSender.Outcome o = sender.send(DAY, "mail.example.test").get(60, TimeUnit.SECONDS);
      assertThat(o.status()).isEqualTo(TlsReportSender.Status.SENT);
      assertThat(o.failures()).isEmpty();
    }
    sink.close();
    assertThat(sink.skippedReports()).isEqualTo(1);
    assertThat(counters.days()).isEmpty();
  }
}
