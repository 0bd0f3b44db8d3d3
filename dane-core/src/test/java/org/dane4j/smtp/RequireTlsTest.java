package org.dane4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The message's TLS requirement from its headers (RFC 8689 §5; checklist RTLS-1, RTLS-2). */
class RequireTlsTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  @DisplayName("RTLS-2: TLS-Required: No in the header section, any case and white space")
  void rtls2_tlsRequiredNoFromHeader() {
    assertThat(RequireTls.fromHeaders(bytes("Subject: x\r\ntls-required:   NO  \r\n\r\nbody\r\n")))
        .isEqualTo(RequireTls.TLS_REQUIRED_NO);
    assertThat(RequireTls.fromHeaders(bytes("TLS-Required:\r\n No\r\n\r\n"))).as("folded")
        .isEqualTo(RequireTls.TLS_REQUIRED_NO);
    assertThat(RequireTls.fromHeaders(bytes("TLS-Required: Yes\r\n\r\n"))).isEqualTo(RequireTls.NONE);
  }

  @Test
  @DisplayName("RTLS-2: a TLS-Required line in the body is not a header")
  void rtls2_bodyIsNotHeader() {
    assertThat(RequireTls.fromHeaders(bytes("Subject: x\r\n\r\nTLS-Required: No\r\n"))).isEqualTo(RequireTls.NONE);
    assertThat(RequireTls.fromHeaders(bytes("\r\nTLS-Required: No\r\n"))).isEqualTo(RequireTls.NONE);
  }

  @Test
  @DisplayName("RTLS-1: Require-TLS-ESMTP: Yes asks for REQUIRETLS and wins over TLS-Required: No")
  void rtls1_requestHeaderWins() {
    assertThat(RequireTls.fromHeaders(bytes("TLS-Required: No\r\nRequire-TLS-ESMTP: yes\r\n\r\n")))
        .isEqualTo(RequireTls.REQUIRETLS);
    assertThat(RequireTls.TLS_REQUIRED_NO.and(RequireTls.REQUIRETLS)).isEqualTo(RequireTls.REQUIRETLS);
    assertThat(RequireTls.NONE.and(RequireTls.TLS_REQUIRED_NO)).isEqualTo(RequireTls.TLS_REQUIRED_NO);
    assertThat(RequireTls.NONE.and(RequireTls.NONE)).isEqualTo(RequireTls.NONE);
  }

  @Test
  @DisplayName("RTLS-1: the request header is removed (with its continuation lines), nothing else is touched")
  void rtls1_requestHeaderRemoved() {
    byte[] in = bytes("From: a@b.test\r\nRequire-TLS-ESMTP: Yes\r\n\tfolded\r\nTLS-Required: No\r\n\r\n"
        + "Require-TLS-ESMTP: Yes\r\n");
    assertThat(new String(RequireTls.withoutRequestHeader(in), StandardCharsets.ISO_8859_1))
        .isEqualTo("From: a@b.test\r\nTLS-Required: No\r\n\r\nRequire-TLS-ESMTP: Yes\r\n");
    byte[] none = bytes("From: a@b.test\r\n\r\nbody\r\n");
    assertThat(RequireTls.withoutRequestHeader(none)).isSameAs(none);
  }

  @Test
  @DisplayName("RTLS-1: the envelope carries the requirement; NONE by default")
  void rtls1_envelopeCarriesRequirement() {
    Envelope e = Envelope.of("a@b.test", List.of("c@d.test"));
    assertThat(e.requireTls()).isEqualTo(RequireTls.NONE);
    Envelope r = e.withRequireTls(RequireTls.REQUIRETLS);
    assertThat(r.requireTls()).isEqualTo(RequireTls.REQUIRETLS);
    assertThat(r.domains()).isEqualTo(e.domains());
    assertThat(r.recipients()).isEqualTo(e.recipients());
  }

  @Test
  @DisplayName("RTLS-1, RTLS-2: the quick look for \"tls-\" before parsing changes no answer: any case, padded or "
      + "first-line names, a \"tls-\" in other fields, names cut by folding")
  void rtls1_quickLookChangesNoAnswer() {
    assertThat(RequireTls.fromHeaders(bytes("rEqUiRe-TlS-eSmTp : yes\r\n\r\n"))).isEqualTo(RequireTls.REQUIRETLS);
    assertThat(RequireTls.fromHeaders(bytes(" TLS-Required: no\r\nSubject: x\r\n\r\n"))).as("leading space")
        .isEqualTo(RequireTls.TLS_REQUIRED_NO);
    byte[] other = bytes("X-Tls-Info: tls-1.3\r\nSubject: tls-required\r\n\r\nTLS-Required: No\r\n");
    assertThat(RequireTls.fromHeaders(other)).isEqualTo(RequireTls.NONE);
    assertThat(RequireTls.withoutRequestHeader(other)).isSameAs(other);
    byte[] cut = bytes("TLS\r\n -Required: No\r\nRequire-TLS\r\n -ESMTP: yes\r\n\r\n");
    assertThat(RequireTls.fromHeaders(cut)).isEqualTo(RequireTls.NONE);
    assertThat(RequireTls.withoutRequestHeader(cut)).isSameAs(cut);
    byte[] plain = bytes("From: a@b.test\r\nTo: c@d.test\r\nSubject: TLS\r\n\r\nTLS-Required: No\r\n");
    assertThat(RequireTls.fromHeaders(plain)).isEqualTo(RequireTls.NONE);
    assertThat(RequireTls.withoutRequestHeader(plain)).isSameAs(plain);
  }
}
