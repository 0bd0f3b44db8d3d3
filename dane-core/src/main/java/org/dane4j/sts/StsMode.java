package org.dane4j.sts;

/** The {@code mode} of an MTA-STS policy (RFC 8461 §5). */
public enum StsMode {
  /** Deliver only to MX hosts that match a pattern and present a WebPKI-valid certificate; else defer. */
  ENFORCE,
  /** Deliver as without a policy, and report what would have failed (TLS-RPT, RFC 8460). */
  TESTING,
  /** The domain withdraws its policy: treat it as having none. Replaces a cached policy at once. */
  NONE;

  /** The policy text's spelling: {@code enforce}, {@code testing}, {@code none}. */
  public String text() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
