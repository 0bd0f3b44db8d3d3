package org.dane4j.sts;

/** A policy fetch that failed, with its TLS-RPT type and a message naming the rule or limit. */
final class StsFetchException extends Exception {
  private static final long serialVersionUID = 1L;
  private final StsFailure failure;

  StsFetchException(StsFailure failure, String message, Throwable cause) {
    super(message, cause);
    this.failure = failure;
  }

  StsFetchException(StsFailure failure, String message) {
    this(failure, message, null);
  }

  StsFailure failure() {
    return failure;
  }
}
