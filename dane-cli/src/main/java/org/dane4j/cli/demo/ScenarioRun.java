package org.dane4j.cli.demo;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.dane4j.testkit.TlsTestServer;
import org.dane4j.tlsa.DaneTrustManager;
import org.dane4j.tlsa.DaneVerification;
import org.dane4j.tlsa.TlsaRecord;

/** Runs one {@link Scenario} against the demo server and prints what happened, a few lines. */
final class ScenarioRun {
  private static final Duration SERVER_WAIT = Duration.ofSeconds(5);

  private final Scenario scenario;
  private final TlsTestServer server;
  private final PrintWriter out;

  ScenarioRun(Scenario scenario, TlsTestServer server, PrintWriter out) {
    this.scenario = scenario;
    this.server = server;
    this.out = out;
  }

  /** Runs the handshake and prints it; true when the outcome is the expected one. */
  boolean run() {
    int receivedBefore = server.received().length();
    int failedBefore = server.failedHandshakes();
    DaneTrustManager trustManager = DaneTrustManager.builder().tlsa(scenario.records())
        .referenceNames(scenario.referenceName()).build();
    HandshakeProbe.Outcome outcome = HandshakeProbe.connect(server.address(), DemoPki.HOST, trustManager);
    out.println();
    out.println(scenario.title());
    out.println("    client: TLSA " + abbreviate(scenario.records().get(0)) + ", reference name "
        + scenario.referenceName());
    out.println("    result: " + result(outcome.verification()));
    outcome.verification().ifPresent(v -> out.println("    why: " + v.reason()));
    boolean expected = scenario.expected(outcome.verification());
    if (outcome.protocol().isEmpty()) {
      expected &= reportRefusal(outcome, receivedBefore, failedBefore);
    } else {
      int sent = HandshakeProbe.CLIENT_LINE.length() + 2;
      // Wait for the server to record the line, so the next scenario starts from a settled count.
      await(() -> server.received().length() >= receivedBefore + sent);
      out.println("    " + outcome.protocol() + "; server greeting \"" + outcome.greeting() + "\"; sent \""
          + HandshakeProbe.CLIENT_LINE + "\"");
      expected &= outcome.greeting().startsWith("220 ");
    }
    out.println(expected ? "    => as expected"
        : "    => UNEXPECTED: should have been " + scenario.expectation());
    return expected;
  }

  /** After a failed handshake: the refusal's report, and proof that no application byte got through. */
  private boolean reportRefusal(HandshakeProbe.Outcome outcome, int receivedBefore, int failedBefore) {
    outcome.error().filter(e -> outcome.refusal().isEmpty())
        .ifPresent(e -> out.println("    connection error: " + e));
    boolean serverSawIt = await(() -> server.failedHandshakes() > failedBefore);
    int leaked = server.received().length() - receivedBefore;
    out.println("    handshake refused; the server received " + leaked + " application bytes"
        + (serverSawIt ? "" : " (it did not report the failed handshake)"));
    outcome.refusal().ifPresent(refusal -> {
      out.println("    DaneCertificateException report:");
      refusal.verification().report().lines().forEach(line -> out.println("    " + line));
    });
    return leaked == 0 && serverSawIt && outcome.refusal().isPresent();
  }

  private static String result(Optional<DaneVerification> verification) {
    if (verification.isEmpty()) {
      return "no DANE verification took place";
    }
    DaneVerification v = verification.get();
    String match = v.matchedRecord().map(r -> "matched " + abbreviate(r) + " at depth " + v.matchDepth())
        .orElse("no record matched");
    return v.verified() ? "verified, " + match : "failed (" + v.failureType().orElseThrow() + "), " + match;
  }

  private static String abbreviate(TlsaRecord record) {
    String hex = record.dataHex();
    return record.usage().value() + " " + record.selector().value() + " " + record.matchingType().value()
        + " " + (hex.length() > 16 ? hex.substring(0, 16) + "..." : hex);
  }

  private static boolean await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + SERVER_WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }
}
