package org.dane4j.benchmarks;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A UDP relay on 127.0.0.1 that holds every answer for a fixed time before passing it back: a DNS upstream
 * {@code delayMs} of round-trip time away (a resolver in the next data centre, or an ISP's), so the number of
 * sequential round trips shows. Queries go to the server at once from one socket; answers
 * wait {@code delayMs}. Message ids are rewritten to the relay's own sequence on the way out and restored on the
 * way back. UDP only (every answer of the planner fixture fits in 1,232 bytes).
 */
final class DelayProxy implements AutoCloseable {
  private final DatagramSocket front;
  private final InetSocketAddress server;
  private final long delayMs;
  private final DatagramSocket back;
  /** Per proxy-assigned message id: the client and its own id. */
  private final SocketAddress[] clients = new SocketAddress[65_536];
  private final int[] clientIds = new int[65_536];
  private int nextId;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r,
      "delay-proxy-timer"));
  private volatile boolean closed;

  DelayProxy(InetSocketAddress server, long delayMs) {
    this.server = server;
    this.delayMs = delayMs;
    try {
      front = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0));
      back = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    daemon(this::relayQueries, "delay-proxy-front").start();
    daemon(this::relayAnswers, "delay-proxy-back").start();
  }

  InetSocketAddress address() {
    return new InetSocketAddress(front.getLocalAddress(), front.getLocalPort());
  }

  private void relayQueries() {
    byte[] buf = new byte[65_535];
    while (!closed) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        front.receive(p);
        byte[] query = Arrays.copyOf(p.getData(), p.getLength());
        if (query.length < 12) {
          continue;
        }
        int id;
        synchronized (clients) {
          id = nextId;
          nextId = (nextId + 1) & 0xffff;
          clients[id] = p.getSocketAddress();
          clientIds[id] = ((query[0] & 0xff) << 8) | (query[1] & 0xff);
        }
        query[0] = (byte) (id >> 8);
        query[1] = (byte) id;
        back.send(new DatagramPacket(query, query.length, server));
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void relayAnswers() {
    byte[] buf = new byte[65_535];
    while (!closed) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        back.receive(p);
        byte[] answer = Arrays.copyOf(p.getData(), p.getLength());
        if (answer.length < 12) {
          continue;
        }
        int id = ((answer[0] & 0xff) << 8) | (answer[1] & 0xff);
        SocketAddress client;
        synchronized (clients) {
          client = clients[id];
          answer[0] = (byte) (clientIds[id] >> 8);
          answer[1] = (byte) clientIds[id];
        }
        timer.schedule(() -> {
          try {
            front.send(new DatagramPacket(answer, answer.length, client));
          } catch (IOException e) {
            // the client is gone; UDP loses packets anyway
          }
        }, delayMs, TimeUnit.MILLISECONDS);
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    front.close();
    back.close();
    timer.shutdownNow();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
