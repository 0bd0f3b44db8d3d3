package org.dane4j.cli.demo;

import java.util.List;
import java.util.Optional;
import org.dane4j.tlsa.DaneVerification;
import org.dane4j.tlsa.FailureType;
import org.dane4j.tlsa.TlsaRecord;

/**
 * One demo handshake: the TLSA RRset and reference name the client uses, and the outcome it should have.
 *
 * @param title what the scenario shows, one line
 * @param records the TLSA RRset the client's trust manager gets
 * @param referenceName the name a DANE-TA authenticated certificate must carry
 * @param expectedDepth for a scenario that should verify, the depth the record should match at; else -1
 * @param expectedFailure for a scenario that should fail, its RFC 8460 type; else null
 */
record Scenario(String title, List<TlsaRecord> records, String referenceName, int expectedDepth,
    FailureType expectedFailure) {
  static Scenario verifies(String title, TlsaRecord record, String referenceName, int depth) {
    return new Scenario(title, List.of(record), referenceName, depth, null);
  }

  static Scenario fails(String title, TlsaRecord record, String referenceName, FailureType failure) {
    return new Scenario(title, List.of(record), referenceName, -1, failure);
  }

  boolean shouldVerify() {
    return expectedFailure == null;
  }

  /** Whether {@code verification} (absent when the handshake broke before it) is the expected one. */
  boolean expected(Optional<DaneVerification> verification) {
    if (verification.isEmpty()) {
      return false;
    }
    DaneVerification v = verification.get();
    return shouldVerify()
        ? v.verified() && v.matchDepth() == expectedDepth
        : !v.verified() && v.failureType().orElseThrow().equals(expectedFailure);
  }

  /** The expectation in words. */
  String expectation() {
    return shouldVerify() ? "verified at depth " + expectedDepth : "failed (" + expectedFailure + ")";
  }
}
