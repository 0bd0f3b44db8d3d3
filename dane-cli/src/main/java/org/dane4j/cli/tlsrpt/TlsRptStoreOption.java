package org.dane4j.cli.tlsrpt;

import java.nio.file.Path;
import org.dane4j.cli.CommandException;
import org.dane4j.cli.ExitCodes;
import org.dane4j.delivery.DeliveryListener;
import org.dane4j.tlsrpt.JdbcTlsReportStore;
import org.dane4j.tlsrpt.TlsReportStore;
import org.dane4j.tlsrpt.TlsRptSink;
import picocli.CommandLine.Option;

/**
 * {@code --tlsrpt-store PATH|jdbc:URL}: record the command's sessions for TLS reporting (RFC 8460) into a store;
 * off by default. A mixin of {@code send}; {@link #listener()} is the hook.
 */
public final class TlsRptStoreOption implements AutoCloseable {
  @Option(names = "--tlsrpt-store", paramLabel = "PATH|jdbc:URL",
      description = "Record each session's TLS result for TLS reports (RFC 8460) into this store: an SQLite file"
          + " (created if absent) or a jdbc:postgresql: URL. Off by default; see 'dane4j tlsrpt'.")
  String store;

  private TlsReportStore opened;
  private TlsRptSink sink;

  /** Opens a store at a path or JDBC URL, or fails with exit code 66. */
  static TlsReportStore open(String where) {
    try {
      return where.startsWith("jdbc:") ? JdbcTlsReportStore.open(where) : JdbcTlsReportStore.sqlite(Path.of(where));
    } catch (RuntimeException e) {
      throw new CommandException(ExitCodes.NO_INPUT, "--tlsrpt-store: " + e.getMessage(), e);
    }
  }

  /** The listener to give the engine: a sink on the store, or one that does nothing without the option. */
  public DeliveryListener listener() {
    if (store == null) {
      return DeliveryListener.none();
    }
    if (sink == null) {
      opened = open(store);
      sink = TlsRptSink.builder(opened).build();
    }
    return sink;
  }

  /** Flushes what was recorded and closes the store. */
  @Override
  public void close() {
    if (sink != null) {
      try {
        sink.close();
      } finally {
        opened.close();
      }
    }
  }
}
