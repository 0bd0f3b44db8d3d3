package org.dane4j.samples.netty;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.dane4j.dns.DaneResolver;
import org.dane4j.netty.DaneSmtpClient;
import org.dane4j.smtp.DeliveryReport;

/** A Netty 4.1 application that hands messages to dane4j's asynchronous SMTP client. */
public final class Courier implements AutoCloseable {
  private final DaneSmtpClient client;

  /** Sends as {@code ehloName}; {@code mxPort} is 25 but in tests. */
  public Courier(DaneResolver resolver, String ehloName, int mxPort) {
    this.client = DaneSmtpClient.builder(resolver).ehloName(ehloName).mxPort(mxPort).build();
  }

  /** Sends an RFC 5322 message given as text. */
  public CompletableFuture<DeliveryReport> send(String from, String to, String message) {
    return client.send(from, List.of(to), message.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    client.close();
  }
}
