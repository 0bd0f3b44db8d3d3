package org.dane4j.testkit;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that gives each test a fresh {@link MailWorld} — the signed DNS world with its server
 * and the receiving SMTP servers the test starts — and stops all of it after the test, failed or not.
 *
 * <pre>{@code
 * @RegisterExtension
 * final MailWorldExtension mail = new MailWorldExtension();
 *
 * @Test
 * void delivers() {
 *   SmtpTestServer mx = mail.world().mx("mx.example.test", 2, mail.world().leaf("mx.example.test"));
 *   ...
 * }
 * }</pre>
 */
public final class MailWorldExtension implements BeforeEachCallback, AfterEachCallback {
  private MailWorld world;

  /** The current test's world; throws outside of a test. */
  public MailWorld world() {
    if (world == null) {
      throw new IllegalStateException("the mail world exists only during a test");
    }
    return world;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    world = new MailWorld();
    world.dns();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (world != null) {
      world.close();
      world = null;
    }
  }
}
