package org.dane4j.tlsa;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The association data of each certificate of one chain, computed at most once per certificate,
 * selector and matching type during one verification.
 */
final class SelectedData {
  private final List<X509Certificate> chain;
  private final byte[][][][] memo; // [certificate][selector][matching type]

  SelectedData(List<X509Certificate> chain) {
    this.chain = chain;
    this.memo = new byte[chain.size()][2][3][];
  }

  /** Whether the certificate at {@code index} matches {@code record} (known selector and type). */
  boolean matches(int index, TlsaRecord record) {
    return record.dataEquals(of(index, record.selector(), record.matchingType()));
  }

  byte[] of(int index, Selector selector, MatchingType matchingType) {
    byte[] cached = memo[index][selector.value()][matchingType.value()];
    if (cached == null) {
      cached = TlsaRecord.associationData(chain.get(index), selector, matchingType);
      memo[index][selector.value()][matchingType.value()] = cached;
    }
    return cached;
  }
}
