package org.dane4j.netty;

import org.dane4j.tlsa.FailureType;

/** Why a session was abandoned before the mail transaction (RFC 7672 §2.2; checklist TLS-1, OUT-1). */
final class SessionFailure extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient FailureType type;

  SessionFailure(FailureType type, String message) {
    super(message, null, false, false);
    this.type = type;
  }

  FailureType type() {
    return type;
  }
}
