package org.dane4j.smtp;

/**
 * How a REQUIRETLS message ({@link RequireTls#REQUIRETLS}) is treated on the way to one destination (RFC 8689
 * §4.2.1; Postfix 3.11's {@code smtp_requiretls_policy}): {@link #ENFORCE} for the Internet, the default;
 * {@link #OPPORTUNISTIC} for an internal hop (a relay trusted to carry the requirement on, a content filter on
 * localhost) that need not be authenticated.
 */
public enum RequireTlsPolicy {
  /**
   * Only a DANE-verified (usable secure TLSA, secure MX) or MTA-STS-enforce-verified route to a server that
   * announces REQUIRETLS after STARTTLS; MAIL FROM carries {@code REQUIRETLS}; otherwise {@code 5.7.30}.
   */
  ENFORCE,
  /**
   * Delivered as without REQUIRETLS (the route's own requirement applies), and MAIL FROM carries
   * {@code REQUIRETLS} when the server announces it after STARTTLS, so that the next hop keeps enforcing it.
   */
  OPPORTUNISTIC
}
