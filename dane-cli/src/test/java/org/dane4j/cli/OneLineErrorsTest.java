package org.dane4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The one helper that echoes user input in messages, and the one-line form of every error line. */
class OneLineErrorsTest {
  @Test
  @DisplayName("IN-1: a short, printable value is echoed as it is, non-ASCII letters included")
  void in1_echoKeepsShortPrintableInput() {
    assertThat(OneLineErrors.echo("mx.example.com")).isEqualTo("mx.example.com");
    assertThat(OneLineErrors.echo("bücher.example")).isEqualTo("bücher.example");
  }

  @Test
  @DisplayName("IN-1: a long value is cut to MAX_ECHO characters, an ellipsis and its whole length")
  void in1_echoCutsLongInputAndSaysHowLongItWas() {
    assertThat(OneLineErrors.echo("x".repeat(100_000)))
        .isEqualTo("x".repeat(OneLineErrors.MAX_ECHO) + "…(100000 characters)");
    assertThat(OneLineErrors.echo("x".repeat(OneLineErrors.MAX_ECHO))).isEqualTo("x".repeat(OneLineErrors.MAX_ECHO));
  }

  @Test
  @DisplayName("IN-1: the cut counts characters, never splitting a surrogate pair")
  void in1_echoCountsCodePoints() {
    String emoji = "\uD83D\uDCE7"; // one character, two chars

    assertThat(OneLineErrors.echo(emoji.repeat(100)))
        .isEqualTo(emoji.repeat(OneLineErrors.MAX_ECHO) + "…(100 characters)");
  }

  @Test
  @DisplayName("IN-1: control and format characters are echoed as escapes")
  void in1_echoEscapesControlAndFormatCharacters() {
    assertThat(OneLineErrors.echo("a\u001b[31mb\r\n\u0000\u007f\u0085\u202e\u200b\ud800"))
        .isEqualTo("a\\x1B[31mb\\x0D\\x0A\\x00\\x7F\\x85\\u202E\\u200B\\uD800");
  }

  @Test
  @DisplayName("IN-1: echoWithin replaces a library's full repetition of the input by the echo")
  void in1_echoWithinBoundsTheInputInsideAnotherMessage() {
    String huge = "y".repeat(5000);

    assertThat(OneLineErrors.echoWithin("too long in \"" + huge + "\"", huge))
        .isEqualTo("too long in \"" + "y".repeat(OneLineErrors.MAX_ECHO) + "…(5000 characters)\"");
  }

  @Test
  @DisplayName("IN-1: a line: breaks become spaces, long quoted values are cut once, the whole is capped")
  void in1_lineIsOneBoundedLine() {
    assertThat(OneLineErrors.line("first\nsecond\r\n\tthird")).isEqualTo("first second   third");
    assertThat(OneLineErrors.line("Unknown option: '" + "z".repeat(500) + "'"))
        .isEqualTo("Unknown option: '" + "z".repeat(OneLineErrors.MAX_ECHO) + "…(500 characters)'");
    String echoed = "bad: '" + OneLineErrors.echo("w".repeat(900)) + "'";
    assertThat(OneLineErrors.line(echoed)).isEqualTo(echoed);
    assertThat(OneLineErrors.line("q".repeat(5000)))
        .isEqualTo("q".repeat(OneLineErrors.MAX_LINE) + "…(5000 characters)");
  }
}
