package org.dane4j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dane4j.cli.Dane4j;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The DNSSEC lint of {@code dane4j check} (#16) against zones signed by ldns-signzone and served by nsd, through
 * the validating unbound: {@code n3weak.test.} (NSEC3 10 iterations and a salt, a SHA-1 DS only) is flagged,
 * while delivery to it still verifies; the NSEC3 zone {@code n3.test.} (0 iterations, no salt) and the NSEC zone
 * {@code sec.test.} are clean.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DnssecLintInteropTest {
  private Lab lab;

  @BeforeAll
  void lab() {
    lab = Lab.get();
  }

  /** {@code dane4j check --json}, validating in process from the lab's root anchor, via unbound. */
  private String check(String domain, String... extra) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cmd = Dane4j.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    List<String> args = new ArrayList<>(List.of("check", "--resolver", lab.unbound().getAddress().getHostAddress(),
        "--trust-anchor", lab.env.getProperty("trust.anchor"), "--json", "--timeout", "5", "--ehlo",
        "client.interop.test"));
    args.addAll(List.of(extra));
    args.add(domain);
    int exit = cmd.execute(args.toArray(String[]::new));
    assertThat(exit).as("exit of dane4j check %s: %s %s", domain, out, err).isZero();
    return out.toString();
  }

  private static List<String> lintCodes(String json) {
    String lint = json.substring(json.indexOf("\"dnssec_lint\""));
    Matcher m = Pattern.compile("\"code\"\\s*:\\s*\"([A-Z0-9_]+)\"").matcher(lint);
    List<String> codes = new ArrayList<>();
    while (m.find()) {
      codes.add(m.group(1));
    }
    return codes;
  }

  @Test
  @DisplayName("#16: NSEC3 iterations, salt and a SHA-1 DS made by ldns are flagged; DANE still verifies")
  void weakZoneFlagged() {
    String json = check("n3weak.test");
    assertThat(lintCodes(json)).as(json).contains("NSEC3_ITERATIONS", "NSEC3_SALT", "DS_DIGEST_MUST_NOT");
    assertThat(json).contains("\"verdict\": \"verified\"").contains("NSEC3 iterations 10 salt aabbccdd")
        .contains("digest 1 (SHA-1)");
  }

  @Test
  @DisplayName("#16: the lab's NSEC3 zone (0 iterations, no salt) and NSEC zone give no DNSSEC finding")
  void cleanZones() {
    for (String domain : List.of("ee.n3.test", "ee.sec.test")) {
      String json = check(domain);
      assertThat(lintCodes(json)).as(json).isEmpty();
    }
  }

  @Test
  @DisplayName("#16: with --trust-ad through the validating unbound the lint gives the same findings")
  void trustAd() {
    StringWriter out = new StringWriter();
    picocli.CommandLine cmd = Dane4j.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(new StringWriter(), true));
    int exit = cmd.execute("check", "--resolver", lab.unbound().getAddress().getHostAddress(), "--trust-ad",
        "--json", "--timeout", "5", "--ehlo", "client.interop.test", "n3weak.test");
    assertThat(exit).as("%s", out).isZero();
    assertThat(lintCodes(out.toString())).as("%s", out).contains("NSEC3_ITERATIONS", "NSEC3_SALT",
        "DS_DIGEST_MUST_NOT");
  }
}
