/**
 * The dane4j testkit, for our tests and yours: certificate minting, a loopback TLS server, a DNSSEC-signed
 * DNS world served on loopback, STARTTLS SMTP servers with switchable faults, and JUnit 5 extensions.
 */
module org.dane4j.testkit {
  requires transitive org.dnsjava;
  requires transitive org.junit.jupiter.api;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.pkix;
  requires org.bouncycastle.util;

  exports org.dane4j.testkit;
  exports org.dane4j.testkit.dns;
  exports org.dane4j.testkit.smtp;
}
