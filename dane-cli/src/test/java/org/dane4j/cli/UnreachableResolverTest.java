package org.dane4j.cli;

import org.dane4j.testkit.MiniJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every command that queries DNS, pointed at a resolver that cannot answer: (a) a loopback port where
 * nothing listens, (b) a loopback "server" that never answers (a bound, silent UDP socket and a listening
 * TCP socket that never replies). Each must end with one line naming the resolver (and the timeout, when
 * that is what ran out), exit with its lookup-failure code, print no stack trace, and never take the failed
 * lookups for "no records" (no "opportunistic", no "no DANE").
 */
class UnreachableResolverTest {
  private static final String DOMAIN = "example.org";
  private static int closedPort;
  private static DatagramSocket silentUdp;
  private static ServerSocket silentTcp;

  @BeforeAll
  static void sockets() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    for (int i = 0; silentTcp == null; i++) { // the same port for UDP and TCP, as a DNS server has
      silentUdp = new DatagramSocket(new InetSocketAddress(loopback, 0));
      try {
        silentTcp = new ServerSocket(silentUdp.getLocalPort(), 50, loopback); // accepts (backlog), never reads
      } catch (IOException e) {
        silentUdp.close();
        if (i == 20) {
          throw e;
        }
      }
    }
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
      closedPort = s.getLocalPort(); // free again once closed: nothing listens there, UDP or TCP
    }
  }

  @AfterAll
  static void close() throws IOException {
    silentUdp.close();
    silentTcp.close();
  }

  /** The command (without common options), its lookup-failure exit code, and words it must not print. */
  static Stream<Arguments> commands() {
    List<Arguments> all = new ArrayList<>();
    for (boolean silent : new boolean[] {false, true}) {
      all.add(Arguments.of(silent, List.of("send", "--from", "a@sender.example", "--to", "b@" + DOMAIN,
          "--body", "x"), ExitCodes.DEFERRED));
      all.add(Arguments.of(silent, List.of("send", "--from", "a@sender.example", "--to", "b@" + DOMAIN,
          "--relay", "relay." + DOMAIN), ExitCodes.DEFERRED));
      all.add(Arguments.of(silent, List.of("check", DOMAIN), ExitCodes.FAILED));
      all.add(Arguments.of(silent, List.of("monitor", DOMAIN), 3));
      all.add(Arguments.of(silent, List.of("tlsa", "verify", "mx." + DOMAIN), 3));
    }
    return all.stream();
  }

  private static CliRun run(boolean silent, List<String> command, String... extra) {
    List<String> args = new ArrayList<>(command);
    args.addAll(List.of("--resolver", resolver(silent), "--timeout", "1"));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(new String[0]));
  }

  private static String resolver(boolean silent) {
    return "127.0.0.1:" + (silent ? silentUdp.getLocalPort() : closedPort);
  }

  @ParameterizedTest(name = "{1}, silent resolver: {0}")
  @MethodSource("commands")
  @Timeout(120)
  void endsWithOneLineNamingTheResolver(boolean silent, List<String> command, int exitCode) {
    CliRun run = run(silent, command);

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(exitCode);
    String[] lines = run.err().split("\\R");
    String last = lines[lines.length - 1];
    String name = "dane4j " + String.join(" ", command.subList(0, command.get(0).equals("tlsa") ? 2 : 1));
    assertThat(last).as(run.err()).startsWith(name + ": DNS lookups failed (not \"no records\"): the resolver "
        + resolver(silent)).contains(silent ? "did not answer within 1 s (--timeout)" : "refused the queries");
    assertThat(run.err()).as("one line only").hasLineCount(1);
    assertThat(run.out() + run.err()).doesNotContain("\tat ").doesNotContainIgnoringCase("opportunistic")
        .doesNotContain("no DANE").doesNotContain("no-dane").doesNotContain("DANE OK").doesNotContain("delivered 1");
    if (command.get(0).equals("check")) { // no empty table when the MX lookup itself failed
      assertThat(run.out()).contains("No MX host to check.").doesNotContain("MX HOST");
    }
  }

  @ParameterizedTest(name = "{1} --json, silent resolver: {0}")
  @MethodSource("commands")
  @Timeout(120)
  void jsonKeepsStdoutOneDocumentAndNeverSaysNoRecords(boolean silent, List<String> command, int exitCode) {
    CliRun run = run(silent, command, "--json");

    assertThat(run.exitCode()).isEqualTo(exitCode);
    @SuppressWarnings("unchecked")
    Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(run.out());
    assertThat(doc).doesNotContainEntry("verdict", "opportunistic").doesNotContainEntry("result", "no-dane")
        .doesNotContainEntry("requirement", "opportunistic").doesNotContainEntry("state", "OK");
    assertThat(run.out()).doesNotContain("\"opportunistic\"").doesNotContain("\"insecure\"")
        .doesNotContain("\"secure\"");
    assertThat(run.err()).hasLineCount(1).contains(resolver(silent));
  }
}
