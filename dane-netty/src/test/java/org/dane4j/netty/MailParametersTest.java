package org.dane4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.smtp.DefaultSmtpResponse;
import io.netty.handler.codec.smtp.SmtpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The MAIL FROM parameters chosen from an EHLO reply (RFC 1870, RFC 6152, RFC 6531). */
class MailParametersTest {
  private static SmtpResponse ehlo(String... keywords) {
    String[] lines = new String[keywords.length + 1];
    lines[0] = "mx.example.test";
    System.arraycopy(keywords, 0, lines, 1, keywords.length);
    return new DefaultSmtpResponse(250, lines);
  }

  private static final byte[] ASCII = "Subject: x\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EIGHT_BIT = "Subject: x\r\n\r\nGrüße\r\n".getBytes(StandardCharsets.UTF_8);

  @Test
  @DisplayName("Nothing advertised: no parameters; 8-bit bodies are sent as they are")
  void nothingAdvertised() {
    MailParameters p = MailParameters.of(EhloKeywords.of(ehlo("PIPELINING")), "mx", "a@b.test", List.of("c@d.test"), EIGHT_BIT);
    assertThat(p.refusal()).isNull();
    assertThat(p.parameters()).isEmpty();
  }

  @Test
  @DisplayName("SIZE with and without a limit, BODY=8BITMIME only for 8-bit bodies, SMTPUTF8 only for non-ASCII addresses")
  void parametersWhenOffered() {
    SmtpResponse all = ehlo("SIZE 1000", "8BITMIME", "SMTPUTF8");
    assertThat(MailParameters.of(EhloKeywords.of(all), "mx", "a@b.test", List.of("c@d.test"), ASCII).parameters())
        .containsExactly("SIZE=" + ASCII.length);
    assertThat(MailParameters.of(EhloKeywords.of(all), "mx", null, List.of("jürgen@d.test"), EIGHT_BIT).parameters())
        .containsExactly("SIZE=" + EIGHT_BIT.length, "BODY=8BITMIME", "SMTPUTF8");
    assertThat(MailParameters.of(EhloKeywords.of(ehlo("SIZE")), "mx", "a@b.test", List.of("c@d.test"), new byte[5000]).parameters())
        .containsExactly("SIZE=5000");
  }

  @Test
  @DisplayName("Over the SIZE limit, or a non-ASCII sender without SMTPUTF8: a local permanent refusal")
  void refusals() {
    MailParameters big = MailParameters.of(EhloKeywords.of(ehlo("SIZE 10")), "mx.x.test", "a@b.test", List.of("c@d.test"), ASCII);
    assertThat(big.refusal()).startsWith("552 5.3.4 (local)").contains("mx.x.test").contains("limit 10");
    MailParameters utf8 = MailParameters.of(EhloKeywords.of(ehlo("8BITMIME")), "mx.x.test", "jürgen@b.test", List.of("c@d.test"),
        ASCII);
    assertThat(utf8.refusal()).startsWith("553 5.6.7 (local) SMTPUTF8 is required").contains("mx.x.test");
  }
}
