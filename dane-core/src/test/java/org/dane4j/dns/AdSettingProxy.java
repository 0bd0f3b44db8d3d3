package org.dane4j.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.SimpleResolver;

/**
 * A stand-in for a validating resolver on loopback (UDP only): forwards each query to a testkit DNS server and
 * sets the AD bit on the answer, as a validating resolver does for secure data. Enough for the DNSSEC probe's
 * single root SOA query.
 */
final class AdSettingProxy implements AutoCloseable {
  private final DatagramSocket socket;
  private final SimpleResolver upstream;
  private final Thread thread;

  AdSettingProxy(InetSocketAddress upstreamAddress) throws SocketException {
    this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    this.upstream = new SimpleResolver(upstreamAddress);
    upstream.setTimeout(Duration.ofSeconds(2));
    this.thread = new Thread(this::serve, "ad-setting-proxy");
    thread.setDaemon(true);
    thread.start();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  private void serve() {
    byte[] buffer = new byte[65535];
    while (!socket.isClosed()) {
      try {
        DatagramPacket in = new DatagramPacket(buffer, buffer.length);
        socket.receive(in);
        Message query = new Message(java.util.Arrays.copyOf(in.getData(), in.getLength()));
        Message answer = upstream.send(query);
        answer.getHeader().setFlag(Flags.AD);
        byte[] wire = answer.toWire();
        socket.send(new DatagramPacket(wire, wire.length, in.getSocketAddress()));
      } catch (IOException e) {
        // closed, or one bad exchange: the client times out
      }
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
