/**
 * An in-process DNSSEC-signed DNS world for tests: {@link org.dane4j.testkit.dns.DnsWorld} holds a private signed
 * hierarchy under its own root, {@link org.dane4j.testkit.dns.DnsTestServer} serves it on loopback (UDP and TCP)
 * the way a recursive resolver would, {@link org.dane4j.testkit.dns.DnsFault} makes it misbehave, and
 * {@link org.dane4j.testkit.dns.DnsWorldExtension} runs it inside JUnit 5 tests. Point a validating stub
 * resolver (dnsjava's {@code ValidatingResolver} over a {@code SimpleResolver}) at the server with
 * {@link org.dane4j.testkit.dns.DnsWorld#trustAnchor()} as its only trust anchor.
 */
package org.dane4j.testkit.dns;
