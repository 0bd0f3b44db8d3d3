package org.dane4j.cli.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dane4j.cli.CliRun;
import org.dane4j.cli.demo.DemoLab;
import org.dane4j.testkit.CertificateMinter;
import org.dane4j.testkit.MintedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #16: {@code monitor --openmetrics} writes an exposition that a strict reading of the OpenMetrics 1.0
 * text format accepts ({@link #parse}), with the per-host gauges the issue asks for.
 */
class OpenMetricsTest {
  private static final String GOOD = "good." + DemoLab.SIGNED;
  private static final String DUAL = "dual." + DemoLab.SIGNED;

  private static DemoLab lab;
  @TempDir
  static Path dir;
  private static Path anchor;

  @BeforeAll
  static void startLab() throws IOException {
    lab = new DemoLab();
    MintedCertificate goodLeaf = lab.leaf("mx." + GOOD);
    lab.mx(GOOD, "mx." + GOOD, goodLeaf, b -> b);
    lab.tlsa("mx." + GOOD, DemoLab.ee311(goodLeaf).toString(), DemoLab.ta211(lab.issuer()).toString());
    MintedCertificate ec = lab.leaf("mx." + DUAL);
    MintedCertificate rsa = CertificateMinter.certificate().dnsNames("mx." + DUAL).issuer(lab.issuer()).rsa(2048)
        .mint();
    lab.mx(DUAL, "mx." + DUAL, ec, b -> b.additionalCertificate(rsa));
    // only the ECDSA key's 3 1 1 (a 2 1 1 of the lab's CA would cover the RSA certificate as well)
    lab.tlsa("mx." + DUAL, DemoLab.ee311(ec).toString());
    anchor = Files.writeString(dir.resolve("root.ds"), lab.trustAnchor());
  }

  @AfterAll
  static void stopLab() {
    lab.close();
  }

  private static CliRun monitor(String... extra) {
    List<String> args = new ArrayList<>(List.of("monitor", "--resolver", "127.0.0.1:" + lab.dns().address().getPort(),
        "--trust-anchor", anchor.toString(), "--timeout", "2", "--port", Integer.toString(lab.port())));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(new String[0]));
  }

  @Test
  @DisplayName("#16: monitor --openmetrics parses strictly and holds the per-host gauges")
  void openMetricsParsesWithPerHostGauges() {
    CliRun run = monitor("--openmetrics", GOOD, DUAL);

    assertThat(run.exitCode()).as(run.err()).isEqualTo(2); // DUAL's RSA certificate is not covered
    Map<String, Map<String, Double>> m = parse(run.out());
    String good = "domain=\"" + GOOD + "\",mx_host=\"mx." + GOOD + "\"";
    String goodAt = good + ",address=\"127.0.0.2\"";
    assertThat(m.get("dane4j_monitor_state")).containsEntry("state=\"CRITICAL\"", 1.0)
        .containsEntry("state=\"OK\"", 0.0).hasSize(4);
    assertThat(m.get("dane4j_host_state")).containsEntry(good + ",state=\"OK\"", 1.0)
        .containsEntry("domain=\"" + DUAL + "\",mx_host=\"mx." + DUAL + "\",state=\"CRITICAL\"", 1.0);
    assertThat(m.get("dane4j_verdict")).containsEntry(goodAt + ",verdict=\"verified\"", 1.0)
        .containsEntry(goodAt + ",verdict=\"failed\"", 0.0);
    assertThat(m.get("dane4j_tlsa_records")).containsEntry(good, 2.0);
    assertThat(m.get("dane4j_tlsa_records_valid")).containsEntry(goodAt, 2.0);
    assertThat(m.get("dane4j_certificate_days_left").get(goodAt)).isBetween(300.0, 366.0);
    assertThat(m.get("dane4j_certificate_expiry_timestamp_seconds")).containsKey(goodAt);
    assertThat(m.get("dane4j_key_type_covered"))
        .containsEntry("domain=\"" + DUAL + "\",mx_host=\"mx." + DUAL + "\",address=\"127.0.0.3\",key_type=\"RSA\"", 0.0)
        .containsEntry("domain=\"" + DUAL + "\",mx_host=\"mx." + DUAL + "\",address=\"127.0.0.3\",key_type=\"ECDSA\"", 1.0);
    assertThat(m.get("dane4j_problems"))
        .containsEntry("domain=\"" + DUAL + "\",code=\"KEY_TYPE_NOT_COVERED\",state=\"CRITICAL\"", 1.0);
    assertThat(m.get("dane4j_probe_timestamp_seconds")).containsKey("domain=\"" + GOOD + "\"");
    assertThat(m.get("dane4j_probe_duration_seconds")).containsKey("domain=\"" + GOOD + "\"");
  }

  @Test
  @DisplayName("#16: a run that ends UNKNOWN still writes a valid exposition saying so; not with --json")
  void unknownIsStillAnExposition() {
    CliRun bad = monitor("--openmetrics", "[192.0.2.1]");
    assertThat(bad.exitCode()).isEqualTo(3);
    assertThat(parse(bad.out()).get("dane4j_monitor_state")).containsEntry("state=\"UNKNOWN\"", 1.0);
    assertThat(bad.err()).contains("is an IP address");

    CliRun both = monitor("--openmetrics", "--json", GOOD);
    assertThat(both.exitCode()).isEqualTo(3);
    assertThat(both.err()).contains("--openmetrics and --json cannot be combined");
  }

  @Test
  @DisplayName("#16: label values are escaped (backslash, double quote, line feed)")
  void labelValuesAreEscaped() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("state", "OK");
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("domain", "a\"b\\c\nd");
    d.put("problems", List.of());
    d.put("hosts", List.of());
    doc.put("domains", List.of(d));
    d.put("probed_at", "2026-01-01T00:00:00Z");

    String text = OpenMetrics.write(doc);

    assertThat(text).contains("dane4j_probe_timestamp_seconds{domain=\"a\\\"b\\\\c\\nd\"} 1767225600\n");
    assertThat(parse(text)).containsKey("dane4j_probe_timestamp_seconds");
  }

  @Test
  @DisplayName("the strict reader refuses what OpenMetrics forbids (its own test)")
  void theReaderIsStrict() {
    assertThatThrownBy(() -> parse("# TYPE a gauge\na 1\n")).hasMessageContaining("# EOF");
    assertThatThrownBy(() -> parse("a 1\n# EOF\n")).hasMessageContaining("before its # TYPE");
    assertThatThrownBy(() -> parse("# TYPE a gauge\na{x=\"1\"} 1\na{x=\"1\"} 2\n# EOF\n"))
        .hasMessageContaining("duplicate");
    assertThatThrownBy(() -> parse("# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n# EOF\n"))
        .hasMessageContaining("before its # TYPE");
    assertThatThrownBy(() -> parse("# TYPE a_x gauge\n# UNIT a_x seconds\na_x 1\n# EOF\n"))
        .hasMessageContaining("unit");
    assertThatThrownBy(() -> parse("# TYPE a gauge\na{x=\"\\t\"} 1\n# EOF\n")).hasMessageContaining("label");
    assertThatThrownBy(() -> parse("# TYPE a gauge\na 1\n\n# EOF\n")).hasMessageContaining("line 3");
  }

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern META = Pattern.compile("# (TYPE|UNIT|HELP) (" + NAME + ") (.*)");
  private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(.*)\\})? (\\S+)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");
  private static final Set<String> TYPES = Set.of("gauge", "counter", "stateset", "info", "histogram",
      "gaugehistogram", "summary", "unknown");

  /**
   * A strict reading of the OpenMetrics 1.0 text format for gauges: every line a metadata line, a sample
   * or the final {@code # EOF}; a family's TYPE (then UNIT, HELP) before its samples, families never
   * interleaved nor repeated; a UNIT that is the name's suffix; label names and escaped values as the grammar
   * says, no label repeated in a sample, no label set repeated in a family; float values; newline-terminated.
   *
   * @return per family, the samples by their label text
   */
  static Map<String, Map<String, Double>> parse(String text) {
    if (!text.endsWith("# EOF\n") || text.indexOf("# EOF\n") != text.length() - 6) {
      throw new AssertionError("the exposition must end with one '# EOF' line:\n" + text);
    }
    Map<String, Map<String, Double>> families = new LinkedHashMap<>();
    Set<String> closed = new HashSet<>();
    String current = null;
    boolean sampled = false;
    String[] lines = text.substring(0, text.length() - 6).split("\n", -1);
    for (int i = 0; i < lines.length - 1 + (lines[lines.length - 1].isEmpty() ? 0 : 1); i++) {
      String line = lines[i];
      String where = "line " + (i + 1) + " '" + line + "': ";
      Matcher meta = META.matcher(line);
      Matcher sample = SAMPLE.matcher(line);
      if (meta.matches()) {
        String name = meta.group(2);
        if (meta.group(1).equals("TYPE")) {
          if (families.containsKey(name) || closed.contains(name)) {
            throw new AssertionError(where + "family declared twice");
          }
          if (!TYPES.contains(meta.group(3))) {
            throw new AssertionError(where + "unknown type");
          }
          if (current != null) {
            closed.add(current);
          }
          current = name;
          sampled = false;
          families.put(name, new LinkedHashMap<>());
        } else if (!name.equals(current) || sampled) {
          throw new AssertionError(where + "metadata must follow its # TYPE, before its samples");
        } else if (meta.group(1).equals("UNIT") && !name.endsWith("_" + meta.group(3))) {
          throw new AssertionError(where + "the unit must be the name's suffix");
        }
      } else if (sample.matches()) {
        String name = sample.group(1);
        if (!name.equals(current)) {
          throw new AssertionError(where + "sample before its # TYPE (or after another family)");
        }
        sampled = true;
        String labels = sample.group(3) == null ? "" : sample.group(3);
        Set<String> names = new HashSet<>();
        if (!labels.isEmpty()) {
          for (String pair : splitLabels(labels, where)) {
            Matcher l = LABEL.matcher(pair);
            if (!l.matches() || !names.add(l.group(1))) {
              throw new AssertionError(where + "bad or repeated label '" + pair + "'");
            }
          }
        }
        double value;
        try {
          value = Double.parseDouble(sample.group(4));
        } catch (NumberFormatException e) {
          throw new AssertionError(where + "not a number", e);
        }
        if (families.get(name).put(labels, value) != null) {
          throw new AssertionError(where + "duplicate label set");
        }
      } else {
        throw new AssertionError(where + "neither metadata nor a sample");
      }
    }
    return families;
  }

  /** Splits {@code a="x",b="y"} at the commas outside quoted values. */
  private static List<String> splitLabels(String labels, String where) {
    List<String> out = new ArrayList<>();
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < labels.length(); i++) {
      char c = labels.charAt(i);
      if (c == '\\' && quoted) {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        out.add(labels.substring(start, i));
        start = i + 1;
      }
    }
    if (quoted) {
      throw new AssertionError(where + "unterminated label value");
    }
    out.add(labels.substring(start));
    return out;
  }
}
