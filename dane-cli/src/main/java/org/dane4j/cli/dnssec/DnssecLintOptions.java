package org.dane4j.cli.dnssec;

import org.dane4j.cli.CommandException;
import picocli.CommandLine.Option;

/**
 * The options of the DNSSEC lint ({@link DnssecLint}) that {@code check} and {@code monitor} share (a picocli
 * mixin): the window for expiring signatures, and a switch to skip the lint.
 */
public final class DnssecLintOptions {
  /**
   * The default of {@code --warn-signature-days}: 1 day. Signers refresh signatures well before that (BIND with
   * 7.5 days left by default, OpenDNSSEC 3 days, Knot about 1.4 days plus TTLs), so a signature with less than a
   * day left means the signer has stopped.
   */
  public static final int DEFAULT_SIGNATURE_WARN_DAYS = 1;
  /** The largest {@code --warn-signature-days}. */
  public static final int MAX_SIGNATURE_WARN_DAYS = 90;

  @Option(names = "--warn-signature-days", paramLabel = "N", defaultValue = "" + DEFAULT_SIGNATURE_WARN_DAYS,
      description = "Warn when a DNSSEC signature on the way to a TLSA record expires within N days, 0..90"
          + " (default: ${DEFAULT-VALUE}).")
  int signatureWarnDays = DEFAULT_SIGNATURE_WARN_DAYS;

  @Option(names = "--no-dnssec-lint", description = "Skip the DNSSEC lint of the chain from the root to each TLSA"
      + " name (DS and DNSKEY algorithms, NSEC3 parameters, denial of existence, signature expiry).")
  boolean skip;

  /** Whether the lint runs. */
  public boolean enabled() {
    return !skip;
  }

  /**
   * The window, days.
   *
   * @param exitCode the exit code when it is out of range
   * @throws CommandException when it is not 0..{@value #MAX_SIGNATURE_WARN_DAYS}
   */
  public int signatureWarnDays(int exitCode) {
    if (signatureWarnDays < 0 || signatureWarnDays > MAX_SIGNATURE_WARN_DAYS) {
      throw new CommandException(exitCode, "--warn-signature-days must be 0.." + MAX_SIGNATURE_WARN_DAYS + ", got "
          + signatureWarnDays, null);
    }
    return signatureWarnDays;
  }
}
