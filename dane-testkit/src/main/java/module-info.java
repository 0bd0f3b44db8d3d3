/**
 * The dane4j testkit, for our tests and yours: certificate minting, a loopback TLS server, a DNSSEC-signed
 * DNS world served on loopback, STARTTLS SMTP servers with switchable faults, and JUnit 5 extensions.
 *
 * <p>JUnit is optional: only {@link org.dane4j.testkit.MailWorldExtension} and
 * {@link org.dane4j.testkit.dns.DnsWorldExtension} need it; every other type runs without JUnit on the class
 * or module path.
 */
module org.dane4j.testkit {
  requires transitive org.dnsjava;
  // Optional (static): only DnsWorldExtension and MailWorldExtension need JUnit; a test module that uses them
  // reads JUnit through this module as before (transitive), a runtime without JUnit (the CLI's demo) never
  // loads them.
  requires static transitive org.junit.jupiter.api;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.pkix;
  requires org.bouncycastle.util;

  exports org.dane4j.testkit;
  exports org.dane4j.testkit.dns;
  exports org.dane4j.testkit.smtp;
}
