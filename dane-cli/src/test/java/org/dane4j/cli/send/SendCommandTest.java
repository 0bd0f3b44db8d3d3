package org.dane4j.cli.send;

import org.dane4j.testkit.MiniJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dane4j.cli.CliRun;
import org.dane4j.cli.ExitCodes;
import org.dane4j.cli.demo.DemoLab;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.smtp.SmtpTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dane4j send} end to end: a signed DNS world and SMTP servers on loopback, the command run in
 * process with the lab's resolver and trust anchor on its command line.
 */
class SendCommandTest {
  private static final String GOOD = "good." + DemoLab.SIGNED;
  private static final String NOMATCH = "nomatch." + DemoLab.SIGNED;
  private static final String REJECTS = "rejects." + DemoLab.SIGNED;
  private static final String BODY = "body-marker-5e1f";

  private static DemoLab lab;
  private static SmtpTestServer good;
  private static SmtpTestServer nomatch;
  private static SmtpTestServer rejects;
  private static MintedCertificate goodLeaf;
  @TempDir
  static Path dir;
  private static Path anchor;

  @BeforeAll
  static void startLab() throws IOException {
    lab = new DemoLab();
    goodLeaf = lab.leaf("mx." + GOOD);
    good = lab.mx(GOOD, "mx." + GOOD, goodLeaf, b -> b);
    lab.tlsa("mx." + GOOD, DemoLab.ee311(goodLeaf).toString());
    nomatch = lab.mx(NOMATCH, "mx." + NOMATCH, lab.leaf("mx." + NOMATCH), b -> b);
    lab.tlsa("mx." + NOMATCH, DemoLab.ee311(lab.leaf("mx." + NOMATCH)).toString());
    MintedCertificate rejectsLeaf = lab.leaf("mx." + REJECTS);
    rejects = lab.mx(REJECTS, "mx." + REJECTS, rejectsLeaf, b -> b.replyTo("RCPT", "550 5.1.1 no such user"));
    lab.tlsa("mx." + REJECTS, DemoLab.ee311(rejectsLeaf).toString());
    lab.dns();
    anchor = Files.writeString(dir.resolve("root.ds"), lab.trustAnchor());
  }

  @AfterAll
  static void stopLab() {
    lab.close();
  }

  private static CliRun send(String... extra) {
    List<String> args = new ArrayList<>(List.of("send", "--resolver",
        "127.0.0.1:" + lab.dns().address().getPort(), "--trust-anchor", anchor.toString(), "--timeout", "2",
        "--mx-port", Integer.toString(lab.port()), "--from", "alice@sender." + DemoLab.SIGNED));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(new String[0]));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(CliRun run) {
    return (Map<String, Object>) MiniJson.parse(run.out());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> onlyRecipient(Map<String, Object> doc) {
    List<Object> recipients = (List<Object>) doc.get("recipients");
    assertThat(recipients).hasSize(1);
    return (Map<String, Object>) recipients.get(0);
  }

  @Test
  void deliveredVerifiedExitsZeroWithTheJsonFields() throws InterruptedException {
    CliRun run = send("--to", "bob@" + GOOD, "--subject", "hi", "--body", "hello " + BODY, "--json");

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    Map<String, Object> doc = json(run);
    assertThat(doc).containsEntry("command", "send").containsEntry("mode", "direct")
        .containsEntry("status", "delivered").containsEntry("exit_code", 0L);
    Map<String, Object> r = onlyRecipient(doc);
    assertThat(r.keySet()).startsWith("recipient", "domain", "status", "mx_host", "address", "requirement",
        "verdict", "tlsa_match", "failure_type", "transient", "reason", "attempts");
    assertThat(r).containsEntry("recipient", "bob@" + GOOD).containsEntry("domain", GOOD)
        .containsEntry("status", "delivered").containsEntry("mx_host", "mx." + GOOD)
        .containsEntry("address", good.address().getAddress().getHostAddress())
        .containsEntry("requirement", "dane").containsEntry("verdict", "verified")
        .containsEntry("tlsa_match", DemoLab.ee311(goodLeaf).toString()).containsEntry("failure_type", null)
        .containsEntry("transient", false);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> attempts = (List<Map<String, Object>>) r.get("attempts");
    assertThat(attempts).singleElement().satisfies(a -> assertThat(a)
        .containsEntry("verdict", "verified").containsEntry("port", (long) lab.port())
        .containsEntry("tlsa_match", DemoLab.ee311(goodLeaf).toString()));
    good.awaitConnectionsClosed(Duration.ofSeconds(5));
    assertThat(good.messages()).anySatisfy(m -> {
      assertThat(m.tls()).isTrue();
      assertThat(m.text()).contains(BODY).contains("Subject: hi");
      assertThat(m.mailFrom()).isEqualTo("alice@sender." + DemoLab.SIGNED);
    });
  }

  @Test
  @DisplayName("OUT-1: send --json is core's versioned report document, with the command's fields after the version")
  void out1_sendJsonIsTheCoreReportDocument() {
    CliRun run = send("--to", "kim@" + GOOD, "--to", "lee@" + GOOD, "--json");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    Map<String, Object> doc = json(run);
    assertThat(doc.keySet()).containsExactly("schema_version", "command", "mode", "from", "require_tls", "exit_code",
        "status",
        "dnssec_validation", "dnssec_explanation", "summary", "recipients");
    assertThat(doc).containsEntry("schema_version", 1L).containsEntry("from", "alice@sender." + DemoLab.SIGNED)
        .containsEntry("dnssec_validation", "validating");
    @SuppressWarnings("unchecked")
    Map<String, Object> summary = (Map<String, Object>) doc.get("summary");
    assertThat(summary).containsEntry("recipients", 2L).containsEntry("delivered", 2L)
        .containsEntry("deferred", 0L).containsEntry("failed", 0L).containsEntry("attempts", 1L)
        .containsEntry("handshakes", 1L).containsEntry("reused_connections", 0L);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> recipients = (List<Map<String, Object>>) doc.get("recipients");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> attempts = (List<Map<String, Object>>) recipients.get(0).get("attempts");
    assertThat(attempts).singleElement().satisfies(a -> assertThat(a).containsEntry("host", "mx." + GOOD)
        .containsEntry("match_depth", 0L).containsEntry("reused_connection", false));
  }

  @Test
  @DisplayName("IN-1: in send --json a --to with a CR is escaped, and parses back to the address as given")
  void in1_recipientWithACrIsEscapedInTheJson() {
    CliRun run = send("--to", "ivy\r@" + GOOD, "--to", "jack@" + GOOD, "--json");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.FAILED);
    assertThat(run.out()).doesNotContain("\r").contains("\"ivy\\r@" + GOOD + "\"");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> recipients = (List<Map<String, Object>>) json(run).get("recipients");
    assertThat(recipients).extracting(m -> m.get("recipient")).containsExactly("ivy\r@" + GOOD, "jack@" + GOOD);
    assertThat(recipients).extracting(m -> m.get("status")).containsExactly("failed", "delivered");
  }

  @Test
  void deliveredAsATable() {
    CliRun run = send("--to", "carol@" + GOOD);

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("RECIPIENT ").contains("STATUS").contains("DNS SAYS")
        .containsPattern("carol@" + GOOD.replace(".", "\\.") + " +delivered +mx\\." + GOOD.replace(".", "\\.")
            + " +127\\.0\\.0\\.\\d+ +dane +verified +3 1 1 [0-9a-f]{12}\\.\\.\\.")
        .contains("1 of 1 recipients delivered; 0 deferred, 0 failed.");
  }

  @Test
  void noTlsaMatchIsDeferredExitOneAndNothingSentInCleartext() throws InterruptedException {
    CliRun run = send("--to", "bob@" + NOMATCH, "--body", BODY, "--json");

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isEqualTo(ExitCodes.DEFERRED);
    Map<String, Object> r = onlyRecipient(json(run));
    assertThat(r).containsEntry("status", "deferred").containsEntry("requirement", "dane")
        .containsEntry("verdict", "failed").containsEntry("tlsa_match", null)
        .containsEntry("failure_type", "certificate-not-trusted").containsEntry("transient", true);
    assertThat((String) r.get("reason")).contains("no TLSA record matches");
    nomatch.awaitConnectionsClosed(Duration.ofSeconds(5));
    assertThat(nomatch.cleartextBytes()).doesNotContainIgnoringCase("MAIL FROM").doesNotContain(BODY);
    assertThat(nomatch.messages()).isEmpty();
  }

  @Test
  void rcpt550IsFailedExitTwo() {
    CliRun run = send("--to", "nobody@" + REJECTS, "--json");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILED);
    Map<String, Object> doc = json(run);
    assertThat(doc).containsEntry("status", "failed").containsEntry("exit_code", 2L);
    Map<String, Object> r = onlyRecipient(doc);
    assertThat(r).containsEntry("status", "failed").containsEntry("verdict", "verified")
        .containsEntry("transient", false);
    assertThat((String) r.get("reason")).contains("550");
    assertThat(rejects.messages()).isEmpty();
  }

  @Test
  void mixedOutcomesKeepTheOrderAndTheWorstExitCode() {
    CliRun run = send("--to", "dave@" + GOOD, "--to", "dave@" + NOMATCH, "--to", "dave@" + REJECTS, "--json");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILED);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> recipients = (List<Map<String, Object>>) json(run).get("recipients");
    assertThat(recipients).extracting(m -> m.get("status")).containsExactly("delivered", "deferred", "failed");
  }

  @Test
  void emlFileIsSentAsItIs(@TempDir Path tmp) throws IOException, InterruptedException {
    Path eml = Files.writeString(tmp.resolve("m.eml"), "From: alice@sender.dane4j.test\r\nTo: x@y.test\r\n"
        + "Subject: from a file\r\n\r\nfile body eml-7731\r\n");
    CliRun run = send("--to", "erin@" + GOOD, "--eml", eml.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    good.awaitConnectionsClosed(Duration.ofSeconds(5));
    assertThat(good.messages()).anySatisfy(m -> assertThat(m.text()).contains("eml-7731")
        .contains("Subject: from a file"));
  }

  @Test
  void relayModeAuthenticatesTheRelayByItsTlsa() throws InterruptedException {
    CliRun run = send("--relay", "mx." + GOOD + ":" + lab.port(), "--to", "frank@elsewhere.example", "--json");

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    Map<String, Object> doc = json(run);
    assertThat(doc).containsEntry("mode", "relay");
    assertThat(onlyRecipient(doc)).containsEntry("status", "delivered").containsEntry("domain", "elsewhere.example")
        .containsEntry("mx_host", "mx." + GOOD).containsEntry("verdict", "verified")
        .containsEntry("requirement", "dane");
    good.awaitConnectionsClosed(Duration.ofSeconds(5));
    assertThat(good.messages()).anySatisfy(m -> assertThat(m.rcptTo()).containsExactly("frank@elsewhere.example"));
  }

  @Test
  void relayWithoutATlsaMatchIsDeferred() {
    CliRun run = send("--relay", "mx." + NOMATCH + ":" + lab.port(), "--to", "frank@elsewhere.example");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.DEFERRED);
    assertThat(run.out()).containsPattern("frank@elsewhere\\.example +deferred +mx\\.nomatch")
        .contains("[certificate-not-trusted]");
  }

  @Test
  void verboseAddsTheStackTrace(@TempDir Path tmp) {
    CliRun plain = CliRun.of("send", "--from", "a@b.test", "--to", "c@d.test", "--trust-anchor",
        tmp.resolve("gone").toString());
    CliRun verbose = CliRun.of("send", "--verbose", "--from", "a@b.test", "--to", "c@d.test", "--trust-anchor",
        tmp.resolve("gone").toString());

    assertThat(plain.err()).hasLineCount(1).doesNotContain("\tat ");
    assertThat(verbose.err()).startsWith(plain.err()).contains("CommandException").contains("\tat ");
  }

  @Test
  void noToIsAUsageErrorOnOneLine() {
    CliRun run = CliRun.of("send", "--from", "a@b.test");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).startsWith("dane4j send: Missing required option: '--to=ADDRESS'").hasLineCount(1);
    assertThat(run.out()).isEmpty();
  }

  @Test
  void unreadableEmlExits66OnOneLine() {
    Path missing = dir.resolve("missing.eml");
    CliRun run = send("--to", "bob@" + GOOD, "--eml", missing.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(run.err()).isEqualTo("dane4j send: cannot read --eml file " + missing + System.lineSeparator());
  }

  @Test
  void resolverGivenAsANameIsAUsageErrorAndNotLookedUp() {
    CliRun run = CliRun.of("send", "--resolver", "dns.google", "--from", "a@b.test", "--to", "c@d.test");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).startsWith("dane4j send: ").contains("'dns.google' is not an IP address")
        .hasLineCount(1);
  }

  @Test
  @DisplayName("IN-1: a --from that is not an address fails every recipient, before any lookup or connection")
  void in1_senderThatIsNotAnAddressFailsEveryRecipient() {
    CliRun run = CliRun.of("send", "--from", "not an address", "--to", "c@d.test");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(run.out()).containsPattern("c@d\\.test +failed")
        .contains("envelope sender \"not an address\" refused before sending")
        .contains("0 of 1 recipients delivered; 0 deferred, 1 failed.");
  }

  @Test
  @DisplayName("IN-1: an address literal --to beside a delivered one: delivered + failed, exit 2 (not 70)")
  void in1_addressLiteralRecipientIsFailedNotAnInternalError() {
    CliRun run = send("--to", "gina@" + GOOD, "--to", "carol@[192.0.2.1]", "--json");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.FAILED);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> recipients = (List<Map<String, Object>>) json(run).get("recipients");
    assertThat(recipients).extracting(m -> m.get("recipient")).containsExactly("gina@" + GOOD, "carol@[192.0.2.1]");
    assertThat(recipients).extracting(m -> m.get("status")).containsExactly("delivered", "failed");
    assertThat((String) recipients.get(1).get("reason")).contains("address literal").contains("no MX or TLSA record");
    assertThat(recipients.get(1)).containsEntry("transient", false).containsEntry("mx_host", null);
  }

  @Test
  @DisplayName("IN-1: a CR in --from fails every recipient permanently, and no server is connected to")
  void in1_crInSenderFailsBeforeConnecting() {
    int before = good.connectionCount();
    CliRun run = CliRun.of("send", "--resolver", "127.0.0.1:" + lab.dns().address().getPort(), "--trust-anchor",
        anchor.toString(), "--timeout", "2", "--mx-port", Integer.toString(lab.port()),
        "--from", "alice\r@sender." + DemoLab.SIGNED, "--to", "hank@" + GOOD, "--json");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.FAILED);
    Map<String, Object> r = onlyRecipient(json(run));
    assertThat(r).containsEntry("status", "failed").containsEntry("transient", false);
    assertThat((String) r.get("reason")).contains("envelope sender").contains("control character (CR)");
    assertThat(good.connectionCount()).isEqualTo(before);
  }

  @Test
  @DisplayName("IN-1: a --to with a CR fails alone, is shown escaped, and the other --to is delivered")
  void in1_recipientWithACrFailsAloneAndIsPrintedEscaped() {
    CliRun run = send("--to", "ivy\r@" + GOOD, "--to", "jack@" + GOOD);

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.FAILED);
    assertThat(run.out()).doesNotContain("\r").containsPattern("ivy\\\\x0D@good\\S* +failed")
        .containsPattern("jack@good\\S* +delivered").contains("control character (CR)")
        .contains("1 of 2 recipients delivered; 0 deferred, 1 failed.");
  }

  @Test
  void bodyAndEmlTogetherAreAUsageError() {
    CliRun run = CliRun.of("send", "--from", "a@b.test", "--to", "c@d.test", "--body", "x", "--eml", "f");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("mutually exclusive").hasLineCount(1);
  }

  @Test
  void unreadableTrustAnchorExits66() {
    CliRun run = CliRun.of("send", "--trust-anchor", dir.resolve("nope").toString(), "--resolver", "127.0.0.1",
        "--from", "a@b.test", "--to", "c@d.test");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(run.err()).startsWith("dane4j send: cannot read trust anchor file").hasLineCount(1);
  }

  @Test
  void resolverLiteralsParseWithoutLookups() {
    assertThat(org.dane4j.cli.CommonOptions.ResolverAddress.parse("192.0.2.1", 53).toString())
        .isEqualTo("/192.0.2.1:53");
    assertThat(org.dane4j.cli.CommonOptions.ResolverAddress.parse("192.0.2.1:5353", 53).getPort()).isEqualTo(5353);
    assertThat(org.dane4j.cli.CommonOptions.ResolverAddress.parse("[2001:db8::1]:5353", 53).getPort())
        .isEqualTo(5353);
    assertThat(org.dane4j.cli.CommonOptions.ResolverAddress.parse("2001:db8::1", 53).getAddress().getHostAddress())
        .isEqualTo("2001:db8:0:0:0:0:0:1");
  }
}
