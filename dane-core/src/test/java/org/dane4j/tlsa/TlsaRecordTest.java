package org.dane4j.tlsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TLSARecord;

/** The text forms, dnsjava conversion and value semantics of {@link TlsaRecord}. */
class TlsaRecordTest {
  private static final String DIGEST = "8cb0fc6c527506a053f4f14c8464bebbd6dede2738d11468dd953d7d6a3021f1";

  @Test
  void parsesPresentationFormWithSpacesAndAnyCase() {
    TlsaRecord r = TlsaRecord.parse("  3 1 1 8CB0FC6C527506A0 53f4f14c8464bebbd6dede2738d11468\tdd953d7d6a3021f1 ");
    assertThat(r.usage()).isEqualTo(CertUsage.DANE_EE);
    assertThat(r.selector()).isEqualTo(Selector.SPKI);
    assertThat(r.matchingType()).isEqualTo(MatchingType.SHA2_256);
    assertThat(r.toString()).isEqualTo("3 1 1 " + DIGEST);
    assertThat(TlsaRecord.parse(r.toString())).isEqualTo(r).hasSameHashCodeAs(r);
  }

  @Test
  void parsesAndPrintsTheRfc3597GenericForm() {
    TlsaRecord generic = TlsaRecord.parse("\\# 35 030101 " + DIGEST.toUpperCase());
    assertThat(generic).isEqualTo(TlsaRecord.parse("3 1 1 " + DIGEST));
    assertThat(generic.toGenericString()).isEqualTo("\\# 35 030101" + DIGEST);
  }

  @Test
  void unknownValuesSurviveParsingAndPrintingAndAreUnusable() {
    TlsaRecord r = TlsaRecord.parse("4 2 3 abcd");
    assertThat(r.toString()).isEqualTo("4 2 3 abcd");
    assertThat(r.toGenericString()).isEqualTo("\\# 5 040203abcd");
    assertThat(r.usableForSmtp()).isFalse();
    assertThat(r.usage().acronym()).isEqualTo("usage(4)");
    assertThat(TlsaRecord.parse("255 255 255 00").toString()).isEqualTo("255 255 255 00");
  }

  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @CsvSource(delimiter = '|', value = {
      "3 1|needs usage, selector, matching type and hex data",
      "3 1 1 xyz0|not hex",
      "3 1 1 abc|even number of hex digits",
      "256 1 1 00|certificate usage must be 0..255, got 256",
      "3 -1 1 00|selector must be a decimal number",
      "3 1 one 00|matching type must be a decimal number",
      "\\# 4 0301|length says 4 bytes but the hex holds 2",
      "\\# 2 0301|at least 3 bytes",
      "\\# x 030101|RFC 3597 length must be a decimal number"})
  void badTextGetsAClearError(String text, String message) {
    assertThatThrownBy(() -> TlsaRecord.parse(text))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  @Test
  void convertsFromDnsjavaAndCopiesItsArray() throws Exception {
    byte[] data = HexFormat.of().parseHex(DIGEST);
    TLSARecord dns = new TLSARecord(Name.fromString("_25._tcp.mx.example.com."), DClass.IN, 3600, 3, 1, 1, data);
    TlsaRecord r = TlsaRecord.from(dns);
    assertThat(r).isEqualTo(TlsaRecord.parse("3 1 1 " + DIGEST));
    dns.getCertificateAssociationData()[0] = 0; // dnsjava hands out its internal array
    r.data()[1] = 0;
    assertThat(r.dataHex()).isEqualTo(DIGEST);
  }

  @Test
  void valueSemantics() {
    TlsaRecord a = TlsaRecord.parse("2 0 1 " + DIGEST);
    assertThat(a).isNotEqualTo(TlsaRecord.parse("3 0 1 " + DIGEST))
        .isNotEqualTo(TlsaRecord.parse("2 0 1 " + DIGEST.replace('8', '9')));
    assertThat(a.usage().toString()).isEqualTo("DANE-TA(2)");
    assertThatThrownBy(() -> CertUsage.of(256)).hasMessageContaining("0..255");
  }

  @Test
  void cannotCreateRecordsForUnknownSelectorOrType() {
    assertThatThrownBy(() -> TlsaRecord.of(TestChains.LEAF.certificate(), CertUsage.DANE_EE, Selector.of(2),
        MatchingType.SHA2_256)).hasMessageContaining("unknown selector(2)");
    assertThatThrownBy(() -> TlsaRecord.of(TestChains.LEAF.certificate(), CertUsage.DANE_EE, Selector.SPKI,
        MatchingType.of(9))).hasMessageContaining("unknown mtype(9)");
  }
}
