package org.dane4j.cli;

/**
 * Exit codes of {@code dane4j send} (and of later network commands). The low codes are outcomes of the
 * work (the mail was, or was not, delivered); the codes from 64 on follow BSD {@code sysexits.h} and say
 * that the work could not even be started or finished.
 *
 * <pre>
 *  0  every recipient delivered
 *  1  at least one recipient deferred (try again later), none failed
 *  2  at least one recipient failed permanently (bounce), an envelope address refused before sending
 *     included: a --to that cannot be sent to fails alone, a --from that cannot be used fails every
 *     recipient (checklist IN-1, the same rules as the library's)
 * 64  the command line is wrong (missing --to, a resolver given as a name, a bad --ehlo)
 * 66  an input file cannot be read (--eml, --trust-anchor)
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
  /** The command line is wrong (EX_USAGE). */
  public static final int USAGE = 64;
  /** An input file cannot be read (EX_NOINPUT). */
  public static final int NO_INPUT = 66;
  /** A service the command needs is unavailable (EX_UNAVAILABLE). */
  public static final int UNAVAILABLE = 69;
  /** Internal error (EX_SOFTWARE). */
  public static final int SOFTWARE = 70;

  private ExitCodes() {}
}
