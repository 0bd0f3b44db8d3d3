package org.dane4j.cli.tlsa;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

/**
 * Corners of OpenSSL's {@code X509_NAME_oneline} that the hash-slinger transcripts do not reach (those
 * cover escapes, UTF-8, multi-valued RDNs and the usual attribute types).
 */
class OneLineNameTest {
  @Test
  void attributeTypeOpenSslDoesNotNameIsWrittenAsItsOid() {
    assertThat(OneLineName.of(new X500Principal("OID.1.2.3.4=custom, CN=mx.example.com")))
        .isEqualTo("/CN=mx.example.com/1.2.3.4=custom");
  }

  // The expected strings of the tests below are what OpenSSL 3.0's X509_NAME_oneline returns for the same
  // DER (called through Python's ctypes on d2i_X509_NAME).

  @Test
  void bmpStringBytesArePrintedAsTheyAre() {
    // SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, BMPString "AB" } } }
    assertThat(OneLineName.of(name("300f310d300b0603550403" + "1e0400410042"))).isEqualTo("/CN=\\x00A\\x00B");
  }

  @Test
  void valueThatIsNotAStringIsPrintedAsItsWholeEncoding() {
    // SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, SEQUENCE { UTF8String "A", UTF8String "B" } } } }
    assertThat(OneLineName.of(name("3011310f300d0603550403" + "30060c01410c0142")))
        .isEqualTo("/CN=0\\x06\\x0C\\x01A\\x0C\\x01B");
  }

  @Test
  void emptyNameIsEmpty() {
    assertThat(OneLineName.of(new X500Principal(""))).isEmpty();
  }

  private static X500Principal name(String hex) {
    return new X500Principal(HexFormat.of().parseHex(hex));
  }
}
