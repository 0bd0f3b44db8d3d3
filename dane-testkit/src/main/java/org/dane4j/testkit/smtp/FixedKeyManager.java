package org.dane4j.testkit.smtp;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A server key manager that always presents one given chain, exactly as given — in any order, with or without
 * the root, even a chain that does not chain — so that tests can serve the broken chains a DANE client must
 * handle. (A {@code KeyStore} would refuse to hold a chain whose names do not link.)
 *
 * <p>It may hold several keys, each with its chain (an RSA and an ECDSA certificate, as many mail servers
 * have): for each key type the JDK asks about — in the order of the client's offered signature schemes or
 * cipher suites — it presents the first key of that type, so a client that offers only RSA gets the RSA
 * chain and one that prefers ECDSA the ECDSA chain.
 */
final class FixedKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "smtp-test-server";

  private final List<PrivateKey> keys = new ArrayList<>();
  private final List<X509Certificate[]> chains = new ArrayList<>();

  FixedKeyManager(PrivateKey key, List<X509Certificate> chain) {
    add(key, chain);
  }

  /** Another key with its chain; a key of a type already held is never chosen. */
  FixedKeyManager add(PrivateKey key, List<X509Certificate> chain) {
    keys.add(key);
    chains.add(chain.toArray(new X509Certificate[0]));
    return this;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return chooseServerAlias(keyType, issuers, null);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    for (int i = 0; i < keys.size(); i++) {
      if (keyType != null && keyType.equalsIgnoreCase(keyAlgorithm(keys.get(i)))) {
        return alias(i);
      }
    }
    return null;
  }

  private static String alias(int index) {
    return index == 0 ? ALIAS : ALIAS + "-" + index;
  }

  private int index(String alias) {
    for (int i = 0; i < keys.size(); i++) {
      if (alias(i).equals(alias)) {
        return i;
      }
    }
    return -1;
  }

  /** The key's algorithm as JSSE names key types ({@code EC}, {@code RSA}, ...). */
  private static String keyAlgorithm(PrivateKey key) {
    String algorithm = key.getAlgorithm();
    return "ECDSA".equalsIgnoreCase(algorithm) ? "EC" : algorithm;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String alias = chooseServerAlias(keyType, issuers, null);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    int i = index(alias);
    return i < 0 ? null : chains.get(i).clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    int i = index(alias);
    return i < 0 ? null : keys.get(i);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
