package org.dane4j.jakartamail;

import jakarta.mail.Address;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.List;
import org.dane4j.smtp.DeliveryReport;
import org.dane4j.smtp.RecipientResult;

/**
 * Thrown by {@link DaneMailer#sendOrThrow} when a recipient was not delivered: the standard
 * {@link SendFailedException} address lists (delivered = valid sent, deferred = valid unsent, failed =
 * invalid) plus the whole {@link DeliveryReport}.
 */
public class DaneSendFailedException extends SendFailedException {
  private static final long serialVersionUID = 1L;
  private final transient DeliveryReport report;

  /** An exception for this report. */
  public DaneSendFailedException(DeliveryReport report) {
    super("not delivered to every recipient:\n" + report, null,
        addresses(report, RecipientResult.Status.DELIVERED), addresses(report, RecipientResult.Status.DEFERRED),
        addresses(report, RecipientResult.Status.FAILED));
    this.report = report;
  }

  /** The per-recipient report. */
  public DeliveryReport report() {
    return report;
  }

  private static Address[] addresses(DeliveryReport report, RecipientResult.Status status) {
    List<Address> out = new ArrayList<>();
    for (RecipientResult r : report.withStatus(status)) {
      try {
        out.add(new InternetAddress(r.recipient(), false));
      } catch (AddressException e) {
        // keep the report whole; an unparsable address is still in report()
      }
    }
    return out.toArray(new Address[0]);
  }
}
