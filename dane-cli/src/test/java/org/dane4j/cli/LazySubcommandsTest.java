package org.dane4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code main} builds only the subcommand that the first argument names (start-up, issue #15); the command
 * line must behave exactly as the whole tree does.
 */
class LazySubcommandsTest {
  private static List<Object> run(CommandLine cmd, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exitCode = cmd.execute(args);
    return List.of(exitCode, out.toString(), err.toString());
  }

  @Test
  @DisplayName("only the named subcommand is built, and it runs, fails and helps as in the whole tree")
  void theNamedSubcommandBehavesAsInTheWholeTree() {
    Clock clock = Clock.systemUTC();
    String[][] runs = {
        {"tlsa", "create", "--help"},
        {"tlsa", "create", "mx.example.com"},
        {"tlsa", "create", "--usage", "7", "--certificate", "nowhere.pem", "mx.example.com"},
        {"tlsa", "create", "--certificate", "nowhere.pem", "mx.example.com"},
        {"tlsa", "crate"},
        {"tlsa"},
        {"check", "--help"},
        {"monitor", "--help"},
        {"monitor"},
        {"send", "--no-such-option"},
        {"demo", "--help"},
    };
    for (String[] args : runs) {
      CommandLine lazy = Dane4j.commandLine(clock, args);
      assertThat(lazy.getSubcommands()).as(String.join(" ", args)).containsOnlyKeys(args[0]);
      assertThat(run(lazy, args)).as(String.join(" ", args)).isEqualTo(run(Dane4j.commandLine(clock), args));
    }
  }

  @Test
  @DisplayName("--version alone builds no subcommand and prints the same version")
  void versionAlone() {
    for (String[] args : new String[][] {{"--version"}, {"-V"}}) {
      CommandLine cmd = Dane4j.commandLine(Clock.systemUTC(), args);
      assertThat(cmd.getSubcommands()).isEmpty();
      assertThat(run(cmd, args)).isEqualTo(run(Dane4j.commandLine(Clock.systemUTC()), args));
    }
  }

  @Test
  @DisplayName("without a subcommand name first (help, a typo, --version with more) the whole tree is built")
  void otherwiseTheWholeTree() {
    for (String[] args : new String[][] {{}, {"--help"}, {"help", "tlsa"}, {"tlsaa"}, {"--version", "tlsa"}}) {
      CommandLine cmd = Dane4j.commandLine(Clock.systemUTC(), args);
      assertThat(cmd.getSubcommands()).as(String.join(" ", args))
          .containsOnlyKeys("tlsa", "check", "monitor", "send", "tlsrpt", "demo", "help");
      assertThat(run(cmd, args)).isEqualTo(run(Dane4j.commandLine(Clock.systemUTC()), args));
    }
  }
}
