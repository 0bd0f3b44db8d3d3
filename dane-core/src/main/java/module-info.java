/**
 * dane4j core: the RFC 7672 decision for SMTP clients. Only API packages are exported.
 */
module org.dane4j.core {
  requires transitive org.dnsjava;
  requires java.naming;

  exports org.dane4j.tlsa;
}
