package org.dane4j.cli;

/**
 * Exit codes of the {@code dane4j} commands. The low codes are outcomes of the work and each command has its
 * own (below: {@code send}'s; {@code check} and {@code tlsa verify} list theirs in their help, {@code demo}
 * exits 1 when a scenario did not end as expected); the codes from 64 on follow BSD {@code sysexits.h}, say
 * that the work could not even be started or finished, and are the same for every command ({@code dane4j}
 * itself, {@code tlsa}, {@code tlsa create}, {@code tlsa verify}, {@code check}, {@code send}, {@code demo})
 * except {@code monitor}, which keeps to the Nagios plugin convention (3 UNKNOWN for all of them).
 *
 * <pre>
 *  0  every recipient delivered
 *  1  at least one recipient deferred (try again later), none failed
 *  2  at least one recipient failed permanently (bounce), an envelope address refused before sending
 *     included: a --to that cannot be sent to fails alone, a --from that cannot be used fails every
 *     recipient (checklist IN-1, the same rules as the library's)
 * 64  the command line is wrong (an unknown command or option, a missing argument, a value out of range,
 *     a resolver given as a name, a bad --ehlo); no command at all
 * 66  an input file cannot be read, or does not hold what it should (--certificate, --eml, --trust-anchor:
 *     missing, a directory, too large, not text, no certificate or trust anchor in it)
 * 69  a service is unavailable: no resolver configured, the message could not be handed over at all
 * 70  internal error (a bug; --verbose prints the stack trace)
 * </pre>
 */
public final class ExitCodes {
  /** Every recipient delivered. */
  public static final int OK = 0;
  /** At least one recipient deferred, none failed. */
  public static final int DEFERRED = 1;
  /** At least one recipient failed permanently. */
  public static final int FAILED = 2;
  /** The command line is wrong, or there is none (EX_USAGE). */
  public static final int USAGE = 64;
  /**
   * An input file cannot be read, or holds no usable data (EX_NOINPUT; the README documents no separate
   * EX_DATAERR, 65, so a file that is not a certificate or not trust anchors exits with this code too).
   */
  public static final int NO_INPUT = 66;
  /** A service the command needs is unavailable (EX_UNAVAILABLE). */
  public static final int UNAVAILABLE = 69;
  /** Internal error (EX_SOFTWARE). */
  public static final int SOFTWARE = 70;

  private ExitCodes() {}
}
