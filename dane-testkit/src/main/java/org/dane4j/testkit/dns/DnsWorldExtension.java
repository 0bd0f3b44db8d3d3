package org.dane4j.testkit.dns;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that builds a {@link DnsWorld} and serves it for the tests of a class (registered on a
 * static field) or of each test (on an instance field). Before each test the query counters are reset; after
 * each test every fault is cleared (records changed by a test stay changed).
 *
 * <pre>{@code
 * @RegisterExtension
 * static DnsWorldExtension dns = DnsWorldExtension.create(clock, world -> {
 *   world.zone("test.");
 *   world.zone("example.test.").add("mx.example.test. 300 IN A 127.0.0.1");
 * });
 * // dns.address(), dns.trustAnchor(), dns.world().fault(...), dns.server().queryCount()
 * }</pre>
 */
public final class DnsWorldExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private final DnsWorld world;
  private DnsTestServer server;
  private boolean perClass;

  private DnsWorldExtension(DnsWorld world) {
    this.world = world;
  }

  /** An extension serving a world on {@code clock}, set up by {@code setup} once, before the server starts. */
  public static DnsWorldExtension create(Clock clock, Consumer<DnsWorld> setup) {
    DnsWorld world = DnsWorld.create(clock);
    Objects.requireNonNull(setup, "setup").accept(world);
    return new DnsWorldExtension(world);
  }

  /** An extension serving a world on the system clock. */
  public static DnsWorldExtension create(Consumer<DnsWorld> setup) {
    return create(Clock.systemUTC(), setup);
  }

  /** The world served; it may be changed from tests. */
  public DnsWorld world() {
    return world;
  }

  /** The running server; throws outside of a test. */
  public DnsTestServer server() {
    if (server == null) {
      throw new IllegalStateException("the DNS test server runs only during tests");
    }
    return server;
  }

  /** The running server's address. */
  public InetSocketAddress address() {
    return server().address();
  }

  /** The world's trust anchor (the root DS) in master-file format. */
  public String trustAnchor() {
    return world.trustAnchor();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true;
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    start();
    server.resetCounters();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    world.clearFaults();
    if (!perClass) {
      stop();
    }
  }

  private synchronized void start() {
    if (server == null) {
      server = world.start();
    }
  }

  private synchronized void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
