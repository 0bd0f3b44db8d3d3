package org.dane4j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dane4j.cli.Dane4j;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The administrator's commands of #16 against the real lab: {@code dane4j check} and {@code monitor} against
 * a Postfix listener with an ECDSA and an RSA certificate ({@code smtpd_tls_chain_files} with two key+chain
 * files) whose TLSA RRset covers the ECDSA key only ({@code dualkey.sec.test}, see DUALKEY in
 * interop/lab.sh), and {@code monitor --openmetrics} on a lab domain read as a strict OpenMetrics exposition.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminInteropTest {
  private Lab lab;
  private String dualDomain;
  private String dualMx;
  private String dualIp;

  @BeforeAll
  void lab() {
    lab = Lab.get();
    String dual = lab.env.getProperty("dualkey");
    assertThat(dual).as("lab.env has no dualkey entry: restart the lab with this checkout's interop/lab.sh")
        .isNotNull();
    String[] f = dual.split(" ");
    dualDomain = f[0];
    dualMx = f[1];
    dualIp = f[2];
  }

  private record Run(int exit, String out, String err) {}

  /** {@code dane4j COMMAND --resolver unbound --trust-anchor root.anchor ... TARGET}, in process. */
  private Run run(String command, String... rest) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cmd = Dane4j.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    List<String> args = new ArrayList<>(List.of(command, "--resolver", lab.unbound().getAddress().getHostAddress(),
        "--trust-anchor", lab.env.getProperty("trust.anchor"), "--timeout", "5", "--ehlo", "client.interop.test"));
    args.addAll(List.of(rest));
    int exit = cmd.execute(args.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  private static List<String> codes(String json) {
    Matcher m = Pattern.compile("\"code\"\\s*:\\s*\"([A-Z0-9_]+)\"").matcher(json);
    List<String> codes = new ArrayList<>();
    while (m.find()) {
      codes.add(m.group(1));
    }
    return codes;
  }

  @Test
  @DisplayName("#16: check flags KEY_TYPE_NOT_COVERED on Postfix with RSA and ECDSA certificates and one 3 1 1")
  void checkFlagsTheUncoveredRsaCertificate() {
    Run r = run("check", "--json", dualDomain);

    assertThat(codes(r.out())).as("%s %s", r.out(), r.err()).contains("KEY_TYPE_NOT_COVERED");
    // both certificates were really fetched from Postfix: the ECDSA one verifies, the RSA one does not
    assertThat(r.out()).as(r.out()).containsPattern("\"key_type\"\\s*:\\s*\"ECDSA\"[^}]*\"offered\"\\s*:\\s*true"
        + "[^}]*\"verified\"\\s*:\\s*true")
        .containsPattern("\"key_type\"\\s*:\\s*\"RSA\"[^}]*\"offered\"\\s*:\\s*true[^}]*\"verified\"\\s*:\\s*false");
  }

  @Test
  @DisplayName("#16: monitor is CRITICAL with KEY_TYPE_NOT_COVERED for the dual-certificate Postfix")
  void monitorIsCriticalForTheUncoveredKeyType() {
    Run r = run("monitor", "--json", dualDomain);

    assertThat(r.exit()).as("%s %s", r.out(), r.err()).isEqualTo(2);
    assertThat(codes(r.out())).as(r.out()).contains("KEY_TYPE_NOT_COVERED");
  }

  @Test
  @DisplayName("#16: monitor --openmetrics on lab domains is a valid exposition with per-host gauges")
  void openMetricsOnTheLab() {
    Run r = run("monitor", "--openmetrics", "ee.sec.test", dualDomain);

    assertThat(r.exit()).as("%s %s", r.out(), r.err()).isEqualTo(2); // the dual host is CRITICAL
    Map<String, Map<String, Double>> m = parse(r.out());
    String ee = "domain=\"ee.sec.test\",mx_host=\"mx.ee.sec.test\"";
    String eeAt = ee + ",address=\"" + lab.env.getProperty("scenario.ee").split(" ")[2] + "\"";
    String dualAt = "domain=\"" + dualDomain + "\",mx_host=\"" + dualMx + "\",address=\"" + dualIp + "\"";
    assertThat(m.get("dane4j_monitor_state")).containsEntry("state=\"CRITICAL\"", 1.0);
    // ee.sec.test publishes a 3 1 1 only: WARNING (no 3 1 1 / 2 1 1 pair), one state of four set
    assertThat(m.get("dane4j_host_state")).containsEntry(ee + ",state=\"WARNING\"", 1.0)
        .containsEntry(ee + ",state=\"OK\"", 0.0);
    assertThat(m.get("dane4j_verdict")).containsEntry(eeAt + ",verdict=\"verified\"", 1.0);
    assertThat(m.get("dane4j_tlsa_records_valid")).containsEntry(eeAt, 1.0);
    assertThat(m.get("dane4j_certificate_days_left").get(eeAt)).isBetween(0.0, 31.0); // lab certificates: 30 days
    assertThat(m.get("dane4j_key_type_covered")).containsEntry(dualAt + ",key_type=\"RSA\"", 0.0)
        .containsEntry(dualAt + ",key_type=\"ECDSA\"", 1.0);
    assertThat(m.get("dane4j_problems")).containsKey("domain=\"" + dualDomain
        + "\",code=\"KEY_TYPE_NOT_COVERED\",state=\"CRITICAL\"");
  }

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern META = Pattern.compile("# (TYPE|UNIT|HELP) (" + NAME + ") (.*)");
  private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(?:\\{(.*)\\})? (\\S+)");
  private static final Pattern LABELS = Pattern.compile(
      "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"(?:,[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\")*");

  /**
   * Reads an OpenMetrics 1.0 text exposition strictly enough for gauges: one final {@code # EOF}; each line
   * metadata or a sample; a family's {@code # TYPE} before its samples, families neither interleaved nor
   * repeated; label sets well-formed and unique per family; numeric values.
   */
  private static Map<String, Map<String, Double>> parse(String text) {
    assertThat(text).as(text).endsWith("\n# EOF\n");
    assertThat(text.indexOf("# EOF")).as(text).isEqualTo(text.length() - 6);
    Map<String, Map<String, Double>> families = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    String current = null;
    String[] lines = text.substring(0, text.length() - 6).split("\n");
    for (String line : lines) {
      Matcher meta = META.matcher(line);
      Matcher sample = SAMPLE.matcher(line);
      if (meta.matches()) {
        if (meta.group(1).equals("TYPE")) {
          assertThat(seen.add(meta.group(2))).as("family declared twice: %s", line).isTrue();
          current = meta.group(2);
          families.put(current, new LinkedHashMap<>());
        } else {
          assertThat(meta.group(2)).as("metadata of another family: %s", line).isEqualTo(current);
          assertThat(families.get(current)).as("metadata after samples: %s", line).isEmpty();
        }
      } else {
        assertThat(sample.matches()).as("neither metadata nor a sample: '%s'", line).isTrue();
        assertThat(sample.group(1)).as("sample outside its family: %s", line).isEqualTo(current);
        String labels = sample.group(2) == null ? "" : sample.group(2);
        assertThat(labels.isEmpty() || LABELS.matcher(labels).matches()).as("bad labels: %s", line).isTrue();
        double value = Double.parseDouble(sample.group(3));
        assertThat(families.get(current).put(labels, value)).as("duplicate label set: %s", line).isNull();
      }
    }
    return families;
  }
}
