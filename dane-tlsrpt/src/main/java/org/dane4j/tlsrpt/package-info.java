/**
 * SMTP TLS Reporting (RFC 8460) on the sending side.
 *
 * <pre>{@code
 * TlsReportStore store = JdbcTlsReportStore.open("jdbc:sqlite:/var/lib/app/tlsrpt.db");
 * TlsRptSink sink = TlsRptSink.builder(store).build();            // one per process, close() at shutdown
 * DeliveryEngine engine = DeliveryEngine.builder(planner, session).listener(sink).build();
 * ...
 * String json = TlsReportJson.write(store.read(day, "example.com"), ReportSettings.of("Example Inc.",
 *     "mailto:tlsrpt@example.net", "example.net"));
 * }</pre>
 *
 * <p>{@link org.dane4j.tlsrpt.TlsRptSink} records one final result per session per policy, pre-aggregated in
 * memory and flushed by its own thread; {@link org.dane4j.tlsrpt.TlsReportStore} holds the daily counters,
 * the sent marks and the lease that elects the one sender of a fleet; {@link org.dane4j.tlsrpt.TlsReportJson}
 * writes the report; {@link org.dane4j.tlsrpt.TlsRptRecord} reads the {@code _smtp._tls} TXT record.
 */
package org.dane4j.tlsrpt;
