package org.dane4j.sts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The WebPKI trust for policy fetches (RFC 8461 §3.3): the JDK's default trust store, plus extra anchors for a
 * private PKI. Never "trust all"; the host-name check is the JSSE's ("HTTPS" endpoint identification).
 */
final class WebPkiTrust {
  private WebPkiTrust() {}

  /** Reads every certificate of a PEM file (RFC 7468); at least one. */
  static List<X509Certificate> readPem(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : certs) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException("no certificate in " + file);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read trust anchors from " + file + ": " + e.getMessage(), e);
    } catch (CertificateException e) {
      throw new IllegalArgumentException("not PEM certificates: " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The socket factory for policy fetches and the trust manager for SMTP sessions under a policy, over the JDK
   * default anchors and {@code extra}, built together on first use and then kept. Loading the JDK's trust
   * store takes 0.1–0.5 s of a fresh JVM (BENCHMARKS.md, "CLI"); a process that meets no MTA-STS domain — most
   * short CLI runs — never pays it.
   */
  static final class OnFirstUse {
    private final List<X509Certificate> extra;
    private volatile SSLSocketFactory sockets;
    private volatile X509ExtendedTrustManager trustManager;

    OnFirstUse(List<X509Certificate> extra) {
      this.extra = List.copyOf(extra);
    }

    /** The factory for policy fetches; builds both on the first call. */
    SSLSocketFactory sockets() {
      build();
      return sockets;
    }

    /** The JDK's PKIX trust manager, without a host-name check of its own; builds both on the first call. */
    X509ExtendedTrustManager trustManager() {
      build();
      return trustManager;
    }

    /** Whether the trust store has been read (for tests). */
    boolean built() {
      return trustManager != null;
    }

    private void build() {
      if (trustManager != null) {
        return;
      }
      synchronized (this) {
        if (trustManager == null) {
          TrustManager[] managers = managers(extra);
          sockets = context(managers).getSocketFactory();
          trustManager = extended(managers);
        }
      }
    }
  }

  private static SSLContext context(TrustManager[] managers) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, managers, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up the WebPKI trust for MTA-STS policy fetches", e);
    }
  }

  private static X509ExtendedTrustManager extended(TrustManager[] managers) {
    for (TrustManager m : managers) {
      if (m instanceof X509ExtendedTrustManager x) {
        return x;
      }
    }
    throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager");
  }

  private static TrustManager[] managers(List<X509Certificate> extra) {
    try {
      TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      jdk.init((KeyStore) null);
      TrustManager[] managers = jdk.getTrustManagers();
      if (!extra.isEmpty()) {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        int i = 0;
        for (TrustManager m : managers) {
          if (m instanceof X509TrustManager x) {
            for (X509Certificate c : x.getAcceptedIssuers()) {
              anchors.setCertificateEntry("jdk-" + i++, c);
            }
          }
        }
        for (X509Certificate c : extra) {
          anchors.setCertificateEntry("extra-" + i++, c);
        }
        TrustManagerFactory combined = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        combined.init(anchors);
        managers = combined.getTrustManagers();
      }
      return managers;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up the WebPKI trust for MTA-STS policy fetches", e);
    }
  }
}
