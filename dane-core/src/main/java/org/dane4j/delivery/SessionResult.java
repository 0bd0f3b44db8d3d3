package org.dane4j.delivery;

import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.dane4j.smtp.StsCertificateException;
import org.dane4j.tlsa.DaneVerification;
import org.dane4j.tlsa.FailureType;

/**
 * What one {@link SmtpSession} saw, as facts for the {@link DeliveryEngine} to decide on: the phase at which
 * it ended, whether it connected, what TLS gave (protocol, cipher, the DANE verification), the replies of the
 * mail transaction, and, when it ended abnormally, why (the RFC 8460 failure type, when there is one, and a
 * detail in words). Adapters build it with {@link #builder()}; the engine builds the reports from it.
 *
 * <p>For a probe ({@link SessionRequest#probe}: the CLI's {@code check}, {@code monitor} and {@code tlsa verify})
 * it also says whether the server offered STARTTLS in its first EHLO reply ({@link #startTlsOffered()}) and
 * which certificate chain it presented in the handshake ({@link #presentedChain()}, as the route's
 * {@link org.dane4j.smtp.RouteTrustManager} recorded it, also when the handshake failed).
 */
public final class SessionResult {
  private final SessionPhase phase;
  private final boolean connected;
  private final boolean tls;
  private final boolean authenticated;
  private final DaneVerification verification;
  private final String tlsProtocol;
  private final String cipherSuite;
  private final SmtpReply mailReply;
  private final Map<String, SmtpReply> rcptReplies;
  private final SmtpReply dataReply;
  private final FailureType failureType;
  private final String failure;
  private final boolean reusedConnection;
  private final int messagesOnConnection;
  private final boolean startTlsOffered;
  private final List<X509Certificate> presentedChain;
  private final StsCertificateException stsFailure;
  private final boolean requireTlsOffered;

  private SessionResult(Builder b) {
    this.requireTlsOffered = b.requireTlsOffered;
    this.phase = Objects.requireNonNull(b.phase, "phase");
    this.connected = b.connected;
    this.tls = b.tls;
    this.authenticated = b.authenticated;
    this.verification = b.verification;
    this.tlsProtocol = b.tlsProtocol;
    this.cipherSuite = b.cipherSuite;
    this.mailReply = b.mailReply;
    this.rcptReplies = Map.copyOf(b.rcptReplies);
    this.dataReply = b.dataReply;
    this.failureType = b.failureType;
    this.failure = b.failure;
    this.reusedConnection = b.reusedConnection;
    this.messagesOnConnection = b.messagesOnConnection;
    this.startTlsOffered = b.startTlsOffered;
    this.presentedChain = b.presentedChain;
    this.stsFailure = b.stsFailure;
    if (authenticated && !tls) {
      throw new IllegalArgumentException("authenticated without TLS");
    }
    if (phase != SessionPhase.COMPLETE && failure == null && mailReply == null) {
      throw new IllegalArgumentException("a session that ended at " + phase + " before MAIL needs a failure");
    }
  }

  /** A builder for adapters. */
  public static Builder builder() {
    return new Builder();
  }

  /** The phase at which the session ended; {@link SessionPhase#COMPLETE} when it did all it was asked. */
  public SessionPhase phase() {
    return phase;
  }

  /** Whether a TCP connection was made (else the engine tries the next address). */
  public boolean connected() {
    return connected;
  }

  /** Whether the session ran under TLS. */
  public boolean tls() {
    return tls;
  }

  /** Whether the route's trust manager authenticated the server (DANE matched). */
  public boolean authenticated() {
    return authenticated;
  }

  /** The DANE verification of the server's chain, when one ran. */
  public Optional<DaneVerification> verification() {
    return Optional.ofNullable(verification);
  }

  /** The negotiated TLS protocol, when TLS was established. */
  public Optional<String> tlsProtocol() {
    return Optional.ofNullable(tlsProtocol);
  }

  /** The negotiated cipher suite, when TLS was established. */
  public Optional<String> cipherSuite() {
    return Optional.ofNullable(cipherSuite);
  }

  /** The reply to MAIL FROM, when the session got that far. */
  public Optional<SmtpReply> mailReply() {
    return Optional.ofNullable(mailReply);
  }

  /** The reply to each RCPT TO sent, by recipient as given in the request. */
  public Map<String, SmtpReply> rcptReplies() {
    return rcptReplies;
  }

  /** The final reply to DATA (or the refusal of DATA itself), when the session got that far. */
  public Optional<SmtpReply> dataReply() {
    return Optional.ofNullable(dataReply);
  }

  /** The RFC 8460 failure type, when the session ended abnormally for a TLS or DANE reason. */
  public Optional<FailureType> failureType() {
    return Optional.ofNullable(failureType);
  }

  /** Why the session ended abnormally (a limit, a timeout, a lost connection, a TLS failure), in words. */
  public Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  /** Whether the session ran on a connection kept from an earlier session (TLS-6). */
  public boolean reusedConnection() {
    return reusedConnection;
  }

  /** How many transactions the connection carried, this one included (1 on a new connection). */
  public int messagesOnConnection() {
    return messagesOnConnection;
  }

  /**
   * Whether the server listed STARTTLS in its reply to the first EHLO (RFC 3207 §4); false when the session
   * ended before that reply.
   */
  public boolean startTlsOffered() {
    return startTlsOffered;
  }

  /**
   * The certificate chain the server presented in the TLS handshake, leaf first, as the route's trust
   * manager recorded it (also when the handshake failed); empty when no handshake got that far. Unmodifiable.
   */
  public List<X509Certificate> presentedChain() {
    return presentedChain;
  }

  /**
   * The MTA-STS certificate check's failure the route's trust manager recorded
   * ({@link org.dane4j.smtp.RouteTrustManager#stsFailure()}): on an STS route why the handshake failed (the
   * engine reports its RFC 8460 type), under an MTA-STS {@code testing} policy what {@code enforce} would have
   * refused (the engine adds it to the attempt's detail).
   */
  public Optional<StsCertificateException> stsFailure() {
    return Optional.ofNullable(stsFailure);
  }

  /**
   * Whether the server listed {@code REQUIRETLS} in its EHLO reply after STARTTLS (RFC 8689 §2); false without
   * TLS (a cleartext EHLO's keywords count for nothing) or when the session ended before that reply.
   */
  public boolean requireTlsOffered() {
    return requireTlsOffered;
  }

  @Override
  public String toString() {
    return "SessionResult[" + phase + (connected ? "" : " not connected") + (tls ? " tls" : "")
        + (authenticated ? " authenticated" : "") + (mailReply == null ? "" : " MAIL " + mailReply)
        + (rcptReplies.isEmpty() ? "" : " RCPT " + rcptReplies) + (dataReply == null ? "" : " DATA " + dataReply)
        + (failure == null ? "" : " failure " + failureType + ": " + failure) + "]";
  }

  /** Collects the facts of one session; every setter returns this builder. */
  public static final class Builder {
    private SessionPhase phase = SessionPhase.CONNECT;
    private boolean connected;
    private boolean tls;
    private boolean authenticated;
    private DaneVerification verification;
    private String tlsProtocol;
    private String cipherSuite;
    private SmtpReply mailReply;
    private final Map<String, SmtpReply> rcptReplies = new LinkedHashMap<>();
    private SmtpReply dataReply;
    private FailureType failureType;
    private String failure;
    private boolean reusedConnection;
    private int messagesOnConnection = 1;
    private boolean startTlsOffered;
    private List<X509Certificate> presentedChain = List.of();
    private StsCertificateException stsFailure;
    private boolean requireTlsOffered;

    private Builder() {}

    /** The server listed {@code REQUIRETLS} in its EHLO reply after STARTTLS (only then: RFC 8689 §2). */
    public Builder requireTlsOffered() {
      this.requireTlsOffered = true;
      return this;
    }

    /** The phase the session has reached (set as it goes; the last one set is where it ended). */
    public Builder phase(SessionPhase phase) {
      this.phase = Objects.requireNonNull(phase, "phase");
      return this;
    }

    /** The TCP connection was made. */
    public Builder connected() {
      this.connected = true;
      return this;
    }

    /** TLS was established with this protocol and cipher suite; {@code authenticated} when DANE matched. */
    public Builder tls(String protocol, String cipherSuite, boolean authenticated) {
      this.tls = true;
      this.tlsProtocol = Objects.requireNonNull(protocol, "protocol");
      this.cipherSuite = Objects.requireNonNull(cipherSuite, "cipherSuite");
      this.authenticated = authenticated;
      return this;
    }

    /** The DANE verification the trust manager recorded (matched or not). */
    public Builder verification(DaneVerification verification) {
      this.verification = verification;
      return this;
    }

    /** The reply to MAIL FROM. */
    public Builder mailReply(SmtpReply reply) {
      this.mailReply = Objects.requireNonNull(reply, "reply");
      return this;
    }

    /** The reply to RCPT TO for one recipient. */
    public Builder rcptReply(String recipient, SmtpReply reply) {
      this.rcptReplies.put(Objects.requireNonNull(recipient, "recipient"), Objects.requireNonNull(reply, "reply"));
      return this;
    }

    /** The reply that ended DATA (a refusal of DATA, or the reply after the message). */
    public Builder dataReply(SmtpReply reply) {
      this.dataReply = Objects.requireNonNull(reply, "reply");
      return this;
    }

    /** The session ended abnormally at the current phase: why, and the RFC 8460 type when there is one. */
    public Builder failure(FailureType type, String detail) {
      this.failureType = type;
      this.failure = Objects.requireNonNull(detail, "detail");
      return this;
    }

    /** The session ran on a connection kept from earlier sessions; this is its n-th transaction. */
    public Builder reused(int messagesOnConnection) {
      this.reusedConnection = messagesOnConnection > 1;
      this.messagesOnConnection = messagesOnConnection;
      return this;
    }

    /** The server listed STARTTLS in its reply to the first EHLO. */
    public Builder startTlsOffered() {
      this.startTlsOffered = true;
      return this;
    }

    /** The chain the server presented in the handshake, leaf first (copied; null counts as none). */
    public Builder presentedChain(List<X509Certificate> chain) {
      this.presentedChain = chain == null ? List.of() : List.copyOf(chain);
      return this;
    }

    /**
     * The MTA-STS check's failure the route's trust manager recorded; pass
     * {@code trustManager.stsFailure().orElse(null)} (null counts as none).
     */
    public Builder stsFailure(StsCertificateException failure) {
      this.stsFailure = failure;
      return this;
    }

    /** The result. */
    public SessionResult build() {
      return new SessionResult(this);
    }
  }
}
