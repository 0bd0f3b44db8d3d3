package org.dane4j.cli.check;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.RouteTrustManager;
import org.dane4j.smtp.SmtpLimits;
import org.dane4j.smtp.SmtpReplyGuard;
import org.dane4j.smtp.SmtpReplyGuard.GuardedSocket;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.tlsa.DaneVerification;
import org.dane4j.tlsa.FailureType;

/**
 * One SMTP STARTTLS session to one address of a planned route, as an RFC 7672 sender opens it (SNI = the
 * TLSA base domain, the route's trust manager), ended with QUIT before any mail command: greeting, EHLO,
 * STARTTLS, the handshake, and the chain the server presented.
 */
public final class StartTlsProbe {
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

  private StartTlsProbe() {}

  /**
   * Opens one session to {@code address} on {@code route}'s port, as a sender would, and ends it with QUIT.
   * {@code timeout} bounds the connect, each reply (however slowly the server trickles it) and the TLS
   * handshake, so the whole probe ends within five times it; replies are bounded as {@link SmtpLimits} says
   * (checklist TLS-7), and a crossed limit is the probe's failure, named.
   */
  public static Result probe(MxRoute route, InetAddress address, String ehlo, Duration timeout) {
    int millis = (int) timeout.toMillis();
    boolean mandatory = route.requirement().tlsMandatory();
    try (GuardedSocket plain = SmtpReplyGuard.wrap(new Socket(), SmtpLimits.DEFAULTS.withReplyTimeout(timeout))) {
      plain.connect(new InetSocketAddress(address, route.port()), millis);
      plain.setSoTimeout(millis);
      SmtpReplyGuard in = plain.guard();
      OutputStream out = plain.getOutputStream();
      List<String> greeting = in.readReply();
      if (!greeting.get(0).startsWith("2")) {
        return failed(false, null, "greeting " + String.join(" / ", greeting));
      }
      send(out, "EHLO " + ehlo);
      List<String> ehloReply = in.readReply();
      if (!ehloReply.get(0).startsWith("2")) {
        return failed(false, null, "EHLO answered " + ehloReply.get(0));
      }
      boolean offered = ehloReply.stream().anyMatch(l -> l.length() > 4
          && l.substring(4).strip().equalsIgnoreCase("STARTTLS"));
      if (!offered) {
        send(out, "QUIT");
        return mandatory
            ? failed(false, FailureType.STARTTLS_NOT_SUPPORTED, "STARTTLS not offered, but TLS is mandatory here")
            : new Result(false, null, null, List.of(), Optional.empty(), TlsVerdict.CLEARTEXT, null,
                "STARTTLS not offered: a sender would deliver in cleartext");
      }
      send(out, "STARTTLS");
      List<String> go = in.readReply();
      if (!go.get(0).startsWith("220")) {
        return failed(true, FailureType.STARTTLS_NOT_SUPPORTED, "STARTTLS answered " + go.get(0));
      }
      in.startTls(timeout);
      return handshake(route, plain, address, millis);
    } catch (IOException e) {
      return failed(false, null, "connection failed: " + e.getMessage());
    }
  }

  private static Result handshake(MxRoute route, GuardedSocket plain, InetAddress address, int millis)
      throws IOException {
    RouteTrustManager recorder = route.trustManager();
    SSLContext context;
    try {
      context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {recorder}, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no TLS", e);
    }
    try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, address.getHostAddress(),
        route.port(), false)) {
      tls.setSoTimeout(millis);
      SSLParameters p = tls.getSSLParameters();
      p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
      p.setServerNames(List.of(new SNIHostName(route.tlsaBaseDomain())));
      p.setEndpointIdentificationAlgorithm(null);
      tls.setSSLParameters(p);
      Optional<DaneVerification> verification = Optional.empty();
      try {
        tls.startHandshake();
      } catch (IOException e) {
        verification = recorder.verification();
        FailureType type = verification.filter(v -> !v.verified()).flatMap(DaneVerification::failureType)
            .orElse(FailureType.VALIDATION_FAILURE);
        String why = verification.filter(v -> !v.verified()).map(DaneVerification::reason)
            .orElse("TLS handshake failed: " + e.getMessage());
        return new Result(true, null, null, recorder.presentedChain(), verification, TlsVerdict.FAILED, type, why);
      }
      plain.guard().handshakeDone();
      verification = recorder.verification();
      boolean authenticated = route.requirement() == TlsRequirement.DANE
          && verification.map(DaneVerification::verified).orElse(false);
      try {
        send(tls.getOutputStream(), "QUIT");
      } catch (IOException e) {
        // the verdict is known; a failing QUIT changes nothing
      }
      String detail = verification.map(DaneVerification::reason).orElse("TLS without authentication");
      return new Result(true, tls.getSession().getProtocol(), tls.getSession().getCipherSuite(), recorder.presentedChain(),
          verification, route.verdict(true, authenticated), null, detail);
    }
  }

  private static Result failed(boolean starttls, FailureType type, String detail) {
    return new Result(starttls, null, null, List.of(), Optional.empty(), TlsVerdict.FAILED, type, detail);
  }

  private static void send(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }
}
