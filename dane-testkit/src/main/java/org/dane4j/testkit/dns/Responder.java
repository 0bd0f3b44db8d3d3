package org.dane4j.testkit.dns;

import java.security.SecureRandom;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Turns a parsed query into the bytes to send back (or none), applying the question faults and the UDP size
 * limit. RRSIGs and NSECs are included only when the query sets the EDNS DO bit; CD is echoed and nothing is
 * validated here.
 */
final class Responder {
  /** The EDNS payload size this server advertises. */
  static final int PAYLOAD_SIZE = 1232;
  private static final int PLAIN_UDP_SIZE = 512;
  private static final Name WRONG_QUESTION = Name.fromConstantString("wrong-question.invalid.");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final DnsWorld world;

  Responder(DnsWorld world) {
    this.world = world;
  }

  /** The response to {@code query}, or null to stay silent. */
  byte[] respond(Message query, boolean udp) {
    Record question = query.getQuestion();
    if (query.getHeader().getOpcode() != Opcode.QUERY || question == null) {
      return empty(query, Rcode.NOTIMP).toWire();
    }
    if (question.getDClass() != DClass.IN) {
      return empty(query, Rcode.REFUSED).toWire();
    }
    Name qname = question.getName();
    int qtype = question.getType();
    DnsFault fault;
    Answer answer;
    synchronized (world.lock()) {
      fault = world.faults().questionFault(qname, qtype);
      answer = fault == null || fault == DnsFault.WRONG_ID || fault == DnsFault.WRONG_QUESTION
          || (fault == DnsFault.TRUNCATED_UDP && !udp) ? world.answer(qname, qtype) : null;
    }
    if (fault != null) {
      switch (fault) {
        case TIMEOUT:
          return null;
        case GARBAGE:
          byte[] garbage = new byte[12 + RANDOM.nextInt(53)];
          RANDOM.nextBytes(garbage);
          return garbage;
        case SERVFAIL:
          return empty(query, Rcode.SERVFAIL).toWire();
        case REFUSED:
          return empty(query, Rcode.REFUSED).toWire();
        case TRUNCATED_UDP:
          if (udp) {
            return truncated(query, Rcode.NOERROR);
          }
          break;
        default:
          break;
      }
    }
    Message response = render(query, answer);
    if (fault == DnsFault.WRONG_ID) {
      response.getHeader().setID((query.getHeader().getID() + 1) & 0xffff);
    } else if (fault == DnsFault.WRONG_QUESTION) {
      response.removeAllRecords(Section.QUESTION);
      response.addRecord(Record.newRecord(WRONG_QUESTION, qtype, question.getDClass()), Section.QUESTION);
    }
    byte[] wire = response.toWire();
    int limit = udpLimit(query);
    if (udp && wire.length > limit) {
      return truncated(query, answer.rcode);
    }
    return wire;
  }

  /** A plain SERVFAIL for {@code query}. */
  static byte[] failure(Message query) {
    return empty(query, Rcode.SERVFAIL).toWire();
  }

  private static Message render(Message query, Answer answer) {
    Message response = empty(query, answer.rcode);
    boolean dnssec = dnssecOk(query);
    add(response, answer.answer, Section.ANSWER, dnssec);
    add(response, answer.authority, Section.AUTHORITY, dnssec);
    return response;
  }

  private static void add(Message response, List<Answer.Entry> entries, int section, boolean dnssec) {
    for (Answer.Entry entry : entries) {
      int type = entry.rrset().getType();
      if (!dnssec && section == Section.AUTHORITY && (type == Type.NSEC || type == Type.NSEC3)) {
        continue;
      }
      entry.rrset().rrs(false).forEach(r -> response.addRecord(r, section));
      if (dnssec) {
        entry.rrset().sigs().forEach(r -> response.addRecord(r, section));
      }
    }
  }

  /** A response with the query's id, question, RD and CD, and the given rcode; RA set; OPT if the query had one. */
  private static Message empty(Message query, int rcode) {
    Message response = new Message(query.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setFlag(Flags.RA);
    response.getHeader().setOpcode(query.getHeader().getOpcode());
    for (int flag : new int[] {Flags.RD, Flags.CD}) {
      if (query.getHeader().getFlag(flag)) {
        response.getHeader().setFlag(flag);
      }
    }
    response.getHeader().setRcode(rcode);
    if (query.getQuestion() != null) {
      response.addRecord(query.getQuestion(), Section.QUESTION);
    }
    if (query.getOPT() != null) {
      response.addRecord(new OPTRecord(PAYLOAD_SIZE, 0, 0, dnssecOk(query) ? ExtendedFlags.DO : 0),
          Section.ADDITIONAL);
    }
    return response;
  }

  private static byte[] truncated(Message query, int rcode) {
    Message response = empty(query, rcode);
    response.getHeader().setFlag(Flags.TC);
    return response.toWire();
  }

  private static boolean dnssecOk(Message query) {
    OPTRecord opt = query.getOPT();
    return opt != null && (opt.getFlags() & ExtendedFlags.DO) != 0;
  }

  private static int udpLimit(Message query) {
    OPTRecord opt = query.getOPT();
    return opt == null ? PLAIN_UDP_SIZE : Math.max(PLAIN_UDP_SIZE, opt.getPayloadSize());
  }
}
