package org.dane4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.smtp.DefaultSmtpResponse;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EhloKeywordsTest {
  private static EhloKeywords of(String... lines) {
    List<CharSequence> all = new java.util.ArrayList<>(List.of("mx.example.test greets you"));
    all.addAll(List.of(lines));
    return EhloKeywords.of(new DefaultSmtpResponse(250, all.toArray(new CharSequence[0])));
  }

  @Test
  @DisplayName("Keywords in any case, with or without parameters; the greeting line is not a keyword")
  void keywords() {
    EhloKeywords k = of("pipelining", " STARTTLS ", "AUTH PLAIN LOGIN", "8BITMIME");
    assertThat(k.offers("PIPELINING")).isTrue();
    assertThat(k.offers("STARTTLS")).isTrue();
    assertThat(k.offers("AUTH")).isTrue();
    assertThat(k.offers("8BITMIME")).isTrue();
    assertThat(k.offers("MX.EXAMPLE.TEST")).isFalse();
    assertThat(k.offers("SMTPUTF8")).isFalse();
    assertThat(k.offers("PLAIN")).isFalse();
  }

  @Test
  @DisplayName("SIZE (RFC 1870): absent -1, bare or unreadable 0 (no fixed limit), else the number")
  void sizeLimit() {
    assertThat(of("PIPELINING").sizeLimit()).isEqualTo(-1);
    assertThat(of("SIZE").sizeLimit()).isZero();
    assertThat(of("SIZE abc").sizeLimit()).isZero();
    assertThat(of("SIZE 1234567890123456789").sizeLimit()).isZero();
    assertThat(of("size  10240000 ").sizeLimit()).isEqualTo(10_240_000);
  }
}
