package org.dane4j.cli.tlsa;

import java.util.concurrent.Callable;
import org.dane4j.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dane4j tlsa}: the TLSA record commands: {@code create} and {@code verify}. */
@Command(name = "tlsa", mixinStandardHelpOptions = true, description = "Work with TLSA records.",
    exitCodeOnInvalidInput = ExitCodes.USAGE, exitCodeOnExecutionException = ExitCodes.SOFTWARE,
    subcommands = {TlsaCreateCommand.class, TlsaVerifyCommand.class})
public final class TlsaCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  /** Without a subcommand: the usage on stderr, exit 64. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return spec.exitCodeOnInvalidInput();
  }
}
