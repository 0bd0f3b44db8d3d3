package org.dane4j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.dane4j.dns.DaneResolver;
import org.dane4j.jakartamail.DaneMailer;
import org.dane4j.smtp.PolicyType;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.tlsrpt.DayAggregate;
import org.dane4j.tlsrpt.FailureDetail;
import org.dane4j.tlsrpt.JdbcTlsReportStore;
import org.dane4j.tlsrpt.ReportMailer;
import org.dane4j.tlsrpt.ReportSettings;
import org.dane4j.tlsrpt.TlsReportJson;
import org.dane4j.tlsrpt.TlsReportSender;
import org.dane4j.tlsrpt.TlsRptSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS reporting against the lab's real Postfix (issue #14): a DANE failure at the mismatch scenario's MX host
 * (its {@code 3 1 1} names another key) is recorded by a {@link TlsRptSink} on {@link DaneMailer}'s listener, the
 * next report says {@code certificate-not-trusted} for {@code policy-domain} mismatch.sec.test and {@code mx-host}
 * mx.mismatch.sec.test, and {@link TlsReportSender} mails it, through DaneMailer (DANE verified), to the
 * {@code rua=mailto:tlsrpt@ee.sec.test} that {@code _smtp._tls.mismatch.sec.test} publishes in the signed zone:
 * Postfix's virtual(8) stores it in the lab mailbox, where the test reads the gzipped JSON back.
 */
class TlsRptInteropTest {
  private final Lab lab = Lab.get();
  private DaneResolver resolver;
  private JdbcTlsReportStore store;
  private TlsRptSink sink;
  private DaneMailer mailer;

  @BeforeEach
  void start(@TempDir Path tmp) {
    resolver = lab.validatingResolver();
    lab.assertAlive(resolver);
    store = JdbcTlsReportStore.sqlite(tmp.resolve("tlsrpt.db"));
    sink = TlsRptSink.builder(store).flushInterval(Duration.ofHours(1)).build();
    mailer = DaneMailer.builder().ehloName("client.interop.test").resolver(resolver).mxPort(25)
        .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(20)).planTimeout(Duration.ofSeconds(20))
        .listener(sink).build();
  }

  @AfterEach
  void stop() {
    if (mailer != null) {
      mailer.close();
    }
    if (sink != null) {
      sink.close();
    }
    if (store != null) {
      store.close();
    }
    if (resolver != null) {
      resolver.close();
    }
  }

  @Test
  @DisplayName("RPT-interop: a mismatching TLSA at real Postfix appears in the next report as certificate-not-trusted"
      + " (policy-domain, mx-host), and the report mail reaches the rua=mailto: mailbox on Postfix")
  void rptInterop_daneFailureReportedAndMailed() throws Exception {
    LocalDate day = LocalDate.now(ZoneOffset.UTC);
    Session session = Session.getInstance(new Properties());
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress("sender@client.interop.test"));
    m.setRecipient(Message.RecipientType.TO, new InternetAddress("rcpt@mismatch.sec.test"));
    m.setSubject("tlsrpt interop");
    m.setText("hello\r\n", "us-ascii");
    RecipientResult r = mailer.send(m).of("rcpt@mismatch.sec.test");
    assertThat(r.status()).isEqualTo(RecipientResult.Status.DEFERRED);
    sink.flush();

    DayAggregate agg = store.read(day, "mismatch.sec.test");
    assertThat(agg.policies()).singleElement().satisfies(pc -> {
      assertThat(pc.policy().type()).isEqualTo(PolicyType.TLSA);
      assertThat(pc.policy().policyDomain()).isEqualTo("mismatch.sec.test");
      assertThat(pc.policy().mxHosts()).containsExactly("mx.mismatch.sec.test");
      assertThat(pc.successful()).isZero();
      assertThat(pc.failures()).hasSize(1);
      FailureDetail f = pc.failures().keySet().iterator().next();
      assertThat(f.resultType()).isEqualTo("certificate-not-trusted");
      assertThat(f.receivingMxHostname()).isEqualTo("mx.mismatch.sec.test");
      assertThat(f.receivingIp()).isEqualTo("127.25.0.23");
    });

    String submitter = "run-" + UUID.randomUUID().toString().substring(0, 8) + ".client.interop.test";
    ReportSettings settings = ReportSettings.of("dane4j interop", "mailto:postmaster@client.interop.test", submitter);
    String json = TlsReportJson.write(agg, settings);
    assertThat(json).contains("\"policy-domain\":\"mismatch.sec.test\"", "\"mx-host\":[\"mx.mismatch.sec.test\"]",
        "\"result-type\":\"certificate-not-trusted\"");

    ReportMailer viaDane = (from, to, bytes) -> {
      try {
        MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(bytes));
        return mailer.sendAsync(message, from, List.of(to)).thenAccept(report -> {
          RecipientResult rr = report.of(to);
          if (rr.status() != RecipientResult.Status.DELIVERED) {
            throw new IllegalStateException(rr.status() + ": " + rr.reason());
          }
        });
      } catch (MessagingException e) {
        return CompletableFuture.failedFuture(e);
      }
    };
    List<TlsReportSender.Outcome> outcomes;
    try (TlsReportSender sender = TlsReportSender.builder(store, resolver, settings)
        .mailer(viaDane, "tlsrpt-noreply@client.interop.test").https(false).maxAttempts(1).build()) {
      outcomes = sender.sendDay(day).get(90, TimeUnit.SECONDS);
    }
    TlsReportSender.Outcome o = outcomes.stream().filter(x -> x.policyDomain().equals("mismatch.sec.test"))
        .findFirst().orElseThrow();
    assertThat(o.status()).as("%s", o).isEqualTo(TlsReportSender.Status.SENT);
    assertThat(o.failures()).as("destinations that refused the report").isEmpty();
    // the loop guard on the real path: the report's own session (to mx.ee.sec.test) is never recorded
    assertThat(sink.skippedReports()).isPositive();
    sink.flush();
    assertThat(store.policyDomains(day)).containsExactly("mismatch.sec.test");

    MimeMessage stored = awaitReport(lab.mailbox(), o.reportId(), Duration.ofSeconds(30), session);
    assertThat(stored).as("report %s in %s (see postfix.log in the lab dir)", o.reportId(), lab.mailbox()).isNotNull();
    assertThat(stored.getHeader("TLS-Report-Domain", null)).isEqualTo("mismatch.sec.test");
    assertThat(stored.getHeader("TLS-Report-Submitter", null)).isEqualTo(submitter);
    assertThat(stored.getHeader("TLS-Required", null)).isEqualToIgnoringCase("No");
    assertThat(stored.getContentType()).contains("multipart/report").containsIgnoringCase("report-type=");
    String received = null;
    Multipart mp = (Multipart) stored.getContent();
    for (int i = 0; i < mp.getCount(); i++) {
      BodyPart part = mp.getBodyPart(i);
      if (part.getFileName() != null && part.getFileName().endsWith(".json.gz")) {
        assertThat(part.getFileName()).startsWith(submitter + "!mismatch.sec.test!");
        try (InputStream in = new GZIPInputStream(part.getInputStream())) {
          received = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
    }
    assertThat(received).as("the .json.gz part").isEqualTo(json);
  }

  /** The stored message whose Subject names the report id, or null after {@code max}. */
  private static MimeMessage awaitReport(Path mbox, String reportId, Duration max, Session session) throws Exception {
    Instant end = Instant.now().plus(max);
    while (Instant.now().isBefore(end)) {
      if (Files.isRegularFile(mbox)) {
        String all = Files.readString(mbox, StandardCharsets.ISO_8859_1);
        for (String chunk : all.split("\n(?=From )")) {
          if (chunk.contains(reportId) && chunk.contains("TLS-Report-Domain")) {
            String msg = chunk.substring(chunk.indexOf('\n') + 1); // drop the mbox "From " line
            return new MimeMessage(session, new ByteArrayInputStream(msg.getBytes(StandardCharsets.ISO_8859_1)));
          }
        }
      }
      Thread.sleep(200);
    }
    return null;
  }
}
