package org.dane4j.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options {@code check} and {@code monitor} share for the hosts they probe (a picocli mixin): the SMTP port
 * ({@code --port}, RFC 7672 §2.2.3: TLSA at {@code _N._tcp.}) and the CA-pin watchlist ({@code --ca-watchlist}).
 */
public final class ProbeOptions {
  @Option(names = "--port", paramLabel = "N",
      description = "SMTP port of the hosts (default: 25, or the target's :PORT); TLSA is looked up at"
          + " _N._tcp.")
  Integer port;

  @Option(names = "--ca-watchlist", paramLabel = "FILE",
      description = "CA intermediates to warn about when a 2 x x record pins only some of them (default: the"
          + " bundled list of Let's Encrypt's intermediates). One 'CA | NAME | STATUS | KEY | SUBJECT | SPKI-SHA256'"
          + " line per intermediate, STATUS active, backup or retired; '#' starts a comment.")
  Path caWatchlist;

  /** The {@code --port} given, or null (then the target's port, or 25; see {@link Target#parse}). */
  public Integer port() {
    return port;
  }

  /**
   * The watchlist: the file given, or the bundled one.
   *
   * @param exitCode the exit code when the file cannot be read or holds a bad line
   */
  public CaWatchlist watchlist(int exitCode) {
    return CaWatchlist.load(caWatchlist, exitCode);
  }
}
