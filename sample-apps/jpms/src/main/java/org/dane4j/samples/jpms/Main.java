package org.dane4j.samples.jpms;

import jakarta.mail.Session;
import jakarta.mail.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Properties;
import org.dane4j.dns.DaneResolver;
import org.dane4j.jakartamail.DaneSmtpTransport;
import org.dane4j.netty.DaneSmtpClient;
import org.dane4j.tlsa.TlsaRecord;

/**
 * Uses one type of each dane4j module from a named module and says which module each came from: a TLSA record
 * (core), Jakarta Mail's transport switched to DaneSmtpTransport by property (jakartamail; Jakarta Mail
 * instantiates it reflectively across modules), and a Netty client built and closed (netty). Offline.
 */
public final class Main {
  private Main() {
  }

  /** Prints one line per check; exits non-zero (by exception) when one fails. */
  public static void main(String[] args) throws Exception {
    for (Class<?> type : List.of(Main.class, TlsaRecord.class, DaneSmtpTransport.class, DaneSmtpClient.class)) {
      Module module = type.getModule();
      System.out.println(type.getSimpleName() + " in module " + (module.isNamed() ? module.getName() : "(unnamed)")
          + (module.isNamed() && module.getDescriptor().isAutomatic() ? " (automatic)" : ""));
    }
    System.out.println("record " + TlsaRecord.parse("3 1 1 " + "ab".repeat(32)));

    Properties properties = new Properties();
    properties.setProperty("mail.smtp.class", DaneSmtpTransport.class.getName());
    Transport transport = Session.getInstance(properties).getTransport("smtp");
    System.out.println("transport " + transport.getClass().getName());

    // a resolver is built offline: nothing is sent until a lookup
    try (DaneResolver resolver = DaneResolver.builder()
        .servers(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53)).build();
        DaneSmtpClient client = DaneSmtpClient.builder(resolver).ehloName("app.example.org").build()) {
      System.out.println("netty client " + client.getClass().getName());
    }
  }
}
