package org.dane4j.netty;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dane4j.smtp.DeliveryAttempt;

/**
 * What one connection achieved: the attempt report, and the replies of the mail transaction when it got that
 * far (RFC 5321 §3.3). A null {@code mailCode} means the session failed before MAIL.
 */
final class SessionOutcome {
  DeliveryAttempt attempt;
  boolean connected;
  int mailCode = -1;
  String mailReply;
  final Map<String, Integer> rcptCodes = new LinkedHashMap<>();
  final Map<String, String> rcptReplies = new LinkedHashMap<>();
  int dataCode = -1;
  String dataReply;
}
