package org.dane4j.dns;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.xbill.DNS.Message;

/** Where DNSSEC status comes from (checklist DNS-3): in-process validation, or a trusted AD bit. */
interface DnsBackend {
  /** Sends a query; completes with the response and its DNSSEC status, or exceptionally on no answer. */
  CompletionStage<Reply> send(Message query, Executor executor);

  /** Releases what the backend holds (e.g. writes the key cache file); nothing by default. */
  default void close() {}

  /** A response with its DNSSEC status and the reason for it (null when none). */
  record Reply(Message message, DnssecStatus status, String reason) {}
}
