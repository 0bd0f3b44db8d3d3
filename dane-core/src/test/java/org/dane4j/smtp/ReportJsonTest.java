package org.dane4j.smtp;

import org.dane4j.testkit.MiniJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dane4j.dns.DnsAnswer;
import org.dane4j.dns.DnssecProbe;
import org.dane4j.smtp.RecipientResult.Status;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.DaneVerification;
import org.dane4j.tlsa.DaneVerifier;
import org.dane4j.tlsa.FailureType;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The JSON form of a delivery report (OUT-1 as data): every field, nulls, counts, escaping, stable order. */
class ReportJsonTest {
  private static final MintedCertificate LEAF = CertificateMinter.certificate().dnsNames("mx.example.test").mint();
  private static final TlsaRecord EE311 =
      TlsaRecord.of(LEAF.certificate(), CertUsage.DANE_EE, Selector.SPKI, MatchingType.SHA2_256);
  private static final TlsaRecord WRONG = TlsaRecord.parse("3 1 1 " + "5a".repeat(32));
  private static final DaneVerification MATCHED = verify(EE311);
  private static final DaneVerification UNMATCHED = verify(WRONG);

  private static final List<String> TOP_KEYS = List.of("schema_version", "status", "dnssec_validation",
      "dnssec_explanation", "summary", "recipients");
  private static final List<String> SUMMARY_KEYS = List.of("recipients", "delivered", "deferred", "failed",
      "attempts", "handshakes", "reused_connections");
  private static final List<String> RECIPIENT_KEYS = List.of("recipient", "domain", "status", "mx_host", "address",
      "requirement", "verdict", "tlsa_match", "failure_type", "transient", "reason", "attempts", "policy_type",
      "sts_mode");
  private static final List<String> ATTEMPT_KEYS = List.of("mx_host", "host", "address", "port", "requirement",
      "verdict", "tlsa_match", "match_depth", "tls_protocol", "cipher_suite", "failure_type", "transient",
      "reused_connection", "reason", "policy_type", "sts_mode", "requiretls", "tls_required_no");

  private static DaneVerification verify(TlsaRecord record) {
    return DaneVerifier.defaults().verify(LEAF.chain(), List.of(record), List.of("mx.example.test"), Instant.now());
  }

  private static MxRoute route(String mxHost, String host, TlsRequirement requirement) {
    return MxRoute.builder(mxHost, 10, 25, Clock.systemUTC()).host(host).mxSecure(true)
        .tlsa(requirement == TlsRequirement.DANE ? List.of(EE311) : List.of(), host)
        .require(requirement, "test route");
  }

  private static InetAddress ip(String name, int last) {
    try {
      return InetAddress.getByAddress(name, new byte[] {(byte) 192, 0, 2, (byte) last});
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static final MxRoute DANE = route("mx.example.test", "mx1.hosting.test", TlsRequirement.DANE);
  private static final MxRoute PLAIN = route("mx.plain.test", "mx.plain.test", TlsRequirement.OPPORTUNISTIC);

  private static DeliveryAttempt daneFailed() {
    return new DeliveryAttempt(DANE, ip("mx1.hosting.test", 1), TlsVerdict.FAILED, UNMATCHED, "TLSv1.3",
        "TLS_AES_128_GCM_SHA256", FailureType.CERTIFICATE_NOT_TRUSTED, true, "no TLSA record matches");
  }

  private static DeliveryAttempt verified(boolean reused) {
    return new DeliveryAttempt(DANE, ip("mx1.hosting.test", 2), TlsVerdict.VERIFIED, MATCHED, "TLSv1.3",
        "TLS_AES_256_GCM_SHA384", null, false, "250 2.0.0 queued", reused);
  }

  private static DeliveryAttempt cleartext() {
    return new DeliveryAttempt(PLAIN, ip("mx.plain.test", 3), TlsVerdict.CLEARTEXT, null, null, null, null, false,
        "250 ok");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(String json) {
    return (Map<String, Object>) MiniJson.parse(json);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> recipients(Map<String, Object> doc) {
    return (List<Map<String, Object>>) doc.get("recipients");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> attempts(Map<String, Object> recipient) {
    return (List<Map<String, Object>>) recipient.get("attempts");
  }

  @Test
  @DisplayName("OUT-1: every attempt of every recipient is in the JSON with all its fields")
  void out1_reportJsonHasEveryAttempt() {
    RecipientResult bob = new RecipientResult("Bob@Example.TEST", Status.DELIVERED,
        List.of(daneFailed(), verified(false)), "delivered", null);
    RecipientResult carol = new RecipientResult("carol@plain.test", Status.DELIVERED, List.of(cleartext()),
        "delivered", null);
    Map<String, Object> doc = parse(ReportJson.write(new DeliveryReport(List.of(bob, carol))));

    assertThat(recipients(doc)).hasSize(2);
    Map<String, Object> r = recipients(doc).get(0);
    assertThat(r).containsEntry("recipient", "Bob@Example.TEST").containsEntry("domain", "example.test")
        .containsEntry("status", "delivered").containsEntry("mx_host", "mx.example.test")
        .containsEntry("address", "192.0.2.2").containsEntry("requirement", "dane")
        .containsEntry("verdict", "verified").containsEntry("tlsa_match", EE311.toString())
        .containsEntry("failure_type", null).containsEntry("transient", false).containsEntry("reason", "delivered");
    assertThat(attempts(r)).hasSize(2);
    assertThat(attempts(r).get(0)).containsEntry("mx_host", "mx.example.test")
        .containsEntry("host", "mx1.hosting.test").containsEntry("address", "192.0.2.1").containsEntry("port", 25L)
        .containsEntry("requirement", "dane").containsEntry("verdict", "failed").containsEntry("tlsa_match", null)
        .containsEntry("match_depth", null).containsEntry("tls_protocol", "TLSv1.3")
        .containsEntry("cipher_suite", "TLS_AES_128_GCM_SHA256")
        .containsEntry("failure_type", "certificate-not-trusted").containsEntry("transient", true)
        .containsEntry("reused_connection", false).containsEntry("reason", "no TLSA record matches");
    assertThat(attempts(r).get(1)).containsEntry("address", "192.0.2.2").containsEntry("verdict", "verified")
        .containsEntry("tlsa_match", EE311.toString()).containsEntry("match_depth", 0L)
        .containsEntry("cipher_suite", "TLS_AES_256_GCM_SHA384").containsEntry("failure_type", null)
        .containsEntry("transient", false).containsEntry("reused_connection", false)
        .containsEntry("reason", "250 2.0.0 queued");
    assertThat(attempts(recipients(doc).get(1))).singleElement().satisfies(a -> assertThat(a)
        .containsEntry("mx_host", "mx.plain.test").containsEntry("requirement", "opportunistic")
        .containsEntry("verdict", "cleartext").containsEntry("tls_protocol", null)
        .containsEntry("cipher_suite", null).containsEntry("tlsa_match", null).containsEntry("match_depth", null));
  }

  @Test
  @SuppressWarnings("unchecked")
  @DisplayName("OUT-1: keys come in the documented order at every level, and the whole text is stable")
  void out1_reportJsonFieldOrderIsStable() {
    RecipientResult bob = new RecipientResult("bob@example.test", Status.DEFERRED, List.of(daneFailed()),
        "no TLSA record matches", null);
    DeliveryReport report = new DeliveryReport(List.of(bob));
    String json = ReportJson.write(report);
    Map<String, Object> doc = parse(json);

    assertThat(doc.keySet()).containsExactlyElementsOf(TOP_KEYS);
    assertThat(((Map<String, ?>) doc.get("summary")).keySet()).containsExactlyElementsOf(SUMMARY_KEYS);
    assertThat(recipients(doc).get(0).keySet()).containsExactlyElementsOf(RECIPIENT_KEYS);
    assertThat(attempts(recipients(doc).get(0)).get(0).keySet()).containsExactlyElementsOf(ATTEMPT_KEYS);
    assertThat(ReportJson.write(report)).isEqualTo(json);
  }

  @Test
  @DisplayName("OUT-1: a recipient refused before sending is exactly this document")
  void out1_reportJsonOfARefusedRecipientIsExactlyThisText() {
    RecipientResult refused = new RecipientResult("x@[192.0.2.1]", Status.FAILED, List.of(),
        "address literal refused", null);
    assertThat(ReportJson.write(new DeliveryReport(List.of(refused)))).isEqualTo("""
        {
          "schema_version": 1,
          "status": "failed",
          "dnssec_validation": "not-probed",
          "dnssec_explanation": "DNSSEC validation has not been probed yet",
          "summary": {
            "recipients": 1,
            "delivered": 0,
            "deferred": 0,
            "failed": 1,
            "attempts": 0,
            "handshakes": 0,
            "reused_connections": 0
          },
          "recipients": [
            {
              "recipient": "x@[192.0.2.1]",
              "domain": "[192.0.2.1]",
              "status": "failed",
              "mx_host": null,
              "address": null,
              "requirement": "unusable",
              "verdict": "failed",
              "tlsa_match": null,
              "failure_type": null,
              "transient": false,
              "reason": "address literal refused",
              "attempts": [],
              "policy_type": "no-policy-found",
              "sts_mode": null
            }
          ]
        }""");
  }

  @Test
  @DisplayName("OUT-1: nulls are written as null, never left out: no attempt, no connection, no TLS")
  void out1_reportJsonWritesNullsForWhatDidNotHappen() {
    DeliveryAttempt noConnection = new DeliveryAttempt(DANE, null, TlsVerdict.FAILED, null, null, null, null, true,
        "connection refused");
    RecipientResult lookupFailed = new RecipientResult("a@bogus.test", Status.DEFERRED, List.of(),
        "MX lookup bogus", FailureType.DNSSEC_INVALID);
    RecipientResult refused = new RecipientResult("b@down.test", Status.DEFERRED, List.of(noConnection),
        "connection refused", null);
    Map<String, Object> doc = parse(ReportJson.write(new DeliveryReport(List.of(lookupFailed, refused))));

    Map<String, Object> first = recipients(doc).get(0);
    assertThat(first.keySet()).containsExactlyElementsOf(RECIPIENT_KEYS);
    assertThat(first).containsEntry("mx_host", null).containsEntry("address", null)
        .containsEntry("tlsa_match", null).containsEntry("requirement", "unusable")
        .containsEntry("verdict", "failed").containsEntry("failure_type", "dnssec-invalid")
        .containsEntry("transient", true);
    assertThat(attempts(first)).isEmpty();
    Map<String, Object> second = recipients(doc).get(1);
    assertThat(second).containsEntry("mx_host", "mx.example.test").containsEntry("address", null)
        .containsEntry("failure_type", null);
    assertThat(attempts(second)).singleElement().satisfies(a -> {
      assertThat(a.keySet()).containsExactlyElementsOf(ATTEMPT_KEYS);
      assertThat(a).containsEntry("address", null).containsEntry("tls_protocol", null)
          .containsEntry("cipher_suite", null).containsEntry("tlsa_match", null).containsEntry("match_depth", null)
          .containsEntry("failure_type", null).containsEntry("transient", true);
    });
  }

  @Test
  @DisplayName("OUT-1: recipients by status, handshakes and reused connections are counted from the attempts")
  void out1_reportJsonCountsRecipientsHandshakesAndReuses() {
    RecipientResult a = new RecipientResult("a@example.test", Status.DELIVERED, List.of(daneFailed(),
        verified(false)), "delivered", null);
    RecipientResult b = new RecipientResult("b@example.test", Status.DELIVERED, List.of(verified(true)),
        "delivered", null);
    RecipientResult c = new RecipientResult("c@plain.test", Status.DELIVERED, List.of(cleartext()), "delivered",
        null);
    RecipientResult d = new RecipientResult("d@example.test", Status.DEFERRED, List.of(daneFailed()),
        "no TLSA record matches", null);
    RecipientResult e = new RecipientResult("e@gone.test", Status.FAILED, List.of(), "null MX", null);
    Map<String, Object> doc = parse(ReportJson.write(new DeliveryReport(List.of(a, b, c, d, e))));

    assertThat(doc.get("summary")).isEqualTo(Map.of("recipients", 5L, "delivered", 3L, "deferred", 1L,
        "failed", 1L, "attempts", 5L, "handshakes", 3L, "reused_connections", 1L));
    assertThat(doc).containsEntry("status", "failed");
    assertThat(attempts(recipients(doc).get(1)).get(0)).containsEntry("reused_connection", true);
  }

  @Test
  @DisplayName("OUT-1: one session for several recipients is listed under each but counted once")
  void out1_reportJsonCountsASharedAttemptOnce() {
    DeliveryAttempt shared = verified(false);
    RecipientResult a = new RecipientResult("a@example.test", Status.DELIVERED, List.of(shared), "delivered", null);
    RecipientResult b = new RecipientResult("b@example.test", Status.DELIVERED, List.of(shared), "delivered", null);
    Map<String, Object> doc = parse(ReportJson.write(new DeliveryReport(List.of(a, b))));

    assertThat(recipients(doc)).allSatisfy(r -> assertThat(attempts(r)).hasSize(1));
    assertThat(doc.get("summary")).isEqualTo(Map.of("recipients", 2L, "delivered", 2L, "deferred", 0L,
        "failed", 0L, "attempts", 1L, "handshakes", 1L, "reused_connections", 0L));
  }

  @Test
  @DisplayName("OUT-1: the overall status is the worst recipient's")
  void out1_reportJsonStatusIsTheWorstRecipients() {
    RecipientResult ok = new RecipientResult("a@example.test", Status.DELIVERED, List.of(verified(false)), "ok",
        null);
    RecipientResult later = new RecipientResult("b@example.test", Status.DEFERRED, List.of(), "later", null);
    assertThat(parse(ReportJson.write(new DeliveryReport(List.of(ok))))).containsEntry("status", "delivered");
    assertThat(parse(ReportJson.write(new DeliveryReport(List.of(ok, later))))).containsEntry("status", "deferred");
    assertThat(parse(ReportJson.write(new DeliveryReport(List.of())))).containsEntry("status", "delivered")
        .containsEntry("recipients", List.of());
  }

  @Test
  @DisplayName("OUT-1: CR, LF, quotes, backslashes, U+2028, every control and non-BMP character are escaped")
  void out1_reportJsonEscapesEveryControlCharacter() {
    StringBuilder controls = new StringBuilder();
    for (char c = 0; c < 0x20; c++) {
      controls.append(c);
    }
    for (char c = 0x7f; c <= 0x9f; c++) {
      controls.append(c);
    }
    String recipient = "ivy\r\n\"x\"\\@Example.test";
    String reason = "550 \"no\" \\ here\r\nline2\u2028\u2029\u202e\ufeff é ✓ \ud83d\ude00 " + controls;
    String detail = "reply\r\n.\r\nQUIT\u0000";
    DeliveryAttempt attempt = new DeliveryAttempt(DANE, ip("mx1.hosting.test", 1), TlsVerdict.FAILED, null, null,
        null, null, false, detail);
    RecipientResult r = new RecipientResult(recipient, Status.FAILED, List.of(attempt), reason, null);
    String json = ReportJson.write(new DeliveryReport(List.of(r)));

    for (String line : json.split("\n", -1)) {
      assertThat(line.chars()).as(line).allMatch(c -> c >= 0x20 && c < 0x7f);
    }
    assertThat(json).contains("\"ivy\\r\\n\\\"x\\\"\\\\@Example.test\"")
        .contains("\\u2028\\u2029\\u202e\\ufeff \\u00e9 \\u2713 \\ud83d\\ude00 ")
        .contains("\\u0000\\u0001").contains("\\b\\t\\n\\u000b\\f\\r").contains("\\u001f\\u007f\\u0080")
        .contains("\\u009f\"").contains("\"reply\\r\\n.\\r\\nQUIT\\u0000\"");
    Map<String, Object> doc = parse(json);
    assertThat(recipients(doc).get(0)).containsEntry("recipient", recipient).containsEntry("reason", reason)
        .containsEntry("domain", "example.test");
    assertThat(attempts(recipients(doc).get(0)).get(0)).containsEntry("reason", detail);
  }

  @Test
  @DisplayName("OUT-1: an unpaired surrogate, which no encoding carries, is written as U+FFFD")
  void out1_reportJsonReplacesAnUnpairedSurrogate() {
    RecipientResult r = new RecipientResult("a@example.test", Status.FAILED, List.of(),
        "high \ud83d alone, low \ude00 alone, reversed \ude00\ud83d", null);
    String json = ReportJson.write(new DeliveryReport(List.of(r)));

    assertThat(recipients(parse(json)).get(0)).containsEntry("reason",
        "high \ufffd alone, low \ufffd alone, reversed \ufffd\ufffd");
  }

  @Test
  @DisplayName("DNS-4: the report's DNSSEC probe state and its explanation are in the JSON")
  void dns4_reportJsonCarriesTheDnssecProbe() {
    DnssecProbe probe = new DnssecProbe(DnssecProbe.State.NOT_VALIDATING, mock(DnsAnswer.class),
        "the resolver at 127.0.0.1:53 returned the root SOA without the AD bit");
    Map<String, Object> doc = parse(ReportJson.write(new DeliveryReport(List.of(), probe)));

    assertThat(doc).containsEntry("dnssec_validation", "not-validating")
        .containsEntry("dnssec_explanation", "the resolver at 127.0.0.1:53 returned the root SOA without the AD bit");
  }

  @Test
  @DisplayName("OUT-1: the caller's fields follow schema_version in the caller's order; schema keys are refused")
  void out1_callerFieldsFollowTheSchemaVersion() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("command", "send");
    fields.put("from", null);
    fields.put("exit_code", 2);
    fields.put("dry_run", false);
    fields.put("id", 7L);
    Map<String, Object> doc = parse(ReportJson.write(new DeliveryReport(List.of()), fields));

    assertThat(doc.keySet()).containsExactly("schema_version", "command", "from", "exit_code", "dry_run", "id",
        "status", "dnssec_validation", "dnssec_explanation", "summary", "recipients");
    assertThat(doc).containsEntry("schema_version", 1L).containsEntry("from", null).containsEntry("exit_code", 2L)
        .containsEntry("dry_run", false);
    DeliveryReport empty = new DeliveryReport(List.of());
    assertThatThrownBy(() -> ReportJson.write(empty, Map.of("status", "ok")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'status'");
    assertThatThrownBy(() -> ReportJson.write(empty, Map.of("when", Instant.EPOCH)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'when'");
  }

  @Test
  @DisplayName("POL-3: each recipient and attempt says which policy applied (policy_type, sts_mode); STS verified")
  void pol3_reportSaysWhichPolicyApplied() {
    org.dane4j.sts.StsPolicy enforce = org.dane4j.sts.StsPolicy.parse(
        "version: STSv1\nmode: enforce\nmx: mx.sts.test\nmax_age: 86400\n");
    MxRoute sts = MxRoute.builder("mx.sts.test", 10, 25, Clock.systemUTC()).sts(enforce, null)
        .require(TlsRequirement.STS, "test route");
    DeliveryAttempt stsVerified = new DeliveryAttempt(sts, ip("mx.sts.test", 7), sts.verdict(true, true), null,
        "TLSv1.3", "TLS_AES_128_GCM_SHA256", null, false, "250 ok");
    RecipientResult dave = new RecipientResult("dave@sts.test", Status.DELIVERED,
        List.of(daneFailed(), stsVerified), "delivered", null);
    RecipientResult carol = new RecipientResult("carol@plain.test", Status.DELIVERED, List.of(cleartext()),
        "delivered", null);
    RecipientResult erin = new RecipientResult("erin@none.test", Status.DEFERRED, List.of(), "MX lookup failed",
        null);
    Map<String, Object> doc = parse(ReportJson.write(new DeliveryReport(List.of(dave, carol, erin))));
    Map<String, Object> r = recipients(doc).get(0);
    assertThat(r).containsEntry("requirement", "sts").containsEntry("verdict", "verified")
        .containsEntry("policy_type", "sts").containsEntry("sts_mode", "enforce");
    assertThat(attempts(r).get(0)).containsEntry("policy_type", "tlsa").containsEntry("sts_mode", null);
    assertThat(attempts(r).get(1)).containsEntry("requirement", "sts").containsEntry("verdict", "verified")
        .containsEntry("policy_type", "sts").containsEntry("sts_mode", "enforce");
    assertThat(recipients(doc).get(1)).containsEntry("policy_type", "no-policy-found").containsEntry("sts_mode", null);
    assertThat(recipients(doc).get(2)).containsEntry("policy_type", "no-policy-found").containsEntry("sts_mode", null);
  }
}
