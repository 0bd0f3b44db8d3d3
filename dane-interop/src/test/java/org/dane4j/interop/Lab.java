package org.dane4j.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.dane4j.dns.DaneResolver;
import org.junit.jupiter.api.Assumptions;

/**
 * The running interop lab, as {@code interop/lab.sh up} described it in {@code lab.env}.
 *
 * <p>The suite never starts the lab itself: {@code .ci/run} (or the developer) runs {@code interop/lab.sh up}
 * before Maven and {@code down} after it. A lab that is not up is a test FAILURE with the command to run; the
 * suite is skipped only when explicitly disabled with {@code -Ddane4j.interop.skip=true} or
 * {@code DANE4J_INTEROP_SKIP=true}.
 */
final class Lab {
  final Path dir;
  final Properties env = new Properties();

  private Lab(Path dir) throws IOException {
    this.dir = dir;
    try (InputStream in = Files.newInputStream(dir.resolve("lab.env"))) {
      env.load(in);
    }
  }

  /** The lab described by {@code dir/lab.env}, for {@link LabBench} (outside JUnit). */
  static Lab at(Path dir) throws IOException {
    return new Lab(dir);
  }

  static Lab get() {
    boolean skip = Boolean.getBoolean("dane4j.interop.skip")
        || "true".equalsIgnoreCase(System.getenv("DANE4J_INTEROP_SKIP"));
    Assumptions.assumeFalse(skip, "interop suite disabled (dane4j.interop.skip / DANE4J_INTEROP_SKIP)");
    Path dir = Path.of(System.getProperty("dane4j.interop.dir",
        System.getenv().getOrDefault("DANE4J_LAB_DIR", "/tmp/dane4j-interop")));
    if (!Files.isRegularFile(dir.resolve("lab.env"))) {
      fail("the interop lab is not up: " + dir.resolve("lab.env") + " does not exist. Run `interop/lab.sh up` "
          + "as root first (and `interop/lab.sh down` afterwards), or disable the suite explicitly with "
          + "-Ddane4j.interop.skip=true.");
    }
    try {
      return new Lab(dir);
    } catch (IOException e) {
      return fail("cannot read the interop lab's " + dir.resolve("lab.env") + ": " + e, e);
    }
  }

  /** Fails with the command to run when lab.env is there but unbound or Postfix does not answer. */
  void assertAlive(DaneResolver resolver) {
    String problem;
    try {
      var answer = resolver.lookup("ee.sec.test.", org.xbill.DNS.Type.MX).get(15, java.util.concurrent.TimeUnit.SECONDS);
      problem = answer.secureData() ? null : "unbound gave no secure MX for ee.sec.test: " + answer;
    } catch (Exception e) {
      problem = "unbound at " + unbound() + " does not answer: " + e;
    }
    if (problem == null) {
      String ip = env.getProperty("scenario.ee").split(" ")[2];
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(new InetSocketAddress(ip, 25), 3000);
      } catch (IOException e) {
        problem = "Postfix does not listen on " + ip + ":25: " + e;
      }
    }
    if (problem != null) {
      fail("the interop lab in " + dir + " is not working (" + problem + "). Restart it: `interop/lab.sh down; "
          + "interop/lab.sh up`; logs are in " + dir + " (nsd.log, unbound.log, postfix.log).");
    }
  }

  InetSocketAddress unbound() {
    return new InetSocketAddress(env.getProperty("unbound"), 53);
  }

  Path trustAnchor() {
    return Path.of(env.getProperty("trust.anchor"));
  }

  /** Postfix's log (maillog_file), written by postlogd. */
  Path postfixLog() {
    return dir.resolve("postfix.log");
  }

  /** The mbox file Postfix's virtual(8) appends every received message to. */
  Path mailbox() {
    return Path.of(env.getProperty("mailbox"));
  }

  Path resolvConf() {
    return Path.of(env.getProperty("resolv.conf"));
  }

  Path postfixConfig() {
    return dir.resolve("postfix/etc");
  }

  /** In-process DNSSEC validation from the lab's private root anchor; upstream unbound (sent CD queries). */
  DaneResolver validatingResolver() {
    return DaneResolver.builder().servers(unbound()).trustAnchors(trustAnchor())
        .timeout(Duration.ofSeconds(3)).retries(1).build();
  }

  /** Trusts unbound's AD bit (unbound validates from the same private anchor). */
  DaneResolver adTrustingResolver() {
    return DaneResolver.builder().servers(unbound()).trustAd()
        .timeout(Duration.ofSeconds(3)).retries(1).build();
  }
}
