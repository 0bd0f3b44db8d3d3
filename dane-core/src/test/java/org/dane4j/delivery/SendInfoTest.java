package org.dane4j.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SendInfoTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("RPT-LOOP: a message with a TLS-Report-Domain header field is a TLS report, in any case")
  void reportHeaderMarksATlsReport() {
    assertThat(SendInfo.isTlsReport(bytes("From: a@b.test\r\nTLS-Report-Domain: example.test\r\n\r\nbody"))).isTrue();
    assertThat(SendInfo.isTlsReport(bytes("tls-report-domain: example.test\n\nbody"))).isTrue();
  }

  @Test
  @DisplayName("RPT-LOOP: the field only counts in the header section, at the start of a line")
  void fieldInBodyOrValueDoesNotCount() {
    assertThat(SendInfo.isTlsReport(bytes("Subject: hi\r\n\r\nTLS-Report-Domain: example.test\r\n"))).isFalse();
    assertThat(SendInfo.isTlsReport(bytes("Subject: X-TLS-Report-Domain: no\r\n\r\n"))).isFalse();
    assertThat(SendInfo.isTlsReport(bytes("X-TLS-Report-Domain: no\r\n\r\n"))).isFalse();
    assertThat(SendInfo.isTlsReport(new byte[0])).isFalse();
  }
}
