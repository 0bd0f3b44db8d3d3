package org.dane4j.samples.plain;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.dane4j.dns.DaneResolver;
import org.dane4j.jakartamail.DaneMailer;
import org.dane4j.micrometer.DaneMetrics;
import org.dane4j.smtp.DeliveryReport;

/** A plain Jakarta Mail application that sends straight to the recipients' MX hosts with DANE, and meters it. */
public final class Notifier implements AutoCloseable {
  private final DaneMailer mailer;

  /** Sends as {@code ehloName} with {@code resolver}; {@code mxPort} is 25 but in tests. */
  public Notifier(DaneResolver resolver, String ehloName, int mxPort, MeterRegistry registry) {
    DaneMetrics.monitorResolver(resolver, registry);
    this.mailer = DaneMailer.builder().resolver(resolver).ehloName(ehloName).mxPort(mxPort)
        .listener(new DaneMetrics(registry)).build();
  }

  /** Sends one text message; the report says per recipient whether and how it went. */
  public DeliveryReport notify(String from, String to, String subject, String text) throws MessagingException {
    MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
    m.setFrom(new InternetAddress(from));
    m.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(to));
    m.setSubject(subject);
    m.setText(text);
    return mailer.send(m);
  }

  @Override
  public void close() {
    mailer.close();
  }
}
