package org.dane4j.testkit.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The server's wire behaviour and the zone model, seen by a plain (non-validating) client. */
class DnsTestServerTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2031-03-01T12:00:00Z"), ZoneOffset.UTC);
  static DnsWorld world;
  static DnsTestServer server;

  @BeforeAll
  static void start() {
    world = DnsWorld.create(CLOCK);
    world.zone("test.");
    world.zone("example.test.")
        .add("mx.example.test. A 127.0.0.1", "_25._tcp.mx.example.test. TLSA 3 1 1 00112233",
            "www.example.test. A 127.0.0.2");
    for (int i = 0; i < 10; i++) {
      world.zone("example.test.").add("big TXT \"" + "y".repeat(80) + i + "\"");
    }
    world.unsignedZone("insecure.test.");
    world.zone("lame.test.");
    server = world.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void clear() {
    world.clearFaults();
  }

  @Test
  @DisplayName("RRSIGs only with DO; CD and RD echoed, RA set, AA and AD never")
  void dnssecOkAndFlags() throws IOException {
    Message plain = client(false).send(query("mx.example.test.", Type.A));
    assertThat(plain.getSection(Section.ANSWER)).extracting(Record::getType).containsExactly(Type.A);

    Message withDo = client(true).send(query("mx.example.test.", Type.A));
    assertThat(withDo.getSection(Section.ANSWER)).extracting(Record::getType).containsExactly(Type.A, Type.RRSIG);
    RRSIGRecord sig = (RRSIGRecord) withDo.getSection(Section.ANSWER).get(1);
    assertThat(sig.getSigner()).isEqualTo(name("example.test."));
    assertThat(sig.getAlgorithm()).isEqualTo(13);
    assertThat(sig.getTimeSigned()).isEqualTo(CLOCK.instant().minus(Duration.ofDays(1)));
    assertThat(sig.getExpire()).isEqualTo(CLOCK.instant().plus(Duration.ofDays(30)));

    Message cd = query("mx.example.test.", Type.A);
    cd.getHeader().setFlag(Flags.CD);
    Message response = client(true).send(cd);
    assertThat(response.getHeader().getFlag(Flags.CD)).isTrue();
    assertThat(response.getHeader().getFlag(Flags.RD)).isTrue();
    assertThat(response.getHeader().getFlag(Flags.RA)).isTrue();
    assertThat(response.getHeader().getFlag(Flags.AA)).isFalse();
    assertThat(response.getHeader().getFlag(Flags.AD)).isFalse();
    assertThat(response.getSection(Section.ANSWER)).hasSize(2);
  }

  @Test
  @DisplayName("NSEC chain: skips empty non-terminals, bitmaps list the types plus RRSIG and NSEC")
  void nsecChain() throws IOException {
    NSECRecord atMx = nsec(client(true).send(query("mx.example.test.", Type.NSEC)));
    assertThat(atMx.getNext()).isEqualTo(name("_25._tcp.mx.example.test."));
    assertThat(atMx.getTypes()).containsExactly(Type.A, Type.RRSIG, Type.NSEC);

    NSECRecord apex = nsec(client(true).send(query("example.test.", Type.NSEC)));
    assertThat(apex.getNext()).isEqualTo(name("big.example.test."));
    assertThat(apex.getTypes()).containsExactly(Type.NS, Type.SOA, Type.RRSIG, Type.NSEC, Type.DNSKEY);

    NSECRecord last = nsec(client(true).send(query("www.example.test.", Type.NSEC)));
    assertThat(last.getNext()).isEqualTo(name("example.test."));
  }

  @Test
  @DisplayName("DS at a cut comes from the parent: signed DS, or NODATA whose NSEC shows NS without DS")
  void dsFromParent() throws IOException {
    Message ds = client(true).send(query("example.test.", Type.DS));
    assertThat(ds.getSection(Section.ANSWER)).extracting(Record::getType).containsExactly(Type.DS, Type.RRSIG);
    assertThat(((RRSIGRecord) ds.getSection(Section.ANSWER).get(1)).getSigner()).isEqualTo(name("test."));

    Message insecure = client(true).send(query("insecure.test.", Type.DS));
    assertThat(insecure.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(insecure.getSection(Section.ANSWER)).isEmpty();
    assertThat(insecure.getSection(Section.AUTHORITY)).extracting(Record::getName).containsOnly(name("test."),
        name("insecure.test."));
    NSECRecord cut = nsec(insecure);
    assertThat(cut.getName()).isEqualTo(name("insecure.test."));
    assertThat(cut.getTypes()).containsExactly(Type.NS, Type.RRSIG, Type.NSEC);

    Message dnskey = client(true).send(query("example.test.", Type.DNSKEY));
    assertThat(dnskey.getSection(Section.ANSWER)).extracting(Record::getType)
        .containsExactly(Type.DNSKEY, Type.RRSIG);
  }

  @Test
  @DisplayName("NXDOMAIN carries SOA, the NSEC covering the name and the one covering the wildcard")
  void nxdomainProof() throws IOException {
    Message response = client(true).send(query("a.b.mx.example.test.", Type.A));
    assertThat(response.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    List<Record> nsecs = response.getSection(Section.AUTHORITY).stream().filter(r -> r.getType() == Type.NSEC)
        .collect(Collectors.toList());
    assertThat(nsecs).extracting(Record::getName)
        .containsExactly(name("_25._tcp.mx.example.test."), name("mx.example.test."));
    assertThat(response.getSection(Section.AUTHORITY)).extracting(Record::getType).contains(Type.SOA);

    Message plain = client(false).send(query("a.b.mx.example.test.", Type.A));
    assertThat(plain.getSection(Section.AUTHORITY)).extracting(Record::getType).containsExactly(Type.SOA);
  }

  @Test
  @DisplayName("the server sends SERVFAIL and REFUSED without any EDE")
  void servfailAndRefusedOnTheWire() throws IOException {
    world.fault("mx.example.test.", Type.A, DnsFault.SERVFAIL);
    Message servfail = client(true).send(query("mx.example.test.", Type.A));
    assertThat(servfail.getRcode()).isEqualTo(Rcode.SERVFAIL);
    assertThat(servfail.getOPT().getOptions()).isEmpty();
    world.fault("mx.example.test.", Type.A, DnsFault.REFUSED);
    assertThat(client(true).send(query("mx.example.test.", Type.A)).getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(client(true).send(query("mx.example.test.", Type.TLSA)).getRcode()).isEqualTo(Rcode.NOERROR);
  }

  @Test
  @DisplayName("LAME: SERVFAIL for the zone's data and DNSKEY; the parent still answers the DS")
  void lame() throws IOException {
    world.fault("lame.test.", DnsFault.LAME);
    assertThat(client(true).send(query("lame.test.", Type.DNSKEY)).getRcode()).isEqualTo(Rcode.SERVFAIL);
    assertThat(client(true).send(query("x.lame.test.", Type.A)).getRcode()).isEqualTo(Rcode.SERVFAIL);
    assertThat(client(true).send(query("lame.test.", Type.DS)).getSection(Section.ANSWER)).isNotEmpty();
  }

  @Test
  @DisplayName("UDP: TC when the answer exceeds 512 bytes without EDNS or the EDNS size; TCP carries it")
  void udpSizeLimit() throws IOException {
    SimpleResolver noEdns = client(false);
    noEdns.setIgnoreTruncation(true);
    Message truncated = noEdns.send(query("big.example.test.", Type.TXT));
    assertThat(truncated.getHeader().getFlag(Flags.TC)).isTrue();
    assertThat(truncated.getSection(Section.ANSWER)).isEmpty();

    SimpleResolver edns = client(true);
    edns.setIgnoreTruncation(true);
    assertThat(edns.send(query("big.example.test.", Type.TXT)).getHeader().getFlag(Flags.TC)).isFalse();

    noEdns.setTCP(true);
    assertThat(noEdns.send(query("big.example.test.", Type.TXT)).getSection(Section.ANSWER)).hasSize(10);
  }

  @Test
  @DisplayName("TCP: several queries on one connection; a TIMEOUT question stays silent, the next is answered")
  void tcpConnectionReuse() throws IOException {
    world.fault("www.example.test.", Type.A, DnsFault.TIMEOUT);
    try (Socket socket = new Socket()) {
      socket.connect(server.address(), 2_000);
      socket.setSoTimeout(2_000);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      DataInputStream in = new DataInputStream(socket.getInputStream());
      for (String name : new String[] {"mx.example.test.", "www.example.test.", "_25._tcp.mx.example.test."}) {
        byte[] wire = query(name, name.startsWith("_25") ? Type.TLSA : Type.A).toWire();
        out.writeShort(wire.length);
        out.write(wire);
      }
      out.flush();
      Message first = read(in);
      Message second = read(in);
      assertThat(first.getQuestion().getName()).isEqualTo(name("mx.example.test."));
      assertThat(second.getQuestion().getName()).isEqualTo(name("_25._tcp.mx.example.test."));
      assertThat(second.getSection(Section.ANSWER)).hasSize(1);
    }
    assertThat(server.queries()).filteredOn(DnsQuery::tcp).hasSizeGreaterThanOrEqualTo(3);
  }

  @Test
  @DisplayName("GARBAGE, WRONG_ID and WRONG_QUESTION on the wire")
  void brokenResponsesOnTheWire() throws IOException {
    world.fault("mx.example.test.", Type.A, DnsFault.WRONG_ID);
    Message query = query("mx.example.test.", Type.A);
    Message wrongId = new Message(udpExchange(query.toWire()));
    assertThat(wrongId.getHeader().getID()).isEqualTo((query.getHeader().getID() + 1) & 0xffff);
    assertThat(wrongId.getSection(Section.ANSWER)).hasSize(1);

    world.fault("mx.example.test.", Type.A, DnsFault.WRONG_QUESTION);
    Message wrongQuestion = new Message(udpExchange(query.toWire()));
    assertThat(wrongQuestion.getHeader().getID()).isEqualTo(query.getHeader().getID());
    assertThat(wrongQuestion.getQuestion().getName()).isNotEqualTo(name("mx.example.test."));

    world.fault("mx.example.test.", Type.A, DnsFault.GARBAGE);
    byte[] garbage = udpExchange(query.toWire());
    assertThat(garbage.length).isBetween(12, 64);
  }

  @Test
  @DisplayName("concurrent queries are all answered and all counted, per name and type")
  void concurrentQueries() throws Exception {
    server.resetCounters();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<Message>> answers = new java.util.ArrayList<>();
      for (int i = 0; i < 40; i++) {
        answers.add(pool.submit(() -> client(true).send(query("mx.example.test.", Type.A))));
      }
      for (java.util.concurrent.Future<Message> answer : answers) {
        assertThat(answer.get().getRcode()).isEqualTo(Rcode.NOERROR);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(server.queryCount()).isEqualTo(40);
    assertThat(server.queryCount("mx.example.test.", Type.A)).isEqualTo(40);
    assertThat(server.queryCount("mx.example.test.", Type.AAAA)).isZero();
  }

  @Test
  @DisplayName("unparsable input is dropped and not counted; the server keeps serving")
  void unparsableInput() throws IOException {
    server.resetCounters();
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, server.address()));
    }
    assertThat(client(true).send(query("mx.example.test.", Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(server.queryCount()).isEqualTo(1);
  }

  @Test
  @DisplayName("close() frees the port and ends the server's threads promptly")
  void closeStopsEverything() throws Exception {
    DnsTestServer other = world.start();
    InetSocketAddress address = other.address();
    assertThat(address.getAddress().isLoopbackAddress()).isTrue();
    assertThat(address.getPort()).isNotEqualTo(server.address().getPort());
    String prefix = "dns-test-server-" + address.getPort() + "-";
    try (Socket connection = new Socket(address.getAddress(), address.getPort())) {
      connection.setSoTimeout(1_000);
      DataOutputStream out = new DataOutputStream(connection.getOutputStream());
      byte[] wire = query("mx.example.test.", Type.A).toWire();
      out.writeShort(wire.length);
      out.write(wire);
      DataInputStream in = new DataInputStream(connection.getInputStream());
      assertThat(read(in).getRcode()).isEqualTo(Rcode.NOERROR);   // the connection is being served
      long start = System.nanoTime();
      other.close();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      assertThat(in.read()).isEqualTo(-1);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (serverThreadsAlive(prefix) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(serverThreadsAlive(prefix)).as("threads named %s*", prefix).isFalse();
    SimpleResolver closed = new SimpleResolver(address);
    closed.setTimeout(Duration.ofMillis(200));
    assertThatThrownBy(() -> closed.send(query("mx.example.test.", Type.A))).isInstanceOf(IOException.class);
  }

  @Test
  @DisplayName("the zone model refuses what the world manages or cannot serve consistently")
  void zoneModelChecks() {
    DnsZone zone = world.zone("example.test.");
    assertThatThrownBy(() -> zone.add("other.test. A 127.0.0.1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> zone.add("sub NS ns.example.test.")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> zone.add("*.example.test. A 127.0.0.1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> zone.add("mx CNAME www")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> zone.add("not a record")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> world.zone("test.").add("x.example.test. A 127.0.0.1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> world.unsignedZone("example.test.")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> world.fault("nowhere.test.", DnsFault.WRONG_DS))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> world.fault("example.test.", Type.A, DnsFault.LAME))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(world.zone("example.test.")).isSameAs(zone);
    assertThat(zone.ds().getFootprint()).isEqualTo(zone.dnskey().getFootprint());
    assertThat(world.trustAnchor()).startsWith(".").containsPattern("\\sDS\\s");
  }

  private static boolean serverThreadsAlive(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith(prefix) && t.isAlive());
  }

  private static NSECRecord nsec(Message response) {
    return response.getSection(Section.ANSWER).stream().filter(r -> r.getType() == Type.NSEC)
        .map(NSECRecord.class::cast).findFirst()
        .orElseGet(() -> response.getSection(Section.AUTHORITY).stream().filter(r -> r.getType() == Type.NSEC)
            .map(NSECRecord.class::cast).findFirst().orElseThrow());
  }

  private static Message read(DataInputStream in) throws IOException {
    byte[] data = new byte[in.readUnsignedShort()];
    in.readFully(data);
    return new Message(data);
  }

  private static byte[] udpExchange(byte[] wire) throws IOException {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(2_000);
      socket.send(new DatagramPacket(wire, wire.length, server.address()));
      DatagramPacket packet = new DatagramPacket(new byte[4096], 4096);
      try {
        socket.receive(packet);
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no answer", e);
      }
      return java.util.Arrays.copyOf(packet.getData(), packet.getLength());
    }
  }

  private static SimpleResolver client(boolean dnssecOk) {
    SimpleResolver resolver = new SimpleResolver(server.address());
    resolver.setTimeout(Duration.ofSeconds(2));
    if (dnssecOk) {
      resolver.setEDNS(0, 0, ExtendedFlags.DO);
    } else {
      resolver.setEDNS(-1);
    }
    return resolver;
  }

  private static Message query(String name, int type) {
    return Message.newQuery(Record.newRecord(name(name), type, DClass.IN));
  }

  private static Name name(String name) {
    return Name.fromConstantString(name);
  }
}
