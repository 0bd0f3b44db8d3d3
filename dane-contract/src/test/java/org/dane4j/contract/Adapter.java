package org.dane4j.contract;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.dane4j.dns.DaneResolver;
import org.dane4j.jakartamail.DaneMailer;
import org.dane4j.netty.DaneSmtpClient;
import org.dane4j.smtp.DeliveryReport;
import org.dane4j.sts.MtaSts;

/**
 * The two adapters, each built as a user would, with the same short limits so that the fault scenarios end
 * quickly: 5 s to connect, 2 s for each reply, the handshake and the STARTTLS upgrade.
 */
enum Adapter {
  /** Jakarta Mail / Angus: {@link DaneMailer}. */
  JAKARTA {
    @Override
    Sender open(DaneResolver resolver, int port, MtaSts sts) {
      DaneMailer.Builder b = DaneMailer.builder().resolver(resolver).ehloName("sender.example.org").mxPort(port)
          .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(2))
          .replyTimeout(Duration.ofSeconds(2)).planTimeout(Duration.ofSeconds(10));
      if (sts != null) {
        b.mtaSts(sts);
      }
      DaneMailer mailer = b.build();
      return new Sender() {
        @Override
        public DeliveryReport send(String from, List<String> to, byte[] message) throws Exception {
          MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message));
          return mailer.send(m, from, to);
        }

        @Override
        public void close() {
          mailer.close();
        }
      };
    }
  },
  /** Netty: {@link DaneSmtpClient}. */
  NETTY {
    @Override
    Sender open(DaneResolver resolver, int port, MtaSts sts) {
      DaneSmtpClient.Builder b = DaneSmtpClient.builder(resolver).ehloName("sender.example.org").mxPort(port)
          .connectTimeout(Duration.ofSeconds(5)).greetingTimeout(Duration.ofSeconds(2))
          .commandTimeout(Duration.ofSeconds(2)).handshakeTimeout(Duration.ofSeconds(2))
          .startTlsTimeout(Duration.ofSeconds(2)).dataInitiationTimeout(Duration.ofSeconds(2))
          .dataTerminationTimeout(Duration.ofSeconds(2));
      if (sts != null) {
        b.mtaSts(sts);
      }
      DaneSmtpClient client = b.build();
      return new Sender() {
        @Override
        public DeliveryReport send(String from, List<String> to, byte[] message) throws Exception {
          return client.send(from, to, message).get(60, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
          client.close();
        }
      };
    }
  };

  /** Opens the adapter; {@code sts} (null: off) is given to its builder's {@code mtaSts} option. */
  abstract Sender open(DaneResolver resolver, int port, MtaSts sts);

  /** One adapter's send, as its users call it. */
  interface Sender extends AutoCloseable {
    DeliveryReport send(String from, List<String> to, byte[] message) throws Exception;

    @Override
    void close();
  }
}
