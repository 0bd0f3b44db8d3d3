/**
 * A loopback MTA-STS policy host for tests of MTA-STS clients (RFC 8461 §3.3):
 * {@link org.dane4j.testkit.sts.StsPolicyServer} serves {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}
 * with a certificate from a private CA, and {@link org.dane4j.testkit.sts.StsFault} makes it break each rule a
 * client must enforce (no redirects, status 200 only, {@code text/plain}, bounded size and time, WebPKI
 * validation of the policy host name).
 */
package org.dane4j.testkit.sts;
