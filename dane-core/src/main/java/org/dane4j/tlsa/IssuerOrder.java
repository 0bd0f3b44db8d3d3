package org.dane4j.tlsa;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a presented chain in issuer order: the leaf, then the certificate named as its issuer, and so on,
 * as far as the names link. Servers sometimes send intermediates out of order or add unrelated
 * certificates; the match depth reported is the depth in this chain, as OpenSSL and Postfix report it.
 */
final class IssuerOrder {
  private IssuerOrder() {}

  static List<X509Certificate> path(List<X509Certificate> presented) {
    List<X509Certificate> path = new ArrayList<>(presented.size());
    boolean[] used = new boolean[presented.size()];
    X509Certificate current = presented.get(0);
    used[0] = true;
    path.add(current);
    while (!current.getIssuerX500Principal().equals(current.getSubjectX500Principal())) {
      int next = issuerIndex(presented, used, current);
      if (next < 0) {
        break;
      }
      used[next] = true;
      current = presented.get(next);
      path.add(current);
    }
    return path;
  }

  private static int issuerIndex(List<X509Certificate> presented, boolean[] used, X509Certificate child) {
    for (int i = 1; i < presented.size(); i++) {
      if (!used[i] && presented.get(i).getSubjectX500Principal().equals(child.getIssuerX500Principal())) {
        return i;
      }
    }
    return -1;
  }
}
