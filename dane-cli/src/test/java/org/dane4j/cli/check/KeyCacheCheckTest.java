package org.dane4j.cli.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dane4j.cli.CliRun;
import org.dane4j.cli.demo.DemoLab;
import org.dane4j.cli.dnssec.DnssecLintHook;
import org.dane4j.testkit.MintedCertificate;
import org.dane4j.testkit.MiniJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/**
 * The commands' DNSSEC key cache ($XDG_CACHE_HOME/dane4j/dnssec-keys; the build points XDG_CACHE_HOME into
 * target/): a second run asks fewer key questions, and what {@code check} reports, its DNSSEC lint included,
 * is the same with and without it.
 */
class KeyCacheCheckTest {
  private static final String GOOD = "good." + DemoLab.SIGNED;

  private static DemoLab lab;
  @TempDir
  static Path dir;
  private static Path anchor;

  @BeforeAll
  static void startLab() throws IOException {
    lab = new DemoLab();
    MintedCertificate leaf = lab.leaf("mx." + GOOD);
    lab.mx(GOOD, "mx." + GOOD, leaf, b -> b);
    lab.tlsa("mx." + GOOD, DemoLab.ee311(leaf).toString(), DemoLab.ta211(lab.issuer()).toString());
    anchor = Files.writeString(dir.resolve("root.ds"), lab.trustAnchor());
  }

  @AfterAll
  static void stopLab() {
    lab.close();
  }

  private static CliRun check(String... extra) {
    List<String> args = new ArrayList<>(List.of("check", "--resolver",
        "127.0.0.1:" + lab.dns().address().getPort(), "--trust-anchor", anchor.toString(), "--timeout", "2",
        "--port", Integer.toString(lab.port()), "--json"));
    args.addAll(List.of(extra));
    args.add(GOOD);
    return CliRun.of(args.toArray(new String[0]));
  }

  private static int keyQuestions() {
    int n = 0;
    for (String zone : List.of(".", DemoLab.SIGNED.substring(DemoLab.SIGNED.indexOf('.') + 1) + ".",
        DemoLab.SIGNED + ".")) {
      n += lab.dns().queryCount(zone, Type.DNSKEY) + lab.dns().queryCount(zone, Type.DS);
    }
    return n;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> withoutTimes(CliRun run) {
    Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(run.out());
    doc.remove("elapsed_ms");
    return doc;
  }

  @Test
  @DisplayName("DNS-3: check keeps the chain's keys between runs in the key cache (--no-key-cache: neither read nor"
      + " written); its DNSSEC lint still asks the upstream every question and reports the same")
  void dns3_keyCacheSavesKeyQuestionsAndChangesNoReport() throws IOException {
    String xdg = System.getenv("XDG_CACHE_HOME");
    assumeThat(xdg).as("XDG_CACHE_HOME set by the build").isNotNull();
    Path file = Path.of(xdg, "dane4j", "dnssec-keys");
    Files.deleteIfExists(file);

    lab.dns().resetCounters();
    CliRun without = check("--no-key-cache");
    int keysWithout = keyQuestions();
    assertThat(without.exitCode()).as(without.err()).isZero();
    assertThat(file).doesNotExist();

    CliRun first = check(); // writes the file
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(file).exists();

    lab.dns().resetCounters();
    CliRun warm = check();
    assertThat(warm.exitCode()).as(warm.err()).isZero();
    assertThat(warm.err()).isEmpty();
    // the lint's own DS and DNSKEY questions go to the upstream, never to the file: as many as without it
    assertThat(keyQuestions()).isEqualTo(keysWithout);
    Map<String, Object> a = withoutTimes(without);
    Map<String, Object> b = withoutTimes(warm);
    assertThat(b.get(DnssecLintHook.JSON_KEY)).isNotNull().isEqualTo(a.get(DnssecLintHook.JSON_KEY));
    assertThat(b).isEqualTo(a);

    // without the lint, the plan's chain of trust comes from the file
    lab.dns().resetCounters();
    CliRun plainWithout = check("--no-dnssec-lint", "--no-key-cache");
    int planKeysWithout = keyQuestions();
    lab.dns().resetCounters();
    CliRun plainWarm = check("--no-dnssec-lint");
    int planKeysWarm = keyQuestions();
    assertThat(plainWithout.exitCode()).isZero();
    assertThat(plainWarm.exitCode()).isZero();
    assertThat(planKeysWithout).isPositive();
    assertThat(planKeysWarm).isZero();
    assertThat(withoutTimes(plainWarm)).isEqualTo(withoutTimes(plainWithout));
  }
}
