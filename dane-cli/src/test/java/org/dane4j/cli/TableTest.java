package org.dane4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TableTest {
  @Test
  @DisplayName("TLS-7: what a hostile server chose (reply text, certificate subject) reaches the terminal escaped")
  void cellsAndNotesFromAServerAreEscaped() {
    StringWriter out = new StringWriter();
    new Table("HOST", "SUBJECT").row("why: 554 \u001b]0;pwned\u0007 go away\rfake line",
        "mx.example", "CN=\u001b[31mred\u202e").print(new PrintWriter(out, true));
    assertThat(out.toString()).doesNotContain("\u001b").doesNotContain("\u202e").doesNotContain("\r")
        .contains("CN=\\x1B[31mred\\u202E").contains("why: 554 \\x1B]0;pwned\\x07 go away\\x0Dfake line")
        .hasLineCount(3);
  }
}
