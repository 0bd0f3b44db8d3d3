package org.dane4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** When colours are used, what gets which colour, and that colours never break a table's alignment. */
class ColorsTest {
  @Test
  void coloursOnlyOnATerminalThatIsNotDumbAndNotAskedOff() {
    assertThat(Colors.decide(false, null, true, "xterm-256color")).isTrue();
    assertThat(Colors.decide(false, null, true, null)).isTrue();
    assertThat(Colors.decide(false, "", true, "xterm")).as("NO_COLOR set but empty (no-color.org)").isTrue();

    assertThat(Colors.decide(false, null, false, "xterm")).as("stdout not a terminal").isFalse();
    assertThat(Colors.decide(false, null, true, "dumb")).as("TERM=dumb").isFalse();
    assertThat(Colors.decide(true, null, true, "xterm")).as("--no-color").isFalse();
    assertThat(Colors.decide(false, "1", true, "xterm")).as("NO_COLOR=1").isFalse();
    assertThat(Colors.decide(true, "1", false, "dumb")).isFalse();
  }

  @Test
  void theTestJvmHasNoTerminalSoNoColours() {
    assertThat(Colors.forStdout(false).on()).isFalse();
    assertThat(Colors.stderrTerminal()).isFalse();
  }

  @Test
  void wordsGetTheirColour() {
    Colors c = Colors.of(true);
    assertThat(c.word("verified (3 1 1 ab...)")).isEqualTo("\u001b[32mverified (3 1 1 ab...)\u001b[0m");
    assertThat(c.word("delivered")).startsWith("\u001b[32m");
    assertThat(c.word("OK")).startsWith("\u001b[32m");
    assertThat(c.word("opportunistic")).startsWith("\u001b[33m");
    assertThat(c.word("encrypted")).startsWith("\u001b[33m");
    assertThat(c.word("deferred")).startsWith("\u001b[33m");
    assertThat(c.word("WARNING")).startsWith("\u001b[33m");
    assertThat(c.word("failed")).startsWith("\u001b[31m");
    assertThat(c.word("failing (2 warnings)")).startsWith("\u001b[31m");
    assertThat(c.word("CRITICAL")).startsWith("\u001b[31m");
    assertThat(c.word("mx.example.nl")).isEqualTo("mx.example.nl");
    assertThat(c.word(null)).isNull();
  }

  @Test
  void noColoursLeaveTextUnchanged() {
    assertThat(Colors.NONE.word("verified")).isEqualTo("verified");
    assertThat(Colors.NONE.red("failed")).isEqualTo("failed");
    assertThat(Colors.of(false)).isSameAs(Colors.NONE);
  }

  @Test
  void colouredTableKeepsThePlainAlignment() {
    StringWriter plain = new StringWriter();
    StringWriter coloured = new StringWriter();
    table(Colors.NONE).print(new PrintWriter(plain, true));
    table(Colors.of(true)).print(new PrintWriter(coloured, true));

    assertThat(coloured.toString()).contains("\u001b[32mdelivered\u001b[0m").contains("\u001b[33mdeferred\u001b[0m");
    assertThat(coloured.toString().replaceAll("\u001b\\[\\d+m", "")).isEqualTo(plain.toString());
    assertThat(plain.toString()).doesNotContain("\u001b");
  }

  private static Table table(Colors colors) {
    return new Table("DOMAIN", "RESULT", "NOTE").colors(colors, 1)
        .row(null, "a.example", "delivered", "x")
        .row("why: later", "bb.example", "deferred", "y");
  }

  @Test
  void progressIsSilentOffATerminal() {
    StringWriter err = new StringWriter();
    Progress.of(new PrintWriter(err, true), false).step("planning example.nl");
    Progress.SILENT.step("planning example.nl");
    assertThat(err.toString()).isEmpty();

    Progress.of(new PrintWriter(err, true), true).step("connecting mx.example.nl[192.0.2.1]:25");
    assertThat(err.toString()).isEqualTo("connecting mx.example.nl[192.0.2.1]:25..." + System.lineSeparator());
  }
}
