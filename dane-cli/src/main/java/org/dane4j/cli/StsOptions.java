package org.dane4j.cli;

import java.nio.file.Path;
import java.time.Duration;
import org.dane4j.dns.DaneResolver;
import org.dane4j.sts.MtaSts;
import org.dane4j.sts.StsPolicyCache;
import picocli.CommandLine.Option;

/**
 * The MTA-STS options of {@code send}, {@code check} and {@code monitor} (a picocli mixin; RFC 8461), and the
 * {@link MtaSts} they describe. MTA-STS is on unless {@code --no-mta-sts}: a domain publishes a policy so that
 * senders apply it, and the commands show what a sender that does (mox, Stalwart, Postfix with an STS policy
 * server) would do. DANE still comes first on every MX host that has it (checklist POL-3).
 */
public final class StsOptions {
  /** The prefix of a {@code --sts-cache} value naming a shared JDBC store instead of a file. */
  public static final String JDBC_PREFIX = "jdbc:";

  @Option(names = "--no-mta-sts", description = "Ignore MTA-STS (RFC 8461): no policy lookup, DANE and"
      + " opportunistic TLS only.")
  boolean off;

  @Option(names = "--sts-ca", paramLabel = "FILE",
      description = {"PEM certificates trusted besides the JDK's trust store for MTA-STS: the policy fetch from"
          + " mta-sts.DOMAIN and the WebPKI check of MX hosts under an enforce policy (private test PKIs)."})
  Path stsCa;

  @Option(names = "--sts-cache", paramLabel = "PATH|jdbc:URL",
      description = {"Keep MTA-STS policies in this file between runs (RFC 8461 §5.1; created if missing).",
          "Default: in memory, for this run only."})
  String stsCache;

  @Option(names = "--sts-policy-port", hidden = true, defaultValue = "" + MtaSts.HTTPS_PORT,
      description = "Port of the policy host, for test networks only.")
  int policyPort = MtaSts.HTTPS_PORT;

  /** Whether MTA-STS is on (no {@code --no-mta-sts}). */
  public boolean enabled() {
    return !off;
  }

  /**
   * The MTA-STS lookup the options describe, over {@code resolver} (not closed with it), with a policy fetch
   * deadline of {@code fetchTimeout}; null with {@code --no-mta-sts}. No proactive refresh timer: a command runs
   * once. The caller closes it.
   *
   * @throws CommandException (64) for a wrong option, (66) when the --sts-ca file cannot be read or holds no
   *     certificate, or the --sts-cache file cannot be read
   */
  public MtaSts open(DaneResolver resolver, Duration fetchTimeout) {
    if (off) {
      if (stsCa != null || stsCache != null) {
        throw new CommandException(ExitCodes.USAGE, "--no-mta-sts cannot be combined with --sts-ca or --sts-cache",
            null);
      }
      return null;
    }
    MtaSts.Builder b;
    try {
      b = MtaSts.builder(resolver).fetchTimeout(fetchTimeout).policyPort(policyPort)
          .refreshCheckInterval(Duration.ZERO);
    } catch (IllegalArgumentException e) {
      throw new CommandException(ExitCodes.USAGE, "--sts-policy-port: " + e.getMessage(), e);
    }
    if (stsCa != null) {
      try {
        b.extraTrustAnchors(stsCa);
      } catch (IllegalArgumentException e) {
        throw new CommandException(ExitCodes.NO_INPUT, "--sts-ca: " + OneLineErrors.echo(e.getMessage()), e);
      }
    }
    if (stsCache != null) {
      b.cache(cache(stsCache));
    }
    return b.build();
  }

  /**
   * The store a {@code --sts-cache} value names: a file path, or (later) a {@code jdbc:} URL. The one place
   * that maps the option to a {@link StsPolicyCache}.
   */
  static StsPolicyCache cache(String spec) {
    if (spec.isBlank()) {
      throw new CommandException(ExitCodes.USAGE, "--sts-cache: empty", null);
    }
    if (spec.regionMatches(true, 0, JDBC_PREFIX, 0, JDBC_PREFIX.length())) {
      throw new CommandException(ExitCodes.USAGE, "--sts-cache: a shared JDBC store ('" + JDBC_PREFIX
          + "...') is not available in this build; give a file path", null);
    }
    try {
      return StsPolicyCache.file(Path.of(spec));
    } catch (RuntimeException e) {
      throw new CommandException(ExitCodes.NO_INPUT, "--sts-cache: " + OneLineErrors.echo(spec) + ": "
          + e.getMessage(), e);
    }
  }
}
