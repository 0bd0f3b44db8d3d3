package org.dane4j.testkit.sts;

/**
 * A misbehaviour of a {@link StsPolicyServer}, one for each rule an MTA-STS policy fetch must enforce (RFC 8461
 * §3.3). Set with {@link StsPolicyServer#fault(StsFault)}; it applies to the connections accepted afterwards.
 */
public enum StsFault {
  /** Answer {@code 302 Found} with a {@code Location} on the same server, which serves the policy: a client
   * that follows redirects would get a policy it must not use. */
  REDIRECT,
  /** Serve the policy with {@code Content-Type: text/html}. */
  WRONG_CONTENT_TYPE,
  /** Serve the policy without a {@code Content-Type} header. */
  NO_CONTENT_TYPE,
  /** Serve a policy padded with comment-free extension lines to {@link StsPolicyServer#OVERSIZE_BYTES} bytes,
   * with a {@code Content-Length} that says so. */
  OVERSIZE,
  /** As {@link #OVERSIZE}, with chunked transfer coding and no {@code Content-Length}: the client must count. */
  OVERSIZE_CHUNKED,
  /** Send the response one byte at a time, {@linkplain StsPolicyServer.Builder#trickleDelay a delay} apart. */
  TRICKLE,
  /** Accept the connection and the TLS handshake, read the request, then never answer. */
  NO_RESPONSE,
  /** Answer {@code 404 Not Found}. */
  NOT_FOUND,
  /** Answer {@code 500 Internal Server Error}. */
  SERVER_ERROR,
  /** Present a certificate from the same CA but for {@code www.<domain>}, not {@code mta-sts.<domain>}. */
  WRONG_NAME_CERTIFICATE,
  /** Present a certificate for the right name, issued by a CA no client trusts (minted by the server). */
  UNTRUSTED_CERTIFICATE,
  /** Present a certificate for the right name from the same CA that expired a day ago. */
  EXPIRED_CERTIFICATE
}
