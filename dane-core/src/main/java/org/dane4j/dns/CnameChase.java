package org.dane4j.dns;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * One lookup: asks the backend, follows the CNAME chain (re-asking for the last target when a response
 * stops part-way), classifies the result, and finds each CNAME link's own DNSSEC status when the chain as
 * a whole is not secure. Every failure becomes a {@link DnsAnswer} of outcome FAILURE; nothing escapes.
 */
final class CnameChase {
  private final DnsBackend backend;
  private final Executor executor;
  private final Clock clock;
  private final int maxLinks;
  private final Duration failureTtl;

  CnameChase(DnsBackend backend, Executor executor, Clock clock, int maxLinks, Duration failureTtl) {
    this.backend = backend;
    this.executor = executor;
    this.clock = clock;
    this.maxLinks = maxLinks;
    this.failureTtl = failureTtl;
  }

  CompletableFuture<DnsAnswer> resolve(Name name, int type) {
    return new Chase(name, type).step(name);
  }

  /** One question as it is answered, with signatures and status; no chase. Never completes exceptionally. */
  CompletableFuture<SignedAnswer> once(Name name, int type) {
    Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    return send(query).thenApply(sent -> {
      if (sent.failure != null) {
        return new SignedAnswer(name, type, DnssecStatus.INDETERMINATE, -1, List.of(), List.of(), sent.failure);
      }
      Message response = sent.reply.message();
      if (!sameQuestion(query, response)) {
        return new SignedAnswer(name, type, DnssecStatus.INDETERMINATE, -1, List.of(), List.of(),
            "the answer is for another question: " + response.getQuestion());
      }
      return new SignedAnswer(name, type, sent.reply.status(), response.getRcode(),
          response.getSectionRRsets(org.xbill.DNS.Section.ANSWER),
          response.getSectionRRsets(org.xbill.DNS.Section.AUTHORITY), sent.reply.reason());
    });
  }

  /** The state of one chase. */
  private final class Chase {
    private final Name asked;
    private final int type;
    private final List<CnameLink> links = new ArrayList<>();
    private final Set<Name> seen = new HashSet<>();
    private Duration ttl = Duration.ofSeconds(Long.MAX_VALUE);

    Chase(Name asked, int type) {
      this.asked = asked;
      this.type = type;
      seen.add(asked);
    }

    CompletableFuture<DnsAnswer> step(Name current) {
      Message query = Message.newQuery(Record.newRecord(current, type, DClass.IN));
      return send(query).thenCompose(response -> {
        if (response.failure != null) {
          return done(fail(DnssecStatus.INDETERMINATE, response.failure));
        }
        return onResponse(query, response.reply);
      });
    }

    private CompletableFuture<DnsAnswer> onResponse(Message query, DnsBackend.Reply c) {
      Message response = c.message();
      if (!sameQuestion(query, response)) {
        return done(fail(DnssecStatus.INDETERMINATE, "the answer is for another question: "
            + response.getQuestion()));
      }
      if (c.status() == DnssecStatus.BOGUS || c.status() == DnssecStatus.INDETERMINATE) {
        return done(fail(c.status(), c.reason()));
      }
      if (!ResponseReader.isAnswerRcode(response.getRcode())) {
        return done(fail(DnssecStatus.INDETERMINATE, "rcode " + Rcode.string(response.getRcode())));
      }
      ResponseReader.Read read = ResponseReader.read(query, response, type, clock);
      if (read == null) {
        return done(fail(DnssecStatus.INDETERMINATE, "malformed answer"));
      }
      ttl = min(ttl, read.ttl());
      List<CNAMERecord> fresh = read.cnames();
      if (links.size() + fresh.size() > maxLinks) {
        return done(fail(DnssecStatus.INDETERMINATE, "CNAME chain longer than " + maxLinks
            + " links (maxCnameChain)"));
      }
      for (CNAMERecord cname : fresh) {
        if (!seen.add(cname.getTarget())) {
          return done(fail(DnssecStatus.INDETERMINATE, "CNAME loop at " + cname.getTarget()));
        }
      }
      return linkStatuses(fresh, c.status()).thenCompose(statuses -> {
        for (int i = 0; i < fresh.size(); i++) {
          links.add(new CnameLink(fresh.get(i).getName(), fresh.get(i).getTarget(), statuses.get(i)));
        }
        if (read.records().isEmpty() && !fresh.isEmpty()) {
          return step(read.finalName(query.getQuestion().getName())); // ask the last target itself
        }
        DnssecStatus status = c.status();
        for (CnameLink link : links) {
          status = status.weakest(link.status());
        }
        DnsOutcome outcome = !read.records().isEmpty() ? DnsOutcome.DATA
            : read.rcode() == Rcode.NXDOMAIN ? DnsOutcome.NXDOMAIN : DnsOutcome.NODATA;
        return done(new DnsAnswer(asked, type, status, outcome, read.records(), links, ttl, c.reason()));
      });
    }

    /** A secure response vouches for its links; otherwise each link's CNAME record is asked for alone. */
    private CompletableFuture<List<DnssecStatus>> linkStatuses(List<CNAMERecord> cnames, DnssecStatus whole) {
      if (whole == DnssecStatus.SECURE || cnames.isEmpty()) {
        return CompletableFuture.completedFuture(cnames.stream().map(x -> whole).toList());
      }
      List<CompletableFuture<DnssecStatus>> each = cnames.stream().map(c -> {
        Message q = Message.newQuery(Record.newRecord(c.getName(), Type.CNAME, DClass.IN));
        return send(q).thenApply(r -> r.failure != null ? DnssecStatus.INDETERMINATE
            : sameQuestion(q, r.reply.message()) ? r.reply.status() : DnssecStatus.INDETERMINATE);
      }).toList();
      return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0]))
          .thenApply(x -> each.stream().map(CompletableFuture::join).toList());
    }

    private DnsAnswer fail(DnssecStatus status, String reason) {
      return DnsAnswer.failure(asked, type, status, links, failureTtl, reason);
    }
  }

  /** A response or the reason there is none; never completes exceptionally. */
  private record Sent(DnsBackend.Reply reply, String failure) {}

  private CompletableFuture<Sent> send(Message query) {
    CompletableFuture<DnsBackend.Reply> sent;
    try {
      sent = backend.send(query, executor).toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(new Sent(null, describe(e)));
    }
    return sent.handle((m, e) -> e != null ? new Sent(null, describe(e))
        : m == null || m.message() == null ? new Sent(null, "no response") : new Sent(m, null));
  }

  private static boolean sameQuestion(Message query, Message response) {
    Record q = query.getQuestion();
    Record r = response.getQuestion();
    return r != null && r.getName().equals(q.getName()) && r.getType() == q.getType()
        && r.getDClass() == q.getDClass();
  }

  /** The reason of a lookup that got no response; dane-cli's ResolverTrouble recognises this prefix. */
  private static String describe(Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return "no answer from the upstream: " + cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }

  private static CompletableFuture<DnsAnswer> done(DnsAnswer answer) {
    return CompletableFuture.completedFuture(answer);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
