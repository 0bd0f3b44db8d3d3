package org.dane4j.jakartamail;

import jakarta.mail.Session;
import java.util.Properties;
import java.util.concurrent.Executor;
import org.dane4j.delivery.SmtpSession;

/**
 * The Angus session DaneMailer runs, for the interop suite's engine with a planner of its own (MTA-STS). Test code
 * in the adapter's package, on the class path; until DaneMailer has an MTA-STS option of its own.
 */
public final class InteropAngus {
  private InteropAngus() {}

  /** The Angus SMTP session over {@code properties} (mail.smtp.* as DaneMailer sets them). */
  public static SmtpSession session(Properties properties, Executor executor) {
    return new AngusSession(Session.getInstance(properties), executor);
  }
}
