/**
 * A loopback SMTP server for end-to-end tests of SMTP clients: {@link org.dane4j.testkit.smtp.SmtpTestServer}
 * speaks enough RFC 5321 with STARTTLS (RFC 3207) and pipelining (RFC 2920) for real clients,
 * {@link org.dane4j.testkit.smtp.SmtpFault} makes it misbehave (no STARTTLS, refused STARTTLS, failed handshake,
 * reply injection after STARTTLS, slow or missing replies, a dropped connection), and it records every byte a
 * client sent, split into what crossed the wire unprotected and what came inside TLS
 * ({@link org.dane4j.testkit.smtp.SmtpConnection}), along with the messages it accepted
 * ({@link org.dane4j.testkit.smtp.ReceivedMessage}).
 */
package org.dane4j.testkit.smtp;
