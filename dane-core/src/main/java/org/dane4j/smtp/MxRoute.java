package org.dane4j.smtp;

import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.X509ExtendedTrustManager;
import org.dane4j.sts.StsFailure;
import org.dane4j.sts.StsMode;
import org.dane4j.sts.StsPolicy;
import org.dane4j.tlsa.DaneTrustManager;
import org.dane4j.tlsa.FailureType;
import org.dane4j.tlsa.TlsaRecord;

/**
 * One host to try, with everything an SMTP adapter needs to connect to it safely (RFC 7672 §2).
 *
 * <ul>
 *   <li>{@link #addresses()}: the validated addresses to connect to; each {@link InetAddress} carries the
 *       host name, so connecting to it does not resolve the name again (ADDR-3).</li>
 *   <li>{@link #requirement()}: DANE, ENCRYPT, STS, OPPORTUNISTIC or UNUSABLE; for UNUSABLE the
 *       {@link #reason()} and {@link #failureType()} say why.</li>
 *   <li>{@link #tlsaBaseDomain()}: the SNI name and first reference identifier (TLSA-4).</li>
 *   <li>{@link #mxSecure()}: whether the MX RRset was secure; a verified session to a host found through
 *       an insecure MX RRset is reported as "trusted", not "verified" (MX-2).</li>
 *   <li>{@link #policyType()}, {@link #stsMode()}, {@link #stsPolicy()}: which policy decided the requirement —
 *       DANE ({@code tlsa}), MTA-STS ({@code sts}, with its mode) or neither ({@code no-policy-found}); checklist
 *       POL-3, STS-2.</li>
 * </ul>
 */
public final class MxRoute {
  private final String mxHost;
  private final String host;
  private final int preference;
  private final int port;
  private final List<InetAddress> addresses;
  private final TlsRequirement requirement;
  private final String reason;
  private final FailureType failureType;
  private final List<TlsaRecord> tlsa;
  private final String tlsaBaseDomain;
  private final List<String> referenceNames;
  private final boolean mxSecure;
  private final boolean noAddress;
  private final Clock clock;
  private final StsPolicy stsPolicy;
  private final X509ExtendedTrustManager webPki;
  private final StsFailure stsFetchFailure;

  MxRoute(Builder b) {
    this.mxHost = Objects.requireNonNull(b.mxHost, "mxHost");
    this.host = b.host != null ? b.host : b.mxHost;
    this.preference = b.preference;
    this.port = b.port;
    this.addresses = List.copyOf(b.addresses);
    this.requirement = Objects.requireNonNull(b.requirement, "requirement");
    this.reason = Objects.requireNonNull(b.reason, "reason");
    this.failureType = b.failureType;
    this.tlsa = List.copyOf(b.tlsa);
    this.tlsaBaseDomain = b.tlsaBaseDomain != null ? b.tlsaBaseDomain : this.host;
    this.referenceNames = List.copyOf(b.referenceNames);
    this.mxSecure = b.mxSecure;
    this.noAddress = b.noAddress;
    this.clock = b.clock;
    this.stsPolicy = b.stsPolicy;
    this.webPki = b.webPki;
    this.stsFetchFailure = b.stsFetchFailure;
  }

  /** The MX host name as published in the MX record (before CNAME expansion). */
  public String mxHost() {
    return mxHost;
  }

  /** The host name after CNAME expansion (equal to {@link #mxHost()} when there is no CNAME). */
  public String host() {
    return host;
  }

  /** The MX preference (0 for an implicit MX or a relay). */
  public int preference() {
    return preference;
  }

  /** The SMTP port. */
  public int port() {
    return port;
  }

  /** The addresses to connect to, from the lookups the requirement is based on; empty for UNUSABLE. */
  public List<InetAddress> addresses() {
    return addresses;
  }

  /** What the TLS session must be. */
  public TlsRequirement requirement() {
    return requirement;
  }

  /** Why the route has its requirement, in words (for logs and reports). */
  public String reason() {
    return reason;
  }

  /** For an UNUSABLE route, the RFC 8460 failure type. */
  public Optional<FailureType> failureType() {
    return Optional.ofNullable(failureType);
  }

  /** The secure TLSA RRset (DANE and ENCRYPT routes); empty otherwise. */
  public List<TlsaRecord> tlsa() {
    return tlsa;
  }

  /** The TLSA base domain, without a trailing dot: the SNI name and first reference name (TLSA-4). */
  public String tlsaBaseDomain() {
    return tlsaBaseDomain;
  }

  /** The reference names for the DANE-TA name check, the TLSA base domain first (TA-3). */
  public List<String> referenceNames() {
    return referenceNames;
  }

  /** Whether the MX RRset (or the relay name, for a relay) was DNSSEC-secure (MX-2). */
  public boolean mxSecure() {
    return mxSecure;
  }

  /**
   * Which policy decided the requirement (RFC 8460 {@code policy-type}): {@link PolicyType#TLSA} when the host
   * has a DNSSEC-secure TLSA RRset, {@link PolicyType#STS} when the recipient domain's MTA-STS policy
   * ({@code enforce} or {@code testing}) applied to this host, else {@link PolicyType#NO_POLICY_FOUND}.
   */
  public PolicyType policyType() {
    if (!tlsa.isEmpty()) {
      return PolicyType.TLSA;
    }
    return stsPolicy != null ? PolicyType.STS : PolicyType.NO_POLICY_FOUND;
  }

  /**
   * The MTA-STS mode that applied to this host: {@code ENFORCE} (requirement {@link TlsRequirement#STS}, or
   * UNUSABLE when the host matches no {@code mx} pattern) or {@code TESTING} (the requirement is as without
   * MTA-STS; the report says what would have failed); empty when MTA-STS did not apply (DANE host, no policy,
   * {@code mode: none}).
   */
  public Optional<StsMode> stsMode() {
    return Optional.ofNullable(stsPolicy).map(StsPolicy::mode);
  }

  /** The MTA-STS policy that applied to this host (see {@link #stsMode()}), e.g. for its text in a TLS report. */
  public Optional<StsPolicy> stsPolicy() {
    return Optional.ofNullable(stsPolicy);
  }

  /**
   * Why the recipient domain's announced MTA-STS policy could not be had (RFC 8460 §4.3.2.2:
   * {@code sts-policy-fetch-error}, {@code sts-policy-invalid}, {@code sts-webpki-invalid}), for a host without
   * DANE planned as without MTA-STS because nothing unexpired was cached (RFC 8461 §3.3); TLS reports count
   * its sessions as that failure. Empty otherwise.
   */
  public Optional<StsFailure> stsFetchFailure() {
    return Optional.ofNullable(stsFetchFailure);
  }

  /**
   * A new trust manager for one connection on this route (see {@link RouteTrustManager}): DANE routes
   * authenticate the server by their TLSA records (with the planner's clock); ENCRYPT and OPPORTUNISTIC
   * routes accept it unauthenticated, as RFC 7672 §3.1.3 and RFC 7435 prescribe (under an MTA-STS
   * {@code testing} policy they also run the STS check, report-only); STS routes validate the chain by WebPKI
   * and the MX host name (RFC 8461 §4.2). TLS 1.2 or newer only.
   *
   * @throws IllegalStateException for an UNUSABLE route, which must not be connected to
   */
  public RouteTrustManager trustManager() {
    return switch (requirement) {
      case DANE -> new RouteTrustManager(DaneTrustManager.builder().tlsa(tlsa)
          .referenceNames(referenceNames.toArray(new String[0])).clock(clock).build());
      case STS -> new RouteTrustManager(null, new StsCertificateCheck(webPki, mxHost), true);
      case ENCRYPT, OPPORTUNISTIC -> webPki != null && stsPolicy != null && stsPolicy.mode() == StsMode.TESTING
          ? new RouteTrustManager(null, new StsCertificateCheck(webPki, mxHost), false)
          : new RouteTrustManager(null);
      case UNUSABLE -> throw new IllegalStateException("route " + mxHost + " is unusable: " + reason);
    };
  }

  /**
   * The TLS recipe of one new connection on this route ({@link TlsRecipe}: SNI, protocols,
   * {@code SSLParameters}, a new trust manager; TLS-2, TLS-4, TLS-5), for every adapter.
   *
   * @throws IllegalStateException for an UNUSABLE route, which must not be connected to
   */
  public TlsRecipe tlsRecipe() {
    return TlsRecipe.of(this);
  }

  /**
   * The connection-reuse key of this route at one of its addresses (checklist TLS-6): a connection or TLS
   * session may carry mail for another route only when their keys are equal.
   */
  public RouteKey reuseKey(InetAddress address) {
    return RouteKey.of(this, address);
  }

  /**
   * The verdict of a successful session on this route: authenticated or not, MX secure or not (MX-2). A session
   * authenticated under MTA-STS {@code enforce} is {@link TlsVerdict#VERIFIED} whatever the MX RRset's DNSSEC
   * status (the {@code mx} pattern, not DNSSEC, vouches for the host; RFC 8461 §4.1); {@link #policyType()}
   * {@code sts} tells it from a DANE verification.
   */
  public TlsVerdict verdict(boolean tls, boolean authenticated) {
    if (authenticated && requirement == TlsRequirement.STS) {
      return TlsVerdict.VERIFIED;
    }
    if (authenticated) {
      return mxSecure ? TlsVerdict.VERIFIED : TlsVerdict.TRUSTED;
    }
    if (!tls) {
      return TlsVerdict.CLEARTEXT;
    }
    return requirement == TlsRequirement.OPPORTUNISTIC ? TlsVerdict.OPPORTUNISTIC : TlsVerdict.ENCRYPTED;
  }

  /**
   * Why this route cannot carry a REQUIRETLS message (RFC 8689 §4.2.1; checklist RTLS-1), or empty when it can:
   * it must be DANE-verified (requirement DANE: a usable secure TLSA RRset, found through a DNSSEC-secure MX
   * RRset or given by name) or MTA-STS-enforce-verified (requirement STS). The server must in addition announce
   * REQUIRETLS after STARTTLS, which only the session can see.
   */
  public Optional<String> requireTlsProblem() {
    return switch (requirement) {
      case DANE -> mxSecure ? Optional.empty() : Optional.of("REQUIRETLS needs an authenticated route: " + mxHost
          + " has usable TLSA records, but the MX RRset is not DNSSEC-secure (RFC 8689 §4.2.1)");
      case STS -> Optional.empty();
      case ENCRYPT, OPPORTUNISTIC -> Optional.of("REQUIRETLS needs an authenticated route: " + mxHost + " is "
          + requirement + " (no usable DNSSEC-secure TLSA records and no MTA-STS enforce policy: "
          + (stsMode().isPresent() ? "MTA-STS " + stsMode().get() + " is not enough" : "nothing authenticates it")
          + "; RFC 8689 §4.2.1)");
      case UNUSABLE -> Optional.of("REQUIRETLS needs an authenticated route: " + mxHost + " is unusable: " + reason);
    };
  }

  /**
   * This route as a message with {@code TLS-Required: No} uses it after its verification failed (RFC 8689 §5;
   * checklist RTLS-2): OPPORTUNISTIC (TLS if offered, unauthenticated, cleartext when STARTTLS is missing), with
   * the same host, addresses, TLSA records and MTA-STS policy, so that the report still names the policy that
   * was bypassed ({@link #policyType()}). Never used for any other message.
   *
   * @throws IllegalStateException for an UNUSABLE route (it has no address to connect to)
   */
  public MxRoute withoutVerification() {
    if (requirement == TlsRequirement.UNUSABLE) {
      throw new IllegalStateException("route " + mxHost + " is unusable: " + reason);
    }
    Builder b = Builder.from(this);
    if (stsPolicy != null && stsPolicy.mode() == StsMode.ENFORCE) {
      b.webPki = null; // no report-only STS check: the policy is bypassed, its failure already recorded
    }
    return b.require(TlsRequirement.OPPORTUNISTIC, "TLS-Required: No: " + requirement
        + " verification bypassed (RFC 8689 §5); was: " + reason);
  }

  /** Whether the route is unusable only because the host securely or insecurely has no address. */
  boolean noAddress() {
    return noAddress;
  }

  @Override
  public String toString() {
    return "MX " + preference + " " + mxHost + (host.equals(mxHost) ? "" : " (" + host + ")") + " " + requirement
        + " " + addresses.stream().map(InetAddress::getHostAddress).toList() + ": " + reason;
  }

  static Builder builder(String mxHost, int preference, int port, Clock clock) {
    return new Builder(mxHost, preference, port, clock);
  }

  /** Assembles a route during planning. */
  static final class Builder {
    private final String mxHost;
    private final int preference;
    private final int port;
    private final Clock clock;
    private String host;
    private List<InetAddress> addresses = List.of();
    private TlsRequirement requirement;
    private String reason;
    private FailureType failureType;
    private List<TlsaRecord> tlsa = List.of();
    private String tlsaBaseDomain;
    private List<String> referenceNames = List.of();
    private boolean mxSecure;
    private boolean noAddress;
    private StsPolicy stsPolicy;
    private X509ExtendedTrustManager webPki;
    private StsFailure stsFetchFailure;

    private Builder(String mxHost, int preference, int port, Clock clock) {
      this.mxHost = mxHost;
      this.preference = preference;
      this.port = port;
      this.clock = clock;
    }

    /** A builder holding everything of {@code route}, to derive a route from it. */
    static Builder from(MxRoute r) {
      Builder b = new Builder(r.mxHost, r.preference, r.port, r.clock);
      b.host = r.host;
      b.addresses = r.addresses;
      b.requirement = r.requirement;
      b.reason = r.reason;
      b.failureType = r.failureType;
      b.tlsa = r.tlsa;
      b.tlsaBaseDomain = r.tlsaBaseDomain;
      b.referenceNames = r.referenceNames;
      b.mxSecure = r.mxSecure;
      b.noAddress = r.noAddress;
      b.stsPolicy = r.stsPolicy;
      b.webPki = r.webPki;
      b.stsFetchFailure = r.stsFetchFailure;
      return b;
    }

    /** The failed fetch of the domain's announced MTA-STS policy ({@link MxRoute#stsFetchFailure()}). */
    Builder stsFetchFailure(StsFailure failure) {
      this.stsFetchFailure = failure;
      return this;
    }

    /** The MTA-STS policy that applies to the host and the WebPKI trust its checks use. */
    Builder sts(StsPolicy policy, X509ExtendedTrustManager webPki) {
      this.stsPolicy = policy;
      this.webPki = webPki;
      return this;
    }

    Builder host(String host) {
      this.host = host;
      return this;
    }

    Builder addresses(List<InetAddress> addresses) {
      this.addresses = addresses;
      return this;
    }

    Builder mxSecure(boolean secure) {
      this.mxSecure = secure;
      return this;
    }

    Builder tlsa(List<TlsaRecord> records, String baseDomain) {
      this.tlsa = records;
      this.tlsaBaseDomain = baseDomain;
      return this;
    }

    Builder referenceNames(List<String> names) {
      this.referenceNames = names;
      return this;
    }

    MxRoute require(TlsRequirement requirement, String reason) {
      this.requirement = requirement;
      this.reason = reason;
      return new MxRoute(this);
    }

    MxRoute noAddress(String reason) {
      this.noAddress = true;
      return unusable(FailureType.VALIDATION_FAILURE, reason);
    }

    MxRoute unusable(FailureType type, String reason) {
      this.requirement = TlsRequirement.UNUSABLE;
      this.failureType = type;
      this.reason = reason;
      this.addresses = List.of();
      return new MxRoute(this);
    }
  }
}
