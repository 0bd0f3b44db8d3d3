package org.dane4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
}
