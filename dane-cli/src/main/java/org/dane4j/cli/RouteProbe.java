package org.dane4j.cli;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.dane4j.delivery.SessionPhase;
import org.dane4j.delivery.SessionRequest;
import org.dane4j.delivery.SessionResult;
import org.dane4j.dns.DaneResolver;
import org.dane4j.jakartamail.DaneMailer;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.StsCertificateException;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.smtp.ServerKeyType;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.tlsa.DaneVerification;
import org.dane4j.tlsa.FailureType;

/**
 * The probes of {@code check}, {@code monitor} and {@code tlsa verify}: one session to one address of a
 * planned route, run by the same session code that sends ({@link DaneMailer#probe}, issue #12): greeting, EHLO,
 * STARTTLS and the handshake with the route's trust manager (SNI = the TLSA base domain; RFC 7672 §2.2, §8.1),
 * EHLO again, then QUIT instead of MAIL ({@link SessionRequest#probe}). It only turns the session's result
 * into the words the commands print.
 *
 * <p>Limits (checklist TLS-7): {@code timeout} (6 x {@code --timeout}) bounds the connect (at most 5 min),
 * each read, each reply however slowly it is trickled, and the whole TLS handshake; replies are bounded in
 * size as {@link org.dane4j.smtp.SmtpLimits} says; a crossed limit is the probe's failure, named.
 */
public final class RouteProbe implements AutoCloseable {
  /** The longest connect timeout a {@link DaneMailer} takes. */
  private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofMinutes(5);

  /**
   * What the probe saw.
   *
   * @param starttls whether STARTTLS was offered in the EHLO reply (false when the probe stopped before)
   * @param protocol the TLS protocol, or null
   * @param cipher the cipher suite, or null
   * @param chain the chain the server presented (empty without a handshake)
   * @param verification the DANE verification, for DANE routes that got that far
   * @param verdict what a sender's session would have been
   * @param failureType the RFC 8460 type of a failure, or null
   * @param detail what happened, in words
   */
  public record Result(boolean starttls, String protocol, String cipher, List<X509Certificate> chain,
      Optional<DaneVerification> verification, TlsVerdict verdict, FailureType failureType, String detail) {}

  private final DaneMailer mailer;

  private RouteProbe(DaneMailer mailer) {
    this.mailer = mailer;
  }

  /**
   * Probes with {@code resolver} (not closed here), EHLO name {@code ehlo} and the SMTP limit {@code timeout}.
   *
   * @throws CommandException (usage) when {@code ehlo} is not a host name or address literal
   */
  public static RouteProbe open(DaneResolver resolver, String ehlo, Duration timeout) {
    DaneMailer.Builder b = DaneMailer.builder().resolver(resolver).threads(1)
        .connectTimeout(timeout.compareTo(MAX_CONNECT_TIMEOUT) > 0 ? MAX_CONNECT_TIMEOUT : timeout)
        .readTimeout(timeout).replyTimeout(timeout).handshakeTimeout(timeout);
    try {
      b.ehloName(ehlo);
    } catch (IllegalArgumentException e) {
      throw new CommandException(ExitCodes.USAGE, "--ehlo: '" + OneLineErrors.echo(ehlo) + "': "
          + OneLineErrors.echoWithin(e.getMessage(), ehlo), e);
    }
    return new RouteProbe(b.build());
  }

  /** One probe of {@code address} on {@code route} (a usable route); never throws for what the server does. */
  public Result probe(MxRoute route, InetAddress address) {
    return result(route, mailer.probe(route, address).join()); // bounded by the limits above; never exceptional
  }

  /**
   * One probe of {@code address} on {@code route} that asks the server for a certificate of {@code keyType}
   * only ({@link DaneMailer#probe(MxRoute, InetAddress, ServerKeyType)}; what each JDK allows is in
   * {@link ServerKeyType}). A server without such a certificate fails the handshake.
   */
  public Result probe(MxRoute route, InetAddress address, ServerKeyType keyType) {
    return result(route, mailer.probe(route, address, keyType).join());
  }

  private static Result result(MxRoute route, SessionResult s) {
    String protocol = s.tlsProtocol().orElse(null);
    String cipher = s.cipherSuite().orElse(null);
    if (s.failure().isPresent()) {
      // STS-2: on an STS route the refused certificate's RFC 8460 type, as the engine types the attempt
      FailureType type = s.stsFailure().filter(x -> route.requirement() == TlsRequirement.STS)
          .map(StsCertificateException::failureType).or(s::failureType)
          .orElse(s.phase() == SessionPhase.TLS_HANDSHAKE ? FailureType.VALIDATION_FAILURE : null);
      return new Result(s.startTlsOffered(), protocol, cipher, s.presentedChain(), s.verification(),
          TlsVerdict.FAILED, type, s.failure().get());
    }
    if (!s.tls()) {
      return new Result(s.startTlsOffered(), null, null, List.of(), Optional.empty(), TlsVerdict.CLEARTEXT, null,
          (s.startTlsOffered() ? "STARTTLS refused" : "STARTTLS not offered") + ": a sender would deliver in cleartext");
    }
    String detail = s.verification().map(DaneVerification::reason).orElse("TLS without authentication")
        + s.stsFailure().filter(x -> route.requirement() != TlsRequirement.STS)
            .map(x -> "; MTA-STS testing: enforce would have refused this session: " + x.getMessage()).orElse("");
    return new Result(true, protocol, cipher, s.presentedChain(), s.verification(),
        route.verdict(true, s.authenticated()), null, detail);
  }

  @Override
  public void close() {
    mailer.close();
  }
}
