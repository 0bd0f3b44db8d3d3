package org.dane4j.dns;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;

/**
 * Sits between dnsjava's validator and the upstream and remembers the upstream's rcode per question.
 * dnsjava 3.7 turns an upstream SERVFAIL into SERVFAIL with an EDE 6 (DNSSEC bogus) and the reason
 * "Response subtype is UNKNOWN", the same shape as a real validation failure; this record is how an
 * upstream failure (indeterminate, DNS-1) is told apart from bogus data.
 */
final class UpstreamRcodes extends ForwardingResolver {
  record Question(Name name, int type, int dclass) {
    static Question of(Message m) {
      Record q = m.getQuestion();
      return q == null ? null : new Question(q.getName(), q.getType(), q.getDClass());
    }
  }

  private final Map<Question, Integer> rcodes = new ConcurrentHashMap<>();

  UpstreamRcodes(Resolver upstream) {
    super(upstream);
  }

  private static final int PENDING = -1;

  /** Starts recording the upstream rcode for a client's question (only these are kept: no growth). */
  void expect(Question question) {
    if (question != null) {
      rcodes.put(question, PENDING);
    }
  }

  /** The rcode the upstream gave for an expected question, forgetting it; null when none was seen. */
  Integer take(Question question) {
    Integer rcode = question == null ? null : rcodes.remove(question);
    return rcode == null || rcode == PENDING ? null : rcode;
  }

  @Override
  public CompletionStage<Message> sendAsync(Message query, Executor executor) {
    Question q = Question.of(query);
    // StagesOn: dnsjava's validator continues with xxxAsync(fn) stages on these futures; run them on executor.
    return StagesOn.of(upstream.sendAsync(query, executor), executor).whenComplete((response, error) -> {
      if (q != null) { // no response at all counts as SERVFAIL: the upstream failed
        rcodes.computeIfPresent(q, (k, old) -> response != null ? response.getRcode() : Rcode.SERVFAIL);
      }
    });
  }
}
