package org.dane4j.dns;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.xbill.DNS.Message;

/** Where DNSSEC status comes from (checklist DNS-3): in-process validation, or a trusted AD bit. */
interface DnsBackend {
  /** Sends a query and completes with the (validated or AD-carrying) response. */
  CompletionStage<Message> send(Message query, Executor executor);

  /** The DNSSEC status of a response from {@link #send}, and the reason when there is one. */
  Classification classify(Message response);

  /** A status with its reason (null when none). */
  record Classification(DnssecStatus status, String reason) {}
}
