package org.dane4j.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TlsRptRecordTest {
  private static Lab lab;

  @BeforeAll
  static void start() {
    lab = new Lab();
  }

  @AfterAll
  static void stop() {
    lab.close();
  }

  private static TlsRptRecord.Discovery lookup(String domain) {
    return TlsRptRecord.lookup(lab.resolver, domain).orTimeout(30, TimeUnit.SECONDS).join();
  }

  @Test
  @DisplayName("RPT-DISC: the RFC 8460 §3 examples parse; several URIs, white space, a final ';' and extensions")
  void parsesValidRecords() {
    assertThat(TlsRptRecord.parse("v=TLSRPTv1;rua=mailto:reports@example.com"))
        .isEqualTo(new TlsRptRecord(List.of("reports@example.com"), List.of()));
    assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt"))
        .isEqualTo(new TlsRptRecord(List.of(), List.of(URI.create("https://reporting.example.com/v1/tlsrpt"))));
    assertThat(TlsRptRecord.parse("v=TLSRPTv1 ; rua=mailto:a@example.com , https://r.example.com/x ; ext_1=abc;"))
        .isEqualTo(new TlsRptRecord(List.of("a@example.com"), List.of(URI.create("https://r.example.com/x"))));
  }

  @Test
  @DisplayName("RPT-DISC: invalid records are refused with the reason")
  void refusesInvalidRecords() {
    assertThatThrownBy(() -> TlsRptRecord.parse("v=TLSRPTv2;rua=mailto:a@example.com")).hasMessageContaining("v=TLSRPTv1");
    assertThatThrownBy(() -> TlsRptRecord.parse("v=TLSRPTv1")).hasMessageContaining("no rua");
    assertThatThrownBy(() -> TlsRptRecord.parse("v=TLSRPTv1;rua=mailto:a@example.com;rua=mailto:b@example.com"))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> TlsRptRecord.parse("v=TLSRPTv1;rua=ftp://x.example/")).hasMessageContaining("no mailto");
    assertThatThrownBy(() -> TlsRptRecord.parse("v=TLSRPTv1;rua=mailto:nobody")).hasMessageContaining("mailto");
    assertThatThrownBy(() -> TlsRptRecord.parse("v=TLSRPTv1;rua")).hasMessageContaining("without");
    assertThatThrownBy(() -> TlsRptRecord.parse("v=TLSRPTv1;rua=mailto:a@example.com;x=a b"))
        .hasMessageContaining("invalid field");
    assertThatThrownBy(() -> TlsRptRecord.parse("v=TLSRPTv1rua=mailto:a@example.com"))
        .hasMessageContaining("v=TLSRPTv1");
  }

  @Test
  @DisplayName("RPT-DISC: _smtp._tls TXT is found through the resolver; strings of one TXT record are joined")
  void discoversTheRecord() {
    TlsRptRecord.Discovery d = lookup("two.example.test");
    assertThat(d.temporaryFailure()).isFalse();
    assertThat(d.record()).contains(new TlsRptRecord(List.of("tlsrpt@two.example.test"),
        List.of(URI.create("https://reports.example.test/v1"))));
  }

  @Test
  @DisplayName("RPT-DISC: no record, other TXT records, two records or an invalid one mean no policy, not a failure")
  void absentOrAmbiguousMeansNoPolicy() {
    for (String domain : List.of("nothing.example.test", "spf.example.test", "two2.example.test", "bad.example.test")) {
      TlsRptRecord.Discovery d = lookup(domain);
      assertThat(d.record()).as(domain).isEmpty();
      assertThat(d.temporaryFailure()).as(domain).isFalse();
    }
    assertThat(lookup("two2.example.test").reason()).contains("exactly one");
  }

  @Test
  @DisplayName("RPT-DISC: a DNS failure (SERVFAIL) is a temporary failure, never \"no record\"")
  void dnsFailureIsTemporary() {
    TlsRptRecord.Discovery d = lookup("fail.example.test");
    assertThat(d.temporaryFailure()).isTrue();
    assertThat(d.record()).isEmpty();
  }
}
