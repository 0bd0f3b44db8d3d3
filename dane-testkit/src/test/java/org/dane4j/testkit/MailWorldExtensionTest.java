package org.dane4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.dane4j.testkit.dns.DnsZone;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The extension starts the DNS server for each test; servers share one port and are published in DNS. */
class MailWorldExtensionTest {
  @RegisterExtension
  final MailWorldExtension mail = new MailWorldExtension();

  @Test
  void serversShareAPortAndArePublished() throws Exception {
    MailWorld w = mail.world();
    SmtpTestServer a = w.mx("a.example.test", 2, w.leaf("a.example.test"));
    SmtpTestServer b = w.mx("b.example.test", 3, w.leaf("b.example.test"));
    assertThat(b.port()).isEqualTo(a.port()).isEqualTo(w.port());
    w.tlsa("a.example.test", "3 1 1 " + "ab".repeat(32));

    SimpleResolver dns = new SimpleResolver(w.dns().address());
    Message answer = dns.send(Message.newQuery(org.xbill.DNS.Record.newRecord(
        Name.fromString("_" + w.port() + "._tcp.a.example.test."), Type.TLSA, DClass.IN)));
    assertThat(answer.getSection(1)).hasSize(1);

    try (Socket s = new Socket(MailWorld.loopback(3), w.port())) {
      String greeting = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      assertThat(greeting).startsWith("220 b.example.test");
    }
  }

  @Test
  void hostsAndMxRecordsGoIntoTheZoneGiven() throws Exception {
    MailWorld w = mail.world();
    DnsZone plain = w.world().unsignedZone("plain.test.");
    w.mx(plain, "mx.plain.test", 2, w.leaf("mx.plain.test"), b -> b);
    w.mxRecord(w.zone(), "example.test", 10, "mx.plain.test");
    w.tlsa(plain, "mx.plain.test", "3 1 1 " + "cd".repeat(32));

    SimpleResolver dns = new SimpleResolver(w.dns().address());
    assertThat(answer(dns, "example.test.", Type.MX)).singleElement().asString()
        .contains("MX").endsWith("10 mx.plain.test.");
    assertThat(answer(dns, "mx.plain.test.", Type.A)).singleElement().asString().endsWith("127.0.0.2");
    assertThat(answer(dns, w.tlsaOwner("mx.plain.test"), Type.TLSA)).hasSize(1);
    assertThat(answer(dns, "mx.example.test.", Type.A)).isEmpty();
  }

  @Test
  void caNamesCanBeChosen() {
    try (MailWorld w = new MailWorld("acme")) {
      assertThat(w.issuer().certificate().getSubjectX500Principal().getName()).isEqualTo("CN=acme issuing CA");
      assertThat(w.root().certificate().getSubjectX500Principal().getName()).isEqualTo("CN=acme root CA");
    }
  }

  private static List<org.xbill.DNS.Record> answer(SimpleResolver dns, String name, int type) throws Exception {
    return dns.send(Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString(name), type, DClass.IN)))
        .getSection(1).stream().filter(r -> r.getType() == type).toList();
  }
}
