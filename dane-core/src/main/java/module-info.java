/**
 * dane4j core: the RFC 7672 decision for SMTP clients. Only API packages are exported.
 */
module org.dane4j.core {
  requires transitive org.dnsjava;
  requires java.naming;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;
  // only StsPolicyCache.jdbc needs JDBC: a jlink image without java.sql (and java.xml) still runs the rest
  requires static transitive java.sql;

  exports org.dane4j.tlsa;
  exports org.dane4j.dns;
  exports org.dane4j.smtp;
  exports org.dane4j.delivery;
  exports org.dane4j.sts;
}
