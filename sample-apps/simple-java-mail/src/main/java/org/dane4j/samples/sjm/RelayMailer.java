package org.dane4j.samples.sjm;

import java.util.Properties;
import org.simplejavamail.api.email.Email;
import org.simplejavamail.api.mailer.Mailer;
import org.simplejavamail.api.mailer.config.TransportStrategy;
import org.simplejavamail.email.EmailBuilder;
import org.simplejavamail.mailer.MailerBuilder;

/**
 * A Simple Java Mail {@link Mailer} that sends through the company relay with DANE: Simple Java Mail builds the
 * Jakarta Mail Session, {@code mail.smtp.class} switches its SMTP transport to dane4j's DaneSmtpTransport, and
 * the {@code mail.smtp.dane.*} properties configure it. Nothing else changes for the application.
 */
public final class RelayMailer {
  private final Mailer mailer;

  /**
   * @param relay the relay's host name (its TLSA records are looked up at _PORT._tcp.RELAY)
   * @param port the relay's submission port (STARTTLS; never implicit TLS, which DANE for SMTP does not use)
   * @param user the relay account, or null without AUTH
   * @param password its password
   * @param dane the {@code mail.smtp.dane.*} properties (and any other Jakarta Mail property)
   */
  public RelayMailer(String relay, int port, String user, String password, Properties dane) {
    this.mailer = MailerBuilder.withSMTPServer(relay, port, user, password)
        .withTransportStrategy(TransportStrategy.SMTP_TLS)
        .withProperty("mail.smtp.class", "org.dane4j.jakartamail.DaneSmtpTransport")
        .withProperties(dane)
        .buildMailer();
  }

  /** Sends a plain-text mail; a DANE failure is an exception (the relay is never used without its TLS). */
  public void send(String from, String to, String subject, String text) {
    Email email = EmailBuilder.startingBlank().from(from).to(to).withSubject(subject).withPlainText(text)
        .buildEmail();
    mailer.sendMail(email).join();
  }
}
