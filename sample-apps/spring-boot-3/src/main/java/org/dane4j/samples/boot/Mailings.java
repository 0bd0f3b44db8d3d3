package org.dane4j.samples.boot;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.dane4j.jakartamail.DaneMailer;
import org.dane4j.smtp.DeliveryReport;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Service;

/** Sends through the relay (Spring's JavaMailSender in DANE relay mode) or straight to the MX (DaneMailer). */
@Service
public class Mailings {
  private final JavaMailSender sender;
  private final DaneMailer mailer;

  public Mailings(JavaMailSender sender, DaneMailer mailer) {
    this.sender = sender;
    this.mailer = mailer;
  }

  public void viaRelay(String from, String to, String text) throws MessagingException {
    sender.send(message(from, to, text));
  }

  public DeliveryReport direct(String from, String to, String text) throws MessagingException {
    return mailer.send(message(from, to, text));
  }

  private MimeMessage message(String from, String to, String text) throws MessagingException {
    MimeMessage m = sender.createMimeMessage();
    MimeMessageHelper h = new MimeMessageHelper(m);
    h.setFrom(from);
    h.setTo(to);
    h.setSubject("sample");
    h.setText(text);
    return m;
  }
}
