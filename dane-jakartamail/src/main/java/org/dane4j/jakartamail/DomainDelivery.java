package org.dane4j.jakartamail;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.DeliveryPlan;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.RecipientResult.Status;
import org.dane4j.tlsa.FailureType;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Delivers one message to the recipients of one domain along its plan: routes in order, one transaction
 * per route for all recipients still pending; 5xx answers fail recipients, 4xx answers and connection or
 * DANE failures move them to the next route, and whatever is left is deferred (RFC 5321 §5.1, RFC 7672 §2.2).
 */
final class DomainDelivery {
  private final Session session;
  private final SMTPMessage message;
  private final Map<String, List<DeliveryAttempt>> attempts = new LinkedHashMap<>();
  private final Map<String, RecipientResult> done = new LinkedHashMap<>();
  private final List<String> pending;

  /** @param message the message with its envelope sender set */
  DomainDelivery(Session session, SMTPMessage message, List<String> recipients) {
    this.session = session;
    this.message = message;
    this.pending = new ArrayList<>(recipients);
    recipients.forEach(r -> attempts.put(r, new ArrayList<>()));
  }

  List<RecipientResult> run(DeliveryPlan plan) {
    if (plan.failure().isPresent()) {
      DeliveryPlan.Failure f = plan.failure().get();
      List.copyOf(pending).forEach(r -> finish(r, f.transientFailure() ? Status.DEFERRED : Status.FAILED, f.reason(),
          f.type()));
      return results();
    }
    String lastReason = "no usable route";
    FailureType lastType = null;
    for (MxRoute route : plan.routes()) {
      if (pending.isEmpty()) {
        break;
      }
      DaneSmtpTransport transport = DaneMailer.transport(session, route);
      boolean connected = false;
      try {
        transport.connect();
        connected = true;
        recordAll(transport.attempts());
        transport.sendMessage(message, addresses(pending));
        List<DeliveryAttempt> made = transport.attempts();
        for (String r : List.copyOf(pending)) {
          finish(r, Status.DELIVERED, "accepted by " + made.get(made.size() - 1), null);
        }
      } catch (SendFailedException e) {
        settle(e, transport.attempts());
        lastReason = e.getMessage();
      } catch (MessagingException e) {
        List<DeliveryAttempt> made = transport.attempts();
        recordAll(made);
        DeliveryAttempt last = made.isEmpty() ? null : made.get(made.size() - 1);
        lastReason = last == null ? e.getMessage()
            : connected ? Attempts.afterConnect(last, e) // e.g. a limit crossed in the transaction (TLS-7)
            : last.toString();
        lastType = last != null ? last.failureType() : null;
      } finally {
        closeQuietly(transport);
      }
    }
    for (String r : List.copyOf(pending)) {
      finish(r, Status.DEFERRED, lastReason, lastType);
    }
    return results();
  }

  /** Angus's partial-send report: which addresses were accepted and what the server said of the rest. */
  private void settle(SendFailedException e, List<DeliveryAttempt> made) {
    recordAll(made);
    String via = made.isEmpty() ? "" : " via " + made.get(made.size() - 1);
    for (Address a : nullSafe(e.getValidSentAddresses())) {
      finish(((InternetAddress) a).getAddress(), Status.DELIVERED, "accepted" + via, null);
    }
    int transactionCode = e instanceof SMTPSendFailedException s ? s.getReturnCode() : -1;
    for (Exception next = e.getNextException(); next != null;
        next = next instanceof MessagingException m ? m.getNextException() : null) {
      if (next instanceof SMTPAddressFailedException af && af.getReturnCode() >= 500) {
        finish(af.getAddress().getAddress(), Status.FAILED, af.getMessage().strip(), null);
      }
    }
    if (transactionCode >= 500) {
      for (String r : List.copyOf(pending)) {
        finish(r, Status.FAILED, e.getMessage().strip() + via, null);
      }
    }
  }

  private void recordAll(List<DeliveryAttempt> made) {
    for (String r : pending) {
      List<DeliveryAttempt> list = attempts.get(r);
      for (DeliveryAttempt a : made) {
        if (!list.contains(a)) {
          list.add(a);
        }
      }
    }
  }

  private void finish(String recipient, Status status, String reason, FailureType type) {
    String key = pending.stream().filter(p -> p.equalsIgnoreCase(recipient)).findFirst().orElse(null);
    if (key == null) {
      return;
    }
    pending.remove(key);
    done.put(key, new RecipientResult(key, status, attempts.get(key), reason, type));
  }

  private List<RecipientResult> results() {
    return List.copyOf(done.values());
  }

  private static Address[] addresses(List<String> recipients) throws MessagingException {
    Address[] out = new Address[recipients.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = new InternetAddress(recipients.get(i), false);
    }
    return out;
  }

  private static Address[] nullSafe(Address[] a) {
    return a == null ? new Address[0] : a;
  }

  private static void closeQuietly(DaneSmtpTransport t) {
    try {
      t.close();
    } catch (MessagingException e) {
      // the outcome is already recorded; a failing QUIT changes nothing
    }
  }
}
