/**
 * dane4j TLS reporting (RFC 8460) for senders: a non-blocking sink on the delivery engine's events, daily
 * counters in a store, the RFC 8460 §4 JSON reports and the {@code _smtp._tls} record. Only the API package is
 * exported.
 */
module org.dane4j.tlsrpt {
  requires transitive org.dane4j.core;
  requires transitive java.sql;
  requires org.slf4j;
  requires org.xerial.sqlitejdbc;
  requires java.net.http;

  exports org.dane4j.tlsrpt;
}
