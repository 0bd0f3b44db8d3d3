package org.dane4j.tlsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dane4j.tlsa.TestChains.INTERMEDIATE;
import static org.dane4j.tlsa.TestChains.IN_A_YEAR;
import static org.dane4j.tlsa.TestChains.LEAF;
import static org.dane4j.tlsa.TestChains.NOW;
import static org.dane4j.tlsa.TestChains.ROOT;
import static org.dane4j.tlsa.TestChains.YEAR_AGO;
import static org.dane4j.tlsa.TestChains.chain;
import static org.dane4j.tlsa.TestChains.ee311;
import static org.dane4j.tlsa.TestChains.record;
import static org.dane4j.tlsa.TestChains.ta211;
import static org.dane4j.tlsa.TestChains.wrong;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The matching rules of RFC 7672 §3 and RFC 7671, one checklist ID per group of tests. */
class DaneVerifierTest {
  private static final List<String> NAMES = List.of("mx.example.com", "example.com");
  private final DaneVerifier verifier = DaneVerifier.defaults();

  private DaneVerification verify(List<X509Certificate> chain, TlsaRecord... records) {
    return verifier.verify(chain, List.of(records), NAMES, NOW);
  }

  // USE-1 .. USE-5: which records count

  @DisplayName("USE-1: pkix usages are unusable even when they match")
  @Test
  void use1_pkixUsagesAreUnusableEvenWhenTheyMatch() {
    DaneVerification v = verify(chain(), record(LEAF.certificate(), 1, 1, 1),
        record(INTERMEDIATE.certificate(), 0, 1, 1));
    assertThat(v.verified()).isFalse();
    assertThat(v.failureType()).contains(FailureType.TLSA_INVALID);
    assertThat(v.report()).contains("[unusable: usage PKIX-EE(1) is not usable for SMTP");
  }

  @DisplayName("USE-2: unknown fields and disabled digests are unusable")
  @Test
  void use2_unknownFieldsAndDisabledDigestsAreUnusable() {
    TlsaRecord unknownUsage = TlsaRecord.parse("4 1 1 " + ee311(LEAF).dataHex());
    TlsaRecord unknownSelector = TlsaRecord.parse("3 2 1 " + ee311(LEAF).dataHex());
    TlsaRecord unknownType = TlsaRecord.parse("3 1 3 " + ee311(LEAF).dataHex());
    assertThat(List.of(unknownUsage, unknownSelector, unknownType)).noneMatch(TlsaRecord::usableForSmtp);
    assertThat(verify(chain(), unknownUsage, unknownSelector, unknownType).failureType())
        .contains(FailureType.TLSA_INVALID);

    DaneVerifier noSha256 = DaneVerifier.builder().disableMatchingType(MatchingType.SHA2_256).build();
    DaneVerification v = noSha256.verify(chain(), List.of(ee311(LEAF)), NAMES, NOW);
    assertThat(v.failureType()).contains(FailureType.TLSA_INVALID);
    assertThat(noSha256.verify(chain(), List.of(record(LEAF.certificate(), 3, 1, 2)), NAMES, NOW).verified())
        .isTrue();
  }

  @DisplayName("USE-3: malformed data is skipped not fatal")
  @Test
  void use3_malformedDataIsSkippedNotFatal() {
    TlsaRecord shortSha256 = TlsaRecord.parse("3 1 1 " + "ab".repeat(31));
    TlsaRecord shortSha512 = TlsaRecord.parse("3 1 2 " + "ab".repeat(63));
    TlsaRecord garbageCert = TlsaRecord.parse("2 0 0 3082010a0282010100");
    TlsaRecord garbageKey = TlsaRecord.parse("2 1 0 30593013");
    assertThat(List.of(shortSha256, shortSha512, garbageCert, garbageKey)).noneMatch(TlsaRecord::usableForSmtp);
    assertThat(shortSha256.unusableReason()).hasValueSatisfying(r -> assertThat(r).contains("32 bytes"));
    assertThat(garbageCert.unusableReason()).hasValueSatisfying(r -> assertThat(r).contains("certificate"));

    DaneVerification v = verify(chain(), shortSha256, shortSha512, garbageCert, garbageKey);
    assertThat(v.failureType()).contains(FailureType.TLSA_INVALID);
  }

  @DisplayName("USE-4: unusable record never vetoes a usable match")
  @Test
  void use4_unusableRecordNeverVetoesAUsableMatch() {
    DaneVerification v = verify(chain(), TlsaRecord.parse("3 1 1 abcd"), record(LEAF.certificate(), 1, 1, 1),
        ee311(LEAF), TlsaRecord.parse("2 0 0 00"));
    assertThat(v.verified()).isTrue();
    assertThat(v.matchedRecord()).contains(ee311(LEAF));
  }

  @DisplayName("USE-5: all unusable never verifies")
  @Test
  void use5_allUnusableNeverVerifies() {
    DaneVerification v = verify(chain(), TlsaRecord.parse("0 0 1 " + "00".repeat(32)),
        TlsaRecord.parse("3 1 1 00"));
    assertThat(v.verified()).isFalse();
    assertThat(v.failureType()).contains(FailureType.TLSA_INVALID);
    assertThat(v.reason()).contains("no usable TLSA record");
  }

  // EE-1, EE-2: DANE-EE

  @DisplayName("EE-1: dane ee matches the leaf with every selector and type")
  @ParameterizedTest(name = "3 {0} {1}")
  @CsvSource({"0,0", "0,1", "0,2", "1,0", "1,1", "1,2"})
  void ee1_daneEeMatchesTheLeafWithEverySelectorAndType(int selector, int mtype) {
    DaneVerification v = verify(chain(), record(LEAF.certificate(), 3, selector, mtype));
    assertThat(v.verified()).isTrue();
    assertThat(v.matchDepth()).isZero();
  }

  @DisplayName("EE-1: dane ee of an issuer does not match")
  @Test
  void ee1_daneEeOfAnIssuerDoesNotMatch() {
    DaneVerification v = verify(chain(), ee311(INTERMEDIATE));
    assertThat(v.verified()).isFalse();
    assertThat(v.failureType()).contains(FailureType.CERTIFICATE_NOT_TRUSTED);
    assertThat(v.matchDepth()).isEqualTo(-1);
  }

  @DisplayName("EE-2: dane ee checks neither names nor dates")
  @Test
  void ee2_daneEeChecksNeitherNamesNorDates() {
    MintedCertificate expired = CertificateMinter.certificate().dnsNames("elsewhere.example.net")
        .issuer(INTERMEDIATE).validity(YEAR_AGO.minus(Duration.ofDays(30)), YEAR_AGO).mint();
    MintedCertificate notYetValid = CertificateMinter.certificate().commonName("not-yet.example")
        .validity(IN_A_YEAR, IN_A_YEAR.plus(Duration.ofDays(30))).mint();
    assertThat(verify(expired.chain(), ee311(expired)).verified()).isTrue();
    assertThat(verify(notYetValid.chain(), ee311(notYetValid)).verified()).isTrue();
  }

  // TA-1 .. TA-4: DANE-TA

  @DisplayName("TA-1: dane ta matches issuers at depth one or more")
  @Test
  void ta1_daneTaMatchesIssuersAtDepthOneOrMore() {
    assertThat(verify(chain(), ta211(INTERMEDIATE)).matchDepth()).isEqualTo(1);
    DaneVerification root = verify(LEAF.chainWithRoot(), ta211(ROOT));
    assertThat(root.verified()).isTrue();
    assertThat(root.matchDepth()).isEqualTo(2);
  }

  @DisplayName("TA-1: dane ta matching only the leaf fails")
  @Test
  void ta1_daneTaMatchingOnlyTheLeafFails() {
    DaneVerification v = verify(chain(), ta211(LEAF), record(LEAF.certificate(), 2, 0, 0));
    assertThat(v.verified()).isFalse();
    assertThat(v.failureType()).contains(FailureType.CERTIFICATE_NOT_TRUSTED);
    assertThat(v.reason()).contains("must match an issuer, not the leaf");
  }

  @DisplayName("TA-1: full trust anchor from dns need not be sent")
  @Test
  void ta1_fullTrustAnchorFromDnsNeedNotBeSent() {
    DaneVerification cert = verify(chain(), record(ROOT.certificate(), 2, 0, 0));
    assertThat(cert.verified()).isTrue();
    assertThat(cert.matchDepth()).isEqualTo(2);
    DaneVerification key = verify(chain(), record(ROOT.certificate(), 2, 1, 0));
    assertThat(key.verified()).isTrue();
    assertThat(key.matchDepth()).isEqualTo(1); // the depth of the certificate the key signed
    DaneVerification leafOnly = verify(List.of(LEAF.certificate()), record(INTERMEDIATE.certificate(), 2, 1, 0));
    assertThat(leafOnly.verified()).isTrue();
    assertThat(leafOnly.matchDepth()).isZero();
  }

  @DisplayName("TA-1: 210 key of a self signed leaf is the special case")
  @Test
  void ta1_210KeyOfASelfSignedLeafIsTheSpecialCase() {
    MintedCertificate selfSigned = CertificateMinter.certificate().dnsNames("mx.example.com")
        .validity(YEAR_AGO, IN_A_YEAR).mint();
    DaneVerification key = verify(selfSigned.chain(), record(selfSigned.certificate(), 2, 1, 0));
    assertThat(key.verified()).isTrue();
    assertThat(key.matchDepth()).isZero();
    // The same leaf as a 2 0 0 or a digest is a TA record matching only the leaf: no.
    assertThat(verify(selfSigned.chain(), record(selfSigned.certificate(), 2, 0, 0)).verified()).isFalse();
    assertThat(verify(selfSigned.chain(), ta211(selfSigned)).verified()).isFalse();
  }

  @DisplayName("TA-2: path is validated at the given instant")
  @Test
  void ta2_pathIsValidatedAtTheGivenInstant() {
    assertThat(verifier.verify(chain(), List.of(ta211(INTERMEDIATE)), NAMES, IN_A_YEAR.plusSeconds(1))
        .failureType()).contains(FailureType.CERTIFICATE_EXPIRED);
    assertThat(verifier.verify(chain(), List.of(ta211(INTERMEDIATE)), NAMES, YEAR_AGO.minusSeconds(1))
        .failureType()).contains(FailureType.VALIDATION_FAILURE);
  }

  @DisplayName("TA-2: valid but expired dane ta chain fails")
  @Test
  void ta2_validButExpiredDaneTaChainFails() {
    MintedCertificate expired = CertificateMinter.certificate().dnsNames("mx.example.com").issuer(INTERMEDIATE)
        .validity(YEAR_AGO, NOW.minus(Duration.ofDays(1))).mint();
    DaneVerification v = verify(expired.chain(), ta211(INTERMEDIATE));
    assertThat(v.verified()).isFalse();
    assertThat(v.failureType()).contains(FailureType.CERTIFICATE_EXPIRED);
    assertThat(v.matchedRecord()).contains(ta211(INTERMEDIATE));
    assertThat(v.matchDepth()).isEqualTo(1);
    assertThat(v.reason()).contains("certificate expired at depth 0");
  }

  @DisplayName("TA-2: expired intermediate below the anchor fails")
  @Test
  void ta2_expiredIntermediateBelowTheAnchorFails() {
    MintedCertificate oldCa = CertificateMinter.certificate().commonName("Old CA").ca().issuer(ROOT)
        .validity(YEAR_AGO, NOW.minus(Duration.ofDays(1))).mint();
    MintedCertificate leaf = CertificateMinter.certificate().dnsNames("mx.example.com").issuer(oldCa)
        .validity(YEAR_AGO, IN_A_YEAR).mint();
    assertThat(verify(leaf.chainWithRoot(), ta211(ROOT)).failureType()).contains(FailureType.CERTIFICATE_EXPIRED);
  }

  @DisplayName("TA-2: signature by another key fails")
  @Test
  void ta2_signatureByAnotherKeyFails() {
    MintedCertificate impostorCa = CertificateMinter.certificate().commonName("Test Issuing CA").ca()
        .validity(YEAR_AGO, IN_A_YEAR).mint(); // same name as INTERMEDIATE, other key
    MintedCertificate leaf = CertificateMinter.certificate().dnsNames("mx.example.com").issuer(impostorCa)
        .validity(YEAR_AGO, IN_A_YEAR).mint();
    List<X509Certificate> forged = List.of(leaf.certificate(), INTERMEDIATE.certificate());
    DaneVerification v = verify(forged, ta211(INTERMEDIATE));
    assertThat(v.verified()).isFalse();
    assertThat(v.failureType()).contains(FailureType.CERTIFICATE_NOT_TRUSTED);
    assertThat(v.reason()).contains("the path from the leaf does not validate");
  }

  @DisplayName("TA-2: non ca issuer and path length are enforced")
  @Test
  void ta2_nonCaIssuerAndPathLengthAreEnforced() {
    MintedCertificate notCa = CertificateMinter.certificate().commonName("Not A CA").issuer(ROOT)
        .validity(YEAR_AGO, IN_A_YEAR).mint();
    MintedCertificate underNotCa = CertificateMinter.certificate().dnsNames("mx.example.com").issuer(notCa)
        .validity(YEAR_AGO, IN_A_YEAR).mint();
    assertThat(verify(underNotCa.chainWithRoot(), ta211(ROOT)).verified()).isFalse();

    // INTERMEDIATE has pathLen 0: a CA below it must not issue.
    MintedCertificate subCa = CertificateMinter.certificate().commonName("Sub CA").ca().issuer(INTERMEDIATE)
        .validity(YEAR_AGO, IN_A_YEAR).mint();
    MintedCertificate deep = CertificateMinter.certificate().dnsNames("mx.example.com").issuer(subCa)
        .validity(YEAR_AGO, IN_A_YEAR).mint();
    assertThat(verify(deep.chainWithRoot(), ta211(ROOT)).failureType())
        .contains(FailureType.CERTIFICATE_NOT_TRUSTED);
    assertThat(verify(deep.chainWithRoot(), ta211(subCa)).verified()).isTrue();
  }

  @DisplayName("TA-5: a trust anchor from the chain keeps its own path length constraint")
  @Test
  void ta5_anchorPathLengthApplies() {
    MintedCertificate root0 = CertificateMinter.certificate().commonName("Root pathLen 0").ca(0)
        .validity(YEAR_AGO, IN_A_YEAR).mint();
    MintedCertificate sub = CertificateMinter.certificate().commonName("Sub CA").ca().issuer(root0)
        .validity(YEAR_AGO, IN_A_YEAR).mint();
    MintedCertificate leaf = CertificateMinter.certificate().dnsNames("mx.example.com").issuer(sub)
        .validity(YEAR_AGO, IN_A_YEAR).mint();
    DaneVerification v = verify(leaf.chainWithRoot(), ta211(root0));
    assertThat(v.verified()).as("%s", v).isFalse();
    assertThat(v.failureType()).contains(FailureType.CERTIFICATE_NOT_TRUSTED);
    assertThat(v.reason()).contains("path length constraint");
    assertThat(verify(leaf.chainWithRoot(), ta211(sub)).verified()).isTrue();
  }

  @DisplayName("TA-5: a 2 0 0 trust anchor from DNS keeps its own path length constraint")
  @Test
  void ta5_fullCertificateAnchorFromDnsPathLengthApplies() {
    MintedCertificate root0 = CertificateMinter.certificate().commonName("Root pathLen 0").ca(0)
        .validity(YEAR_AGO, IN_A_YEAR).mint();
    MintedCertificate sub = CertificateMinter.certificate().commonName("Sub CA").ca().issuer(root0)
        .validity(YEAR_AGO, IN_A_YEAR).mint();
    MintedCertificate leaf = CertificateMinter.certificate().dnsNames("mx.example.com").issuer(sub)
        .validity(YEAR_AGO, IN_A_YEAR).mint();
    DaneVerification v = verify(leaf.chain(), record(root0.certificate(), 2, 0, 0));
    assertThat(v.verified()).as("%s", v).isFalse();
    assertThat(v.reason()).contains("path length constraint");
  }

  @DisplayName("TA-5: a trust anchor that is not a CA authenticates nothing")
  @Test
  void ta5_nonCaAnchorIsRefused() {
    MintedCertificate notCa = CertificateMinter.certificate().commonName("Not A CA")
        .validity(YEAR_AGO, IN_A_YEAR).mint();
    MintedCertificate leaf = CertificateMinter.certificate().dnsNames("mx.example.com").issuer(notCa)
        .validity(YEAR_AGO, IN_A_YEAR).mint();
    DaneVerification v = verify(leaf.chainWithRoot(), ta211(notCa));
    assertThat(v.verified()).as("%s", v).isFalse();
    assertThat(v.reason()).contains("not a CA certificate");
  }

  @DisplayName("TA-5: the trust anchor's name constraints bind the leaf")
  @Test
  void ta5_anchorNameConstraintsApply() {
    MintedCertificate constrained = CertificateMinter.certificate().commonName("Constrained CA").ca()
        .permittedDnsNames("example.org").validity(YEAR_AGO, IN_A_YEAR).mint();
    MintedCertificate outside = CertificateMinter.certificate().dnsNames("mx.example.com")
        .issuer(constrained).validity(YEAR_AGO, IN_A_YEAR).mint();
    DaneVerification v = verify(outside.chainWithRoot(), ta211(constrained));
    assertThat(v.verified()).as("%s", v.reason()).isFalse();
    assertThat(v.failureType()).as("%s", v.reason()).contains(FailureType.CERTIFICATE_NOT_TRUSTED);
    assertThat(v.reason()).contains("outside the trust anchor's permitted names");
    MintedCertificate inside = CertificateMinter.certificate().dnsNames("mx.example.org")
        .issuer(constrained).validity(YEAR_AGO, IN_A_YEAR).mint();
    assertThat(verifier.verify(inside.chainWithRoot(), List.of(ta211(constrained)), List.of("mx.example.org"),
        NOW).verified()).isTrue();
  }

  @DisplayName("TA-3: any reference name authenticates")
  @Test
  void ta3_anyReferenceNameAuthenticates() {
    MintedCertificate nextHopOnly = TestChains.leaf("example.com");
    assertThat(verify(nextHopOnly.chain(), ta211(INTERMEDIATE)).verified()).isTrue();
    MintedCertificate other = TestChains.leaf("mail.example.org");
    DaneVerification v = verify(other.chain(), ta211(INTERMEDIATE));
    assertThat(v.failureType()).contains(FailureType.CERTIFICATE_HOST_MISMATCH);
    assertThat(v.matchDepth()).isEqualTo(1);
    assertThat(v.reason()).contains("[mail.example.org]").contains("mx.example.com");
  }

  @DisplayName("TA-3: no reference names means no dane ta match")
  @Test
  void ta3_noReferenceNamesMeansNoDaneTaMatch() {
    DaneVerification v = verifier.verify(chain(), List.of(ta211(INTERMEDIATE)), List.of(), NOW);
    assertThat(v.failureType()).contains(FailureType.CERTIFICATE_HOST_MISMATCH);
  }

  @DisplayName("TA-4: san wins over common name")
  @Test
  void ta4_sanWinsOverCommonName() {
    MintedCertificate cnRightSanWrong = CertificateMinter.certificate().commonName("mx.example.com")
        .dnsNames("other.example.net").issuer(INTERMEDIATE).validity(YEAR_AGO, IN_A_YEAR).mint();
    assertThat(verify(cnRightSanWrong.chain(), ta211(INTERMEDIATE)).failureType())
        .contains(FailureType.CERTIFICATE_HOST_MISMATCH);
    MintedCertificate cnOnly = CertificateMinter.certificate().subject("O=Example, CN=MX.Example.COM")
        .issuer(INTERMEDIATE).validity(YEAR_AGO, IN_A_YEAR).mint();
    assertThat(verify(cnOnly.chain(), ta211(INTERMEDIATE)).verified()).isTrue();
  }

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource({
      "*.example.com, mx.example.com, true",
      "*.example.com, a.mx.example.com, false",
      "*.example.com, example.com, false",
      "f*.example.com, foo.example.com, false",
      "*.com, example.com, false",
      "*, com, false",
      "MX.EXAMPLE.COM., mx.example.com, true",
      "mx.example.com, MX.Example.Com., true",
      "xn--bcher-kva.example, bücher.example, true",
      "XN--BCHER-KVA.example, xn--bcher-kva.example, true",
      "mx.example.com, mx.example.co, false"})
  void ta4_nameMatching(String presented, String reference, boolean matches) {
    MintedCertificate leaf = TestChains.leaf(presented);
    DaneVerification v = verifier.verify(leaf.chain(), List.of(ta211(INTERMEDIATE)), List.of(reference), NOW);
    assertThat(v.verified()).as("%s", v).isEqualTo(matches);
  }

  @ParameterizedTest(name = "CN {0} vs {1}")
  @CsvSource({
      "mx。example。com, mx.example.com",
      "ｍｘ.example.com, mx.example.com",
      "bücher.example, xn--bcher-kva.example",
      "mx.example.com\u0000.evil.test, mx.example.com"})
  @DisplayName("TA-4: a presented name that is not ASCII host syntax matches nothing (no IDNA look-alikes)")
  void ta4_nonAsciiPresentedNamesMatchNothing(String presentedCn, String reference) {
    MintedCertificate cnOnly = CertificateMinter.certificate().commonName(presentedCn)
        .issuer(INTERMEDIATE).validity(YEAR_AGO, IN_A_YEAR).mint();
    DaneVerification v = verifier.verify(cnOnly.chain(), List.of(ta211(INTERMEDIATE)), List.of(reference), NOW);
    assertThat(v.verified()).as("%s", v).isFalse();
    assertThat(v.failureType()).contains(FailureType.CERTIFICATE_HOST_MISMATCH);
  }

  // MIX-1, DIG-1

  @DisplayName("MIX-1: any single usable match authenticates")
  @Test
  void mix1_anySingleUsableMatchAuthenticates() {
    DaneVerification v = verify(chain(), wrong(3, 1, 1), wrong(2, 0, 1), ta211(INTERMEDIATE), wrong(3, 0, 1));
    assertThat(v.verified()).isTrue();
    assertThat(v.matchDepth()).isEqualTo(1);
  }

  @DisplayName("DIG-1: wrong stronger digest hides right weaker one")
  @Test
  void dig1_wrongStrongerDigestHidesRightWeakerOne() {
    DaneVerification v = verify(chain(), ee311(LEAF), wrong(3, 1, 2));
    assertThat(v.verified()).isFalse();
    assertThat(v.failureType()).contains(FailureType.CERTIFICATE_NOT_TRUSTED);
  }

  @DisplayName("DIG-1: other usage selector pairs are independent")
  @Test
  void dig1_otherUsageSelectorPairsAreIndependent() {
    DaneVerification v = verify(chain(), ee311(LEAF), record(INTERMEDIATE.certificate(), 2, 0, 2));
    assertThat(v.verified()).isTrue();
    assertThat(verify(chain(), ee311(LEAF), wrong(2, 0, 2)).verified()).isTrue();
  }

  @DisplayName("DIG-1: full data always counts")
  @Test
  void dig1_fullDataAlwaysCounts() {
    assertThat(verify(chain(), record(LEAF.certificate(), 3, 1, 0), wrong(3, 1, 2)).verified()).isTrue();
  }

  // Limits and bad input

  @Test
  void emptyOrNullChainIsAFailureNotAnException() {
    assertThat(verifier.verify(null, List.of(ee311(LEAF)), NAMES, NOW).failureType())
        .contains(FailureType.VALIDATION_FAILURE);
    assertThat(verifier.verify(List.of(), List.of(ee311(LEAF)), NAMES, NOW).reason())
        .contains("no certificate");
  }

  @Test
  void chainLongerThanTheLimitFailsNamingIt() {
    List<X509Certificate> long17 = new ArrayList<>(Collections.nCopies(17, INTERMEDIATE.certificate()));
    long17.set(0, LEAF.certificate());
    DaneVerification v = verify(long17, ee311(LEAF));
    assertThat(v.failureType()).contains(FailureType.VALIDATION_FAILURE);
    assertThat(v.reason()).contains("17 certificates").contains("limit of 16").contains("maxChainLength");
  }

  @Test
  void rrsetLargerThanTheLimitFailsNamingIt() {
    List<TlsaRecord> many = new ArrayList<>(Collections.nCopies(64, wrong(3, 1, 1)));
    many.add(ee311(LEAF));
    DaneVerification v = verifier.verify(chain(), many, NAMES, NOW);
    assertThat(v.failureType()).contains(FailureType.TLSA_INVALID);
    assertThat(v.reason()).contains("65 records").contains("limit of 64").contains("maxTlsaRecords");
    assertThat(verifier.verify(chain(), many.subList(1, 65), NAMES, NOW).verified()).isTrue();
  }

  @Test
  void outOfOrderChainIsPutInIssuerOrder() {
    List<X509Certificate> shuffled = List.of(LEAF.certificate(), ROOT.certificate(), INTERMEDIATE.certificate());
    DaneVerification v = verify(shuffled, ta211(ROOT));
    assertThat(v.verified()).isTrue();
    assertThat(v.matchDepth()).isEqualTo(2);
  }

  @Test
  void failureReportShowsTheRrsetBesideTheChainDigests() {
    TlsaRecord stale = wrong(3, 1, 1);
    DaneVerification v = verify(chain(), stale);
    assertThat(v.report())
        .contains("TLSA RRset (1 record)")
        .contains(stale.toString())
        .contains("depth 0: CN=mx.example.com")
        .contains("3 1 1 " + ee311(LEAF).dataHex())
        .contains("3 0 1 " + record(LEAF.certificate(), 3, 0, 1).dataHex())
        .contains("depth 1: CN=Test Issuing CA")
        .contains("2 1 1 " + ta211(INTERMEDIATE).dataHex())
        .contains("names [mx.example.com]");
  }

  @Test
  void builderRejectsBadLimitsAtOnce() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DaneVerifier.builder().maxChainLength(0))
        .hasMessageContaining("maxChainLength must be 1..64, got 0");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DaneVerifier.builder().maxTlsaRecords(5000))
        .hasMessageContaining("maxTlsaRecords");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> DaneVerifier.builder().disableMatchingType(MatchingType.FULL)).hasMessageContaining("Full(0)");
  }
}
