package org.dane4j.tlsa;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager that authenticates a TLS server by its TLSA records (RFC 7672 §3), inside the
 * handshake: when the chain does not satisfy the records it throws a {@link DaneCertificateException}, so
 * the handshake fails before a single SMTP command is sent over it (RFC 7672 §2.2).
 *
 * <pre>{@code
 * DaneTrustManager tm = DaneTrustManager.builder()
 *     .tlsa(TlsaRecord.parse("3 1 1 8cb0fc6c…"))
 *     .referenceNames("mx.example.com", "example.com")
 *     .build();
 * SSLContext tls = SSLContext.getInstance("TLS");
 * tls.init(null, new TrustManager[] {tm}, null);
 * SSLParameters p = new SSLParameters();
 * p.setServerNames(List.of(new SNIHostName("mx.example.com")));  // SNI = TLSA base domain
 * p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
 * }</pre>
 *
 * <p><b>Warning:</b> leave the TLS stack's own host-name verification off
 * ({@code SSLParameters.setEndpointIdentificationAlgorithm(null)}, the JDK default): it would reject
 * DANE-EE servers whose certificate names another host, which RFC 7672 §3.1.1 accepts. This class does
 * the RFC 7672 name checks itself. It never falls back to the JDK's PKIX trust store: a chain that no
 * TLSA record authenticates is rejected. It is for clients only: client certificates are always refused.
 *
 * <p>Each verification is reported to the optional listener and kept for {@link #lastVerification()};
 * use one instance per connection when reading the latter.
 */
public final class DaneTrustManager extends X509ExtendedTrustManager {
  private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

  private final List<TlsaRecord> records;
  private final List<String> referenceNames;
  private final Clock clock;
  private final DaneVerifier verifier;
  private final Consumer<DaneVerification> listener;
  private volatile DaneVerification last;

  private DaneTrustManager(Builder builder) {
    this.records = List.copyOf(builder.records);
    this.referenceNames = List.copyOf(builder.referenceNames);
    this.clock = builder.clock;
    this.verifier = builder.verifier;
    this.listener = builder.listener;
  }

  /** A builder; at least one TLSA record is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The TLSA RRset this trust manager authenticates servers with. */
  public List<TlsaRecord> records() {
    return records;
  }

  /** The reference names, TLSA base domain first. */
  public List<String> referenceNames() {
    return referenceNames;
  }

  /** The result of the latest server verification by this instance, if any. */
  public Optional<DaneVerification> lastVerification() {
    return Optional.ofNullable(last);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    refuseClient();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    refuseClient();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    refuseClient();
  }

  /** None: DANE trust comes from DNS, not from a list of issuers. */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return NO_ISSUERS;
  }

  private void verify(X509Certificate[] chain) throws DaneCertificateException {
    List<X509Certificate> certificates = chain == null ? List.of() : Arrays.asList(chain.clone());
    DaneVerification verification = verifier.verify(certificates, records, referenceNames, clock.instant());
    last = verification;
    if (listener != null) {
      listener.accept(verification);
    }
    if (!verification.verified()) {
      throw new DaneCertificateException(verification);
    }
  }

  private static void refuseClient() throws CertificateException {
    throw new CertificateException("DaneTrustManager authenticates servers only; it trusts no client");
  }

  /** Settings of a {@link DaneTrustManager}; each is checked when set. */
  public static final class Builder {
    private final List<TlsaRecord> records = new ArrayList<>();
    private final List<String> referenceNames = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private DaneVerifier verifier = DaneVerifier.defaults();
    private Consumer<DaneVerification> listener;

    private Builder() {}

    /** Adds TLSA records (the RRset of the TLSA base domain). */
    public Builder tlsa(TlsaRecord... records) {
      return tlsa(Arrays.asList(records));
    }

    /** Adds TLSA records (the RRset of the TLSA base domain). */
    public Builder tlsa(Collection<TlsaRecord> records) {
      for (TlsaRecord r : records) {
        this.records.add(Objects.requireNonNull(r, "TLSA record"));
      }
      return this;
    }

    /**
     * Adds reference names for the DANE-TA name check (RFC 7672 §3.2.2): the TLSA base domain first, then
     * the MX host before and after CNAME expansion and the next-hop domain.
     */
    public Builder referenceNames(String... names) {
      for (String n : names) {
        if (NameMatcher.normalize(Objects.requireNonNull(n, "reference name")) == null) {
          throw new IllegalArgumentException("not a host name: \"" + n + "\"");
        }
        referenceNames.add(n);
      }
      return this;
    }

    /** The clock for DANE-TA path validation; the system UTC clock by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The verifier with its limits; {@link DaneVerifier#defaults()} by default. */
    public Builder verifier(DaneVerifier verifier) {
      this.verifier = Objects.requireNonNull(verifier, "verifier");
      return this;
    }

    /** Called with every verification, successful or not, on the handshake thread. */
    public Builder listener(Consumer<DaneVerification> listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The trust manager. */
    public DaneTrustManager build() {
      if (records.isEmpty()) {
        throw new IllegalStateException("a DaneTrustManager needs at least one TLSA record");
      }
      return new DaneTrustManager(this);
    }
  }
}
