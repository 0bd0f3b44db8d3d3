package org.dane4j.cli;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import java.util.concurrent.Callable;
import org.dane4j.cli.check.CheckCommand;
import org.dane4j.cli.demo.DemoCommand;
import org.dane4j.cli.monitor.MonitorCommand;
import org.dane4j.cli.send.SendCommand;
import org.dane4j.cli.tlsa.TlsaCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code dane4j} command: DANE (RFC 6698, 7671) for SMTP (RFC 7672) from the command line.
 *
 * <pre>
 * dane4j demo                                            # see DANE accept and refuse servers, offline
 * dane4j tlsa create --port 25 --selector 1 --certificate cert.pem mx.example.com
 * dane4j tlsa verify mx.example.com                      # which TLSA record matches which certificate
 * dane4j monitor --warn-days 21 example.com              # for cron and Nagios: exit 0/1/2/3
 * dane4j send --from me@example.org --to you@example.nl --body 'Hello over DANE'
 * </pre>
 *
 * <p>Exit codes ({@link ExitCodes}): each command has its own outcome codes below 64; a wrong or missing
 * command line exits 64, an input file that cannot be read or holds no usable data 66, an internal error
 * 70, for every command but {@code monitor}, which keeps to the Nagios ones (0 OK, 1 WARNING, 2 CRITICAL,
 * 3 UNKNOWN). Errors are one bounded line on stderr ({@link OneLineErrors}). {@link #main} is the only place
 * that calls {@link System#exit}; tests run {@link #commandLine()} in-process.
 *
 * <p>Start-up: picocli reads the annotations of every command it is given, which is most of the start-up
 * time of a short command. {@link #main} therefore gives it only the command named by the first argument
 * (e.g. {@code tlsa} for {@code dane4j tlsa create ...}), none for {@code --version} alone, and the whole
 * tree when the first argument names none ({@code --help}, {@code help}, a mistyped command).
 */
@Command(name = "dane4j", mixinStandardHelpOptions = true, versionProvider = Version.class,
    exitCodeOnInvalidInput = ExitCodes.USAGE, exitCodeOnExecutionException = ExitCodes.SOFTWARE,
    description = "DANE for SMTP (RFC 7672): make and verify TLSA records, check and monitor a domain, send with"
        + " DANE, and see DANE at work.%n"
        + "New here? Run 'dane4j demo' first.")
public final class Dane4j implements Callable<Integer> {
  /** The subcommands by name, in the order of the usage help. */
  private static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

  private static Map<String, Class<?>> subcommands() {
    Map<String, Class<?>> commands = new LinkedHashMap<>();
    commands.put("tlsa", TlsaCommand.class);
    commands.put("check", CheckCommand.class);
    commands.put("monitor", MonitorCommand.class);
    commands.put("send", SendCommand.class);
    commands.put("tlsrpt", org.dane4j.cli.tlsrpt.TlsRptCommand.class);
    commands.put("demo", DemoCommand.class);
    commands.put("help", CommandLine.HelpCommand.class);
    return commands;
  }

  @Spec
  private CommandSpec spec;

  /** Runs the command and exits with its exit code. */
  public static void main(String[] args) {
    if (java.util.Arrays.asList(args).contains("--verbose")) {
      // before the first logger exists: library warnings (and their stack traces) on stderr
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    System.exit(commandLine(Clock.systemUTC(), args).execute(args));
  }

  /** The clock every command reads time from (certificate expiry, monitor's rollover advice). */
  private final Clock clock;

  private Dane4j(Clock clock) {
    this.clock = clock;
  }

  /** The command line, ready to {@link CommandLine#execute execute}, with one-line error reporting. */
  public static CommandLine commandLine() {
    return commandLine(Clock.systemUTC());
  }

  /** As {@link #commandLine()}, with every command reading time from {@code clock} (tests drive it). */
  public static CommandLine commandLine(Clock clock) {
    return commandLine(clock, new String[0]);
  }

  /**
   * The command line for running {@code args}: with only the subcommand that {@code args[0]} names (and all
   * of its own subcommands), with none for {@code --version} alone, or with every subcommand when
   * {@code args[0]} names none or is {@code help}.
   * Parsing {@code args} gives the same result either way; only the start-up is shorter.
   */
  static CommandLine commandLine(Clock clock, String[] args) {
    OneLineErrors errors = new OneLineErrors();
    CommandLine cmd = new CommandLine(new Dane4j(Objects.requireNonNull(clock, "clock")));
    String first = args.length > 0 ? args[0] : "";
    if (args.length == 1 && (first.equals("--version") || first.equals("-V"))) {
      // the version alone needs no subcommand
    } else if (SUBCOMMANDS.containsKey(first) && !first.equals("help")) {
      cmd.addSubcommand(first, SUBCOMMANDS.get(first));
    } else {
      SUBCOMMANDS.forEach(cmd::addSubcommand);
      // picocli's own help command cannot be annotated; it follows the scheme of every other command
      cmd.getSubcommands().get("help").getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE)
          .exitCodeOnExecutionException(ExitCodes.SOFTWARE);
    }
    // after the subcommands: picocli passes the handlers on to the subcommands only as they are set
    return cmd.setParameterExceptionHandler(errors).setExecutionExceptionHandler(errors);
  }

  /** The clock of the command line that {@code spec} belongs to. */
  public static Clock clock(CommandLine.Model.CommandSpec spec) {
    return ((Dane4j) spec.root().userObject()).clock;
  }

  /** Without a subcommand: the usage on stderr and exit 64, as for any other incomplete command line. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return spec.exitCodeOnInvalidInput();
  }
}
