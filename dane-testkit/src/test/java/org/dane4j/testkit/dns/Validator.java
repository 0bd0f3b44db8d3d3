package org.dane4j.testkit.dns;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/** dnsjava's ValidatingResolver set up as the dane4j core will use it, against a DnsTestServer. */
final class Validator {
  private final ValidatingResolver resolver;

  Validator(InetSocketAddress server, Clock clock, String trustAnchor, Duration timeout) {
    SimpleResolver head = new SimpleResolver(server);
    resolver = new ValidatingResolver(head, clock);
    try {
      resolver.init(new Properties());
      resolver.loadTrustAnchors(new ByteArrayInputStream(trustAnchor.getBytes(StandardCharsets.US_ASCII)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    head.setTimeout(timeout);
  }

  Message query(String name, int type) throws IOException {
    return resolver.send(Message.newQuery(Record.newRecord(Name.fromConstantString(name), type, DClass.IN)));
  }

  /** The extended DNS error the validator attached, if any. */
  static Optional<ExtendedErrorCodeOption> ede(Message response) {
    OPTRecord opt = response.getOPT();
    if (opt == null) {
      return Optional.empty();
    }
    return opt.getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR).stream()
        .map(ExtendedErrorCodeOption.class::cast).findFirst();
  }

  /** The validator's reason: a TXT record at "." of class 65280 in ADDITIONAL, or "" when there is none. */
  static String reason(Message response) {
    return response.getSection(Section.ADDITIONAL).stream()
        .filter(r -> r.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS && r instanceof TXTRecord)
        .flatMap(r -> ((TXTRecord) r).getStrings().stream())
        .collect(Collectors.joining());
  }

  /** The ANSWER section without its RRSIGs. */
  static List<Record> answers(Message response) {
    return response.getSection(Section.ANSWER).stream().filter(r -> r.getType() != Type.RRSIG)
        .collect(Collectors.toList());
  }
}
