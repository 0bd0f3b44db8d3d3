package org.dane4j.cli;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The {@code --warn-days} option of {@code check} and {@code monitor} (a picocli mixin), and the one expiry
 * rule both apply: a leaf certificate that has expired, or has fewer than N whole days left, is a warning.
 */
public final class WarnDays {
  /** The default number of days. */
  public static final int DEFAULT = 21;

  @Option(names = "--warn-days", paramLabel = "N", defaultValue = "" + DEFAULT,
      description = "Warn when a server's certificate expires within N days, 0..3650 (default: ${DEFAULT-VALUE}).")
  int days = DEFAULT;

  /**
   * The number of days.
   *
   * @param exitCode the exit code when the value is out of range
   * @throws CommandException when it is not 0..3650
   */
  public int days(int exitCode) {
    if (days < 0 || days > 3650) {
      throw new CommandException(exitCode, "--warn-days must be 0..3650, got " + days, null);
    }
    return days;
  }

  /** Whole days from {@code now} until the certificate's notAfter (negative once it has expired). */
  public static long daysLeft(X509Certificate leaf, Instant now) {
    return Duration.between(now, leaf.getNotAfter().toInstant()).toDays();
  }

  /**
   * What is wrong with the certificate's expiry at {@code now}: "the certificate expired on ..." or "the
   * certificate expires in N days (...)", or empty when it has {@code warnDays} days left or more.
   */
  public static Optional<String> problem(X509Certificate leaf, Instant now, int warnDays) {
    Instant notAfter = leaf.getNotAfter().toInstant();
    if (notAfter.isBefore(now)) {
      return Optional.of("the certificate expired on " + notAfter);
    }
    long days = daysLeft(leaf, now);
    return days < warnDays ? Optional.of("the certificate expires in " + days + " days (" + notAfter + ")")
        : Optional.empty();
  }
}
