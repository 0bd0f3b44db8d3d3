package org.dane4j.testkit.dns;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * Serves a {@link DnsWorld} on 127.0.0.1, UDP and TCP on the same ephemeral port, answering as a recursive
 * resolver for the whole world. UDP answers respect the query's EDNS payload size (512 without EDNS) and set TC
 * when they do not fit; TCP uses 2-byte length framing and serves several queries per connection. Every
 * question received is recorded. Daemon threads; {@link #close()} stops everything.
 */
public final class DnsTestServer implements AutoCloseable {
  private static final int MAX_UDP = 65_535;
  private static final int BIND_ATTEMPTS = 50;

  private final Responder responder;
  private final InetSocketAddress address;
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final ExecutorService workers;
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private final List<DnsQuery> queries = new ArrayList<>();
  private final List<Thread> listeners = new ArrayList<>();
  private volatile boolean closed;

  private DnsTestServer(DnsWorld world, DatagramSocket udp, ServerSocket tcp) {
    this.responder = new Responder(world);
    this.udp = udp;
    this.tcp = tcp;
    this.address = new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
    AtomicInteger count = new AtomicInteger();
    this.workers = Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, "dns-test-server-" + udp.getLocalPort() + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    listeners.add(daemon(this::receiveUdp, "udp"));
    listeners.add(daemon(this::acceptTcp, "tcp"));
  }

  static DnsTestServer start(DnsWorld world) {
    InetAddress loopback;
    try {
      loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    IOException last = null;
    for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
      DatagramSocket udp = null;
      try {
        udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
        ServerSocket tcp = new ServerSocket();
        try {
          tcp.bind(new InetSocketAddress(loopback, udp.getLocalPort()), 64);
        } catch (IOException e) {
          tcp.close();
          throw e;
        }
        return new DnsTestServer(world, udp, tcp);
      } catch (BindException e) {
        last = e;
        if (udp != null) {
          udp.close();
        }
      } catch (IOException e) {
        if (udp != null) {
          udp.close();
        }
        throw new IllegalStateException("cannot start the DNS test server", e);
      }
    }
    throw new IllegalStateException("no free port for UDP and TCP together", last);
  }

  /** The address to send queries to: 127.0.0.1 and the port shared by UDP and TCP. */
  public InetSocketAddress address() {
    return address;
  }

  /** The number of questions received since start or the last {@link #resetCounters()}. */
  public int queryCount() {
    synchronized (queries) {
      return queries.size();
    }
  }

  /** The number of questions received for {@code name} (absolute) and {@code type}. */
  public int queryCount(String name, int type) {
    synchronized (queries) {
      return (int) queries.stream().filter(q -> q.is(name, type)).count();
    }
  }

  /** Every question received, in arrival order (a copy). */
  public List<DnsQuery> queries() {
    synchronized (queries) {
      return List.copyOf(queries);
    }
  }

  /** Forgets the questions received so far. */
  public void resetCounters() {
    synchronized (queries) {
      queries.clear();
    }
  }

  /** Stops listening, closes open TCP connections and ends the server's threads. */
  @Override
  public void close() {
    closed = true;
    udp.close();
    try {
      tcp.close();
    } catch (IOException e) {
      // closing anyway
    }
    connections.forEach(DnsTestServer::closeQuietly);
    workers.shutdownNow();
    for (Thread listener : listeners) {
      try {
        listener.join(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public String toString() {
    return "DnsTestServer[" + address() + "]";
  }

  private Thread daemon(Runnable loop, String transport) {
    Thread thread = new Thread(loop, "dns-test-server-" + address.getPort() + "-" + transport);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private void receiveUdp() {
    byte[] buffer = new byte[MAX_UDP];
    while (!closed) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        udp.receive(packet);
      } catch (IOException e) {
        return;
      }
      byte[] data = Arrays.copyOf(packet.getData(), packet.getLength());
      SocketAddress client = packet.getSocketAddress();
      submit(() -> {
        byte[] response = handle(data, false);
        if (response != null && !closed) {
          try {
            udp.send(new DatagramPacket(response, response.length, client));
          } catch (IOException e) {
            // client gone or server closing
          }
        }
      });
    }
  }

  private void acceptTcp() {
    while (!closed) {
      Socket socket;
      try {
        socket = tcp.accept();
      } catch (IOException e) {
        return;
      }
      connections.add(socket);
      if (closed) {
        closeQuietly(socket);
        return;
      }
      submit(() -> serveConnection(socket));
    }
  }

  private void serveConnection(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      DataInputStream in = new DataInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      while (!closed) {
        byte[] data = new byte[in.readUnsignedShort()];
        in.readFully(data);
        byte[] response = handle(data, true);
        if (response != null) {
          byte[] framed = new byte[response.length + 2];
          framed[0] = (byte) (response.length >>> 8);
          framed[1] = (byte) response.length;
          System.arraycopy(response, 0, framed, 2, response.length);
          out.write(framed);
          out.flush();
        }
      }
    } catch (IOException e) {
      // end of stream, or closed
    } finally {
      connections.remove(socket);
    }
  }

  /** Parses and records a query; the response bytes, or null to stay silent (also for unparsable input). */
  private byte[] handle(byte[] data, boolean overTcp) {
    Message query;
    try {
      query = new Message(data);
    } catch (IOException e) {
      return null;
    }
    Record question = query.getQuestion();
    if (question != null) {
      Name name = question.getName();
      synchronized (queries) {
        queries.add(new DnsQuery(name, question.getType(), overTcp));
      }
    }
    try {
      return responder.respond(query, !overTcp);
    } catch (RuntimeException e) {
      return Responder.failure(query);   // a bug in the world must not look like a timeout
    }
  }

  private void submit(Runnable task) {
    try {
      workers.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // ignore
    }
  }
}
