package org.dane4j.testkit.smtp;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A server key manager that always presents one given chain, exactly as given — in any order, with or without
 * the root, even a chain that does not chain — so that tests can serve the broken chains a DANE client must
 * handle. (A {@code KeyStore} would refuse to hold a chain whose names do not link.)
 */
final class FixedKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "smtp-test-server";

  private final PrivateKey key;
  private final X509Certificate[] chain;

  FixedKeyManager(PrivateKey key, List<X509Certificate> chain) {
    this.key = key;
    this.chain = chain.toArray(new X509Certificate[0]);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return chooseServerAlias(keyType, issuers, null);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return keyType != null && keyType.equalsIgnoreCase(keyAlgorithm()) ? ALIAS : null;
  }

  /** The key's algorithm as JSSE names key types ({@code EC}, {@code RSA}, ...). */
  private String keyAlgorithm() {
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
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
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
