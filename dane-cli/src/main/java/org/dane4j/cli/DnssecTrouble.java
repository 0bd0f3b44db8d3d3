package org.dane4j.cli;

import java.io.PrintWriter;
import java.util.Optional;
import org.dane4j.dns.DnssecProbe;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The one line a network command prints when the resolver's DNSSEC probe (checklist DNS-4) found that
 * DNSSEC validation does not work, e.g. {@code --trust-ad} over a resolver that does not validate: then every
 * answer looks insecure and DANE hosts look like hosts without DANE, which the rest of the output cannot say.
 * A resolver that did not answer the probe is {@link ResolverTrouble}'s line, not this one.
 */
public final class DnssecTrouble {
  private DnssecTrouble() {}

  /** The line, when the probe says DNSSEC validation does not work. */
  public static Optional<String> explain(DnssecProbe probe) {
    if (probe.state() != DnssecProbe.State.NOT_VALIDATING) {
      return Optional.empty();
    }
    return Optional.of("DNSSEC validation does not work, so DANE cannot be enforced and the DNSSEC statuses"
        + " above cannot be trusted: " + probe.explanation().replace('\n', ' '));
  }

  /** Prints {@link #explain} on stderr, prefixed like every other error line. */
  public static void report(CommandSpec spec, DnssecProbe probe) {
    explain(probe).ifPresent(line -> {
      PrintWriter err = spec.commandLine().getErr();
      err.println(spec.qualifiedName() + ": " + line);
      err.flush();
    });
  }
}
