package org.dane4j.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/** The AD-trusting backend (DNS-3) against a stub upstream that sets or clears AD. */
class AdTrustingBackendTest {
  private static final Name HOST = Name.fromConstantString("mx.example.test.");

  /** A stub validating resolver: answers every query with what {@code answer} makes of it. */
  private static final class StubResolver implements Resolver {
    private final Function<Message, Message> answer;
    Message lastQuery;

    StubResolver(Function<Message, Message> answer) {
      this.answer = answer;
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query, Executor executor) {
      lastQuery = query;
      return CompletableFuture.completedFuture(answer.apply(query));
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query) {
      return sendAsync(query, Runnable::run);
    }

    @Override public void setPort(int port) {}
    @Override public void setTCP(boolean flag) {}
    @Override public void setIgnoreTruncation(boolean flag) {}
    @Override public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {}
    @Override public void setTSIGKey(TSIG key) {}
    @Override public void setTimeout(Duration timeout) {}
  }

  private static Message reply(Message query, boolean ad, int rcode, EDNSOption... options) {
    Message m = new Message(query.getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    if (ad) {
      m.getHeader().setFlag(Flags.AD);
    }
    m.getHeader().setRcode(rcode);
    m.addRecord(query.getQuestion(), Section.QUESTION);
    if (rcode == Rcode.NOERROR) {
      m.addRecord(new ARecord(HOST, DClass.IN, 300, java.net.InetAddress.getLoopbackAddress()), Section.ANSWER);
    }
    if (options.length > 0) {
      m.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(options)), Section.ADDITIONAL);
    }
    return m;
  }

  private static DnsAnswer lookup(StubResolver stub) {
    CnameChase chase = new CnameChase(new AdTrustingBackend(stub), Runnable::run, Clock.systemUTC(), 8,
        Duration.ofSeconds(5));
    return chase.resolve(HOST, Type.A).join();
  }

  @Test
  @DisplayName("DNS-3: AD set by a trusted validating resolver: secure; AD clear: insecure")
  void dns3_adBitDecidesTheStatus() {
    StubResolver secure = new StubResolver(q -> reply(q, true, Rcode.NOERROR));
    assertThat(lookup(secure).secureData()).isTrue();
    assertThat(secure.lastQuery.getHeader().getFlag(Flags.AD)).as("the query asks for AD").isTrue();
    assertThat(secure.lastQuery.getHeader().getFlag(Flags.CD)).as("never CD").isFalse();
    DnsAnswer insecure = lookup(new StubResolver(q -> reply(q, false, Rcode.NOERROR)));
    assertThat(insecure.status()).isEqualTo(DnssecStatus.INSECURE);
    assertThat(insecure.outcome()).isEqualTo(DnsOutcome.DATA);
  }

  @Test
  @DisplayName("DNS-3: SERVFAIL with a DNSSEC extended error is bogus; without one, indeterminate")
  void dns3_servfailClassification() {
    DnsAnswer bogus = lookup(new StubResolver(q -> reply(q, false, Rcode.SERVFAIL,
        new ExtendedErrorCodeOption(ExtendedErrorCodeOption.SIGNATURE_EXPIRED, "sig expired"))));
    assertThat(bogus.status()).isEqualTo(DnssecStatus.BOGUS);
    assertThat(bogus.reason()).hasValueSatisfying(r -> assertThat(r).contains("sig expired"));
    assertThat(lookup(new StubResolver(q -> reply(q, false, Rcode.SERVFAIL))).status())
        .isEqualTo(DnssecStatus.INDETERMINATE);
    assertThat(lookup(new StubResolver(q -> reply(q, false, Rcode.SERVFAIL,
        new ExtendedErrorCodeOption(ExtendedErrorCodeOption.NO_REACHABLE_AUTHORITY)))).status())
        .isEqualTo(DnssecStatus.INDETERMINATE);
  }

  @Test
  void upstreamExceptionsBecomeIndeterminateAnswers() {
    StubResolver broken = new StubResolver(q -> {
      throw new IllegalStateException("socket closed");
    });
    DnsAnswer a = lookup(broken);
    assertThat(a.status()).isEqualTo(DnssecStatus.INDETERMINATE);
    assertThat(a.reason()).hasValueSatisfying(r -> assertThat(r).contains("socket closed"));
  }
}
