package org.dane4j.cli.send;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.dane4j.smtp.RequireTls;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The message's TLS requirement on {@code dane4j send} (RFC 8689; checklist RTLS-1, RTLS-2):
 * {@code --require-tls} (REQUIRETLS) or {@code --tls-required-no} (the header {@code TLS-Required: No}).
 */
final class RequireTlsOptions {
  @ArgGroup(exclusive = true)
  private Choice choice;

  /** The two options; at most one. */
  static final class Choice {
    @Option(names = "--require-tls", description = "REQUIRETLS (RFC 8689): send only over a DANE-verified or "
        + "MTA-STS-enforce route to a server that offers REQUIRETLS after STARTTLS, with the REQUIRETLS MAIL "
        + "parameter; otherwise the recipient fails with 5.7.30.")
    boolean requireTls;

    @Option(names = "--tls-required-no", description = "Add the header 'TLS-Required: No' (RFC 8689 §5): the "
        + "message is delivered even when DANE or MTA-STS verification fails; the report says so.")
    boolean tlsRequiredNo;
  }

  /** The requirement the options ask for. */
  RequireTls requirement() {
    if (choice == null) {
      return RequireTls.NONE;
    }
    return choice.requireTls ? RequireTls.REQUIRETLS : choice.tlsRequiredNo ? RequireTls.TLS_REQUIRED_NO
        : RequireTls.NONE;
  }

  /** Relay mode's session property for REQUIRETLS ({@code mail.smtp.dane.requiretls}). */
  void addTo(Properties p) {
    if (requirement() == RequireTls.REQUIRETLS) {
      p.setProperty("mail.smtp.dane.requiretls", "true");
    }
  }

  /** {@code TLS-Required: No} belongs to the message (RFC 8689 §5): it is written into its header. */
  void addTo(MimeMessage m) throws MessagingException {
    if (requirement() == RequireTls.TLS_REQUIRED_NO) {
      m.setHeader(RequireTls.TLS_REQUIRED_HEADER, "No");
      m.saveChanges();
    }
  }

  /** The JSON word: {@code requiretls}, {@code tls-required-no} or {@code none}. */
  String word() {
    return switch (requirement()) {
      case REQUIRETLS -> "requiretls";
      case TLS_REQUIRED_NO -> "tls-required-no";
      case NONE -> "none";
    };
  }
}
