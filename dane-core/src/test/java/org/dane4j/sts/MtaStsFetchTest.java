package org.dane4j.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.dane4j.testkit.dns.DnsFault;
import org.dane4j.testkit.sts.StsFault;
import org.dane4j.testkit.sts.StsPolicyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.Type;

/** Discovery and fetch (RFC 8461 §3.1, §3.3; checklist STS-1), on the testkit's signed DNS and HTTPS server. */
class MtaStsFetchTest {
  private final StsLab lab = new StsLab();

  @AfterEach
  void close() {
    lab.close();
  }

  @Test
  @DisplayName("STS-1: one v=STSv1 record: the policy is fetched over HTTPS with SNI and Host mta-sts.<domain>")
  void sts1_fetchesPolicy() {
    StsLookup found = lab.lookup("Example.Test.");
    assertThat(found.status()).isEqualTo(StsLookup.Status.POLICY);
    assertThat(found.domain()).isEqualTo("example.test");
    assertThat(found.enforce()).isTrue();
    assertThat(found.fromCache()).isFalse();
    assertThat(found.reason()).isEmpty();
    assertThat(found.entry().orElseThrow().id()).isEqualTo("v1");
    assertThat(found.policy().orElseThrow().text()).isEqualTo(StsLab.ENFORCE);
    assertThat(found.validUntil()).contains(StsLab.START.plus(Duration.ofDays(1)));
    StsPolicyServer.Request request = lab.https.requests().get(0);
    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.target()).isEqualTo("/.well-known/mta-sts.txt");
    assertThat(request.host()).isEqualTo("mta-sts.example.test:" + lab.https.port());
    assertThat(request.sniName()).isEqualTo("mta-sts.example.test");
  }

  @Test
  @DisplayName("STS-1: no TXT at _mta-sts (secure NXDOMAIN, NODATA, or only other TXT records) is no policy, and nothing is fetched")
  void sts1_noRecordIsNoPolicy() {
    lab.example.remove("_mta-sts.example.test.", Type.TXT);
    assertThat(lab.lookup("example.test").status()).isEqualTo(StsLookup.Status.NO_POLICY);
    lab.example.add("_mta-sts.example.test. 300 IN TXT \"v=spf1 -all\"");
    StsLookup other = lab.lookup("example.test");
    assertThat(other.status()).isEqualTo(StsLookup.Status.NO_POLICY);
    assertThat(other.reason().orElseThrow()).contains("no TXT record starts with v=STSv1");
    assertThat(other.failure()).isEmpty();
    assertThat(lab.https.requests()).isEmpty();
  }

  @Test
  @DisplayName("The JDK trust store is read on the first policy fetch, not when MtaSts is built")
  void webPkiTrustIsReadOnFirstFetch() {
    MtaSts sts = lab.sts();
    assertThat(sts.webPkiBuilt()).isFalse();
    assertThat(sts.policy("example.test").join().status()).isEqualTo(StsLookup.Status.POLICY);
    assertThat(sts.webPkiBuilt()).isTrue();
    assertThat(sts.webPkiTrustManager()).isSameAs(sts.webPkiTrustManager());
  }

  @Test
  @DisplayName("A domain without a policy never makes MtaSts read the JDK trust store (a short CLI run starts faster)")
  void webPkiTrustIsNotReadWithoutAPolicy() {
    lab.example.remove("_mta-sts.example.test.", Type.TXT);
    MtaSts sts = lab.sts();
    assertThat(sts.policy("example.test").join().status()).isEqualTo(StsLookup.Status.NO_POLICY);
    assertThat(sts.webPkiBuilt()).isFalse();
  }

  @Test
  @DisplayName("STS-1: more than one v=STSv1 record is no policy (RFC 8461 §3.1), and nothing is fetched")
  void sts1_twoRecordsAreNoPolicy() {
    lab.example.add("_mta-sts.example.test. 300 IN TXT \"v=STSv1; id=v2;\"");
    StsLookup found = lab.lookup("example.test");
    assertThat(found.status()).isEqualTo(StsLookup.Status.NO_POLICY);
    assertThat(found.reason().orElseThrow()).contains("2 TXT records start with v=STSv1");
    assertThat(lab.https.requests()).isEmpty();
  }

  @Test
  @DisplayName("STS-1: a v=STSv1 record with an invalid id is no policy")
  void sts1_invalidIdIsNoPolicy() {
    lab.example.remove("_mta-sts.example.test.", Type.TXT);
    lab.example.add("_mta-sts.example.test. 300 IN TXT \"v=STSv1; id=" + "x".repeat(33) + ";\"");
    StsLookup found = lab.lookup("example.test");
    assertThat(found.status()).isEqualTo(StsLookup.Status.NO_POLICY);
    assertThat(found.reason().orElseThrow()).contains("1 to 32 letters or digits");
    assertThat(lab.https.requests()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(value = DnsFault.class, names = {"SERVFAIL", "TIMEOUT", "CORRUPT_RRSIG", "EXPIRED_RRSIG", "MISSING_RRSIG"})
  @DisplayName("STS-1: a failed or bogus TXT lookup is a temporary failure, never \"no policy\"")
  void sts1_dnsFailureIsTemporary(DnsFault fault) {
    lab.world.fault("_mta-sts.example.test.", Type.TXT, fault);
    StsLookup found = lab.lookup("example.test");
    assertThat(found.status()).isEqualTo(StsLookup.Status.TEMPORARY_FAILURE);
    assertThat(found.reason().orElseThrow()).contains("TXT lookup of _mta-sts.example.test failed")
        .contains("not \"no policy\"");
    assertThat(found.policy()).isEmpty();
    assertThat(lab.https.requests()).isEmpty();
  }

  @Test
  @DisplayName("STS-1: a CNAME at the TXT name is followed")
  void sts1_cnameFollowed() {
    lab.example.remove("_mta-sts.example.test.", Type.TXT);
    lab.example.add("_mta-sts.example.test. 300 IN CNAME sts-record.example.test.",
        "sts-record.example.test. 300 IN TXT \"v=STSv1; id=viaCname;\"");
    StsLookup found = lab.lookup("example.test");
    assertThat(found.status()).isEqualTo(StsLookup.Status.POLICY);
    assertThat(found.entry().orElseThrow().id()).isEqualTo("viaCname");
  }

  @Test
  @DisplayName("STS-1: MTA-STS does not need DNSSEC: an unsigned domain's record and policy host are used")
  void sts1_insecureDomainWorks() {
    try (StsPolicyServer other = StsPolicyServer.builder("insecure.test").issuer(lab.ca).address("127.0.0.6")
        .policy(StsPolicyServer.policyText("testing", 3600, "mx.insecure.test")).port(lab.https.port()).start()) {
      other.publish(lab.insecure, "i1");
      StsLookup found = lab.lookup("insecure.test");
      assertThat(found.status()).isEqualTo(StsLookup.Status.POLICY);
      assertThat(found.policy().orElseThrow().mode()).isEqualTo(StsMode.TESTING);
    }
  }

  @Test
  @DisplayName("STS-1: a policy host without an address is a fetch error, and no policy")
  void sts1_policyHostWithoutAddress() {
    lab.example.remove("mta-sts.example.test.", Type.A);
    StsLookup found = lab.lookup("example.test");
    assertThat(found.status()).isEqualTo(StsLookup.Status.NO_POLICY);
    assertThat(found.failure()).contains(StsFailure.POLICY_FETCH_ERROR);
    assertThat(found.reason().orElseThrow()).contains("no address for mta-sts.example.test");
  }

  @Test
  @DisplayName("STS-1: a 3xx is a failure: the redirect is not followed (RFC 8461 §3.3)")
  void sts1_redirectNotFollowed() {
    lab.https.fault(StsFault.REDIRECT);
    StsLookup found = lab.lookup("example.test");
    assertFetchFailed(found, StsFailure.POLICY_FETCH_ERROR, "HTTP 302 redirect", "not followed");
    assertThat(lab.https.requests()).extracting(StsPolicyServer.Request::target)
        .containsExactly("/.well-known/mta-sts.txt");
  }

  @Test
  @DisplayName("STS-1: status 404 and 500 are failures: only 200 is a policy")
  void sts1_onlyStatus200() {
    lab.sts(b -> b.failureBackoff(Duration.ZERO));
    lab.https.fault(StsFault.NOT_FOUND);
    assertFetchFailed(lab.lookup("example.test"), StsFailure.POLICY_FETCH_ERROR, "HTTP 404", "only 200 OK");
    lab.https.fault(StsFault.SERVER_ERROR);
    assertFetchFailed(lab.lookup("example.test"), StsFailure.POLICY_FETCH_ERROR, "HTTP 500", "only 200 OK");
  }

  @Test
  @DisplayName("STS-1: Content-Type must be text/plain (parameters allowed); a missing or other type fails unless lenient")
  void sts1_contentType() {
    lab.sts(b -> b.failureBackoff(Duration.ZERO));
    lab.https.fault(StsFault.WRONG_CONTENT_TYPE);
    assertFetchFailed(lab.lookup("example.test"), StsFailure.POLICY_INVALID, "Content-Type \"text/html\"",
        "lenientContentType");
    lab.https.fault(StsFault.NO_CONTENT_TYPE);
    assertFetchFailed(lab.lookup("example.test"), StsFailure.POLICY_INVALID, "no Content-Type");

    lab.sts(b -> b.lenientContentType(true));
    lab.https.fault(StsFault.WRONG_CONTENT_TYPE);
    assertThat(lab.lookup("example.test").status()).isEqualTo(StsLookup.Status.POLICY);
  }

  @ParameterizedTest
  @EnumSource(value = StsFault.class, names = {"OVERSIZE", "OVERSIZE_CHUNKED"})
  @DisplayName("STS-1: a body over the size cap fails, declared or not, naming the limit")
  void sts1_sizeCap(StsFault fault) {
    lab.https.fault(fault);
    assertFetchFailed(lab.lookup("example.test"), StsFailure.POLICY_FETCH_ERROR, "exceeds the limit of 65536 bytes",
        "DEFAULT_MAX_POLICY_BYTES");
  }

  @Test
  @DisplayName("STS-1: the size cap is a setting; a policy within it is read in full")
  void sts1_sizeCapIsASetting() {
    lab.sts(b -> b.maxPolicyBytes(64));
    assertFetchFailed(lab.lookup("example.test"), StsFailure.POLICY_FETCH_ERROR, "exceeds the limit of 64 bytes");
    lab.sts(b -> b.maxPolicyBytes(StsLab.ENFORCE.length()));
    assertThat(lab.lookup("example.test").status()).isEqualTo(StsLookup.Status.POLICY);
  }

  @ParameterizedTest
  @EnumSource(value = StsFault.class, names = {"TRICKLE", "NO_RESPONSE"})
  @DisplayName("STS-1: a server that trickles or stalls ends the fetch at the overall deadline, naming it")
  void sts1_deadline(StsFault fault) {
    lab.sts(b -> b.fetchTimeout(Duration.ofSeconds(1)));
    lab.https.fault(fault);
    long start = System.nanoTime();
    StsLookup found = lab.lookup("example.test");
    assertFetchFailed(found, StsFailure.POLICY_FETCH_ERROR, "did not finish within 1000 ms", "fetchTimeout");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @ParameterizedTest
  @EnumSource(value = StsFault.class,
      names = {"WRONG_NAME_CERTIFICATE", "UNTRUSTED_CERTIFICATE", "EXPIRED_CERTIFICATE"})
  @DisplayName("STS-1: the policy host's certificate must be WebPKI-valid for mta-sts.<domain>")
  void sts1_webPki(StsFault fault) {
    lab.https.fault(fault);
    assertFetchFailed(lab.lookup("example.test"), StsFailure.WEBPKI_INVALID, "failed WebPKI validation");
    assertThat(lab.https.requests()).isEmpty();
  }

  @Test
  @DisplayName("STS-1: without the private CA as an extra anchor the fetch fails: nothing is trusted by default but the JDK's store")
  void sts1_noTrustAll() {
    lab.sts(b -> MtaSts.builder(lab.resolver()).clock(lab.clock).policyPort(lab.https.port()));
    assertFetchFailed(lab.lookup("example.test"), StsFailure.WEBPKI_INVALID, "failed WebPKI validation");
  }

  @Test
  @DisplayName("STS-1: extra trust anchors are read from PEM")
  void sts1_extraAnchorsFromPem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path pem = dir.resolve("ca.pem");
    java.nio.file.Files.writeString(pem, "a comment\n" + org.dane4j.testkit.Pem.encode(lab.ca.certificate()));
    lab.sts(b -> MtaSts.builder(lab.resolver()).clock(lab.clock).policyPort(lab.https.port()).extraTrustAnchors(pem));
    assertThat(lab.lookup("example.test").status()).isEqualTo(StsLookup.Status.POLICY);
  }

  @Test
  @DisplayName("STS-1: an invalid policy body is sts-policy-invalid, and no policy")
  void sts1_invalidBody() {
    lab.https.policy("version: STSv1\nmode: enforce\nmax_age: 600\n");
    assertFetchFailed(lab.lookup("example.test"), StsFailure.POLICY_INVALID, "no mx field");
  }

  private static void assertFetchFailed(StsLookup found, StsFailure failure, String... words) {
    assertThat(found.status()).as(found.toString()).isEqualTo(StsLookup.Status.NO_POLICY);
    assertThat(found.failure()).contains(failure);
    assertThat(found.reason().orElseThrow()).contains(List.of(words));
  }
}
