package org.dane4j.testkit.smtp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A message an {@link SmtpTestServer} accepted (its reply to the end of data was 2xx), with the envelope and
 * the state of the connection it came over. The data is stored as received, dot-unstuffed, without the final
 * {@code .\r\n}.
 */
public final class ReceivedMessage {
  private final int connectionId;
  private final String mailFrom;
  private final List<String> rcptTo;
  private final byte[] data;
  private final boolean tls;
  private final String tlsProtocol;
  private final String cipherSuite;
  private final String sniName;
  private final List<String> ehloNames;
  private final List<String> mailParameters;
  private final String authenticatedUser;

  ReceivedMessage(int connectionId, String mailFrom, List<String> rcptTo, byte[] data, boolean tls,
      String tlsProtocol, String cipherSuite, String sniName, List<String> ehloNames, List<String> mailParameters,
      String authenticatedUser) {
    this.authenticatedUser = authenticatedUser;
    this.mailParameters = List.copyOf(mailParameters);
    this.connectionId = connectionId;
    this.mailFrom = Objects.requireNonNull(mailFrom, "mailFrom");
    this.rcptTo = List.copyOf(rcptTo);
    this.data = data.clone();
    this.tls = tls;
    this.tlsProtocol = tlsProtocol;
    this.cipherSuite = cipherSuite;
    this.sniName = sniName;
    this.ehloNames = List.copyOf(ehloNames);
  }

  /** The {@linkplain SmtpConnection#id() id} of the connection the message came over. */
  public int connectionId() {
    return connectionId;
  }

  /** The reverse-path of MAIL FROM without the angle brackets; {@code ""} for the null reverse-path. */
  public String mailFrom() {
    return mailFrom;
  }

  /** The accepted forward-paths of RCPT TO, without angle brackets, in order. */
  public List<String> rcptTo() {
    return rcptTo;
  }

  /** The message bytes (a copy): as received, dot-unstuffed, without the terminating {@code .\r\n}. */
  public byte[] data() {
    return data.clone();
  }

  /**
   * The parameters of the MAIL FROM command of this message, as sent (e.g. {@code SIZE=123},
   * {@code REQUIRETLS}), in order.
   */
  public List<String> mailParameters() {
    return mailParameters;
  }

  /**
   * The user the client had authenticated as (SMTP AUTH, RFC 4954) when it sent this message, if it had; see
   * {@link SmtpTestServer.Builder#authUser(String, String)}.
   */
  public Optional<String> authenticatedUser() {
    return Optional.ofNullable(authenticatedUser);
  }

  /** The message decoded as UTF-8 (for assertions on headers and text bodies). */
  public String text() {
    return new String(data, StandardCharsets.UTF_8);
  }

  /** Whether the message came inside an established TLS session. */
  public boolean tls() {
    return tls;
  }

  /** The negotiated TLS protocol, e.g. {@code TLSv1.3}; empty without TLS. */
  public Optional<String> tlsProtocol() {
    return Optional.ofNullable(tlsProtocol);
  }

  /** The negotiated cipher suite; empty without TLS. */
  public Optional<String> cipherSuite() {
    return Optional.ofNullable(cipherSuite);
  }

  /** The SNI host name the client sent in its handshake; empty without TLS or when it sent none. */
  public Optional<String> sniName() {
    return Optional.ofNullable(sniName);
  }

  /** The EHLO/HELO names the client gave on the connection up to this message, in order (before and after TLS). */
  public List<String> ehloNames() {
    return ehloNames;
  }

  @Override
  public String toString() {
    return "ReceivedMessage[connection " + connectionId + ", from <" + mailFrom + "> to " + rcptTo + ", "
        + data.length + " bytes, " + (tls ? tlsProtocol + " " + cipherSuite + ", SNI " + sniName : "cleartext")
        + "]";
  }
}
