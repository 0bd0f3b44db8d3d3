package org.dane4j.cli.monitor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code monitor --openmetrics}: the monitor's findings in the OpenMetrics text format (the Prometheus
 * exposition format, {@code application/openmetrics-text; version=1.0.0}), for node_exporter's textfile
 * collector or any scraper: one family per metric, its samples together, gauges only, label values escaped,
 * the last line {@code # EOF}. It is written from the {@code monitor --json} document, so both always say the
 * same. The families, all labelled with {@code domain} and, per host, {@code mx_host} (and {@code address}):
 *
 * <ul>
 *   <li>{@code dane4j_monitor_state{state}}: 1 for the run's Nagios state, 0 for the three others;</li>
 *   <li>{@code dane4j_host_state{domain,mx_host,state}}: the same per MX host;</li>
 *   <li>{@code dane4j_verdict{domain,mx_host,address,verdict}}: 1 for the last verdict of the address
 *       (verified, trusted, encrypted, opportunistic, cleartext, failed), 0 for the others;</li>
 *   <li>{@code dane4j_tlsa_records{domain,mx_host}}: TLSA records published;
 *       {@code dane4j_tlsa_records_valid{...,address}}: how many of them authenticate the presented chain
 *       on their own;</li>
 *   <li>{@code dane4j_certificate_days_left{...,address}} and
 *       {@code dane4j_certificate_expiry_timestamp_seconds{...,address}}: of the leaf the server presented;</li>
 *   <li>{@code dane4j_key_type_covered{...,address,key_type}}: 1 when a TLSA record authenticates the
 *       certificate of that key type, 0 when not (only key types the server offers);</li>
 *   <li>{@code dane4j_problems{domain,code,state}}: the number of problems of each stable code;</li>
 *   <li>{@code dane4j_probe_timestamp_seconds{domain}}, {@code dane4j_probe_duration_seconds{domain}}: when
 *       the domain was checked, and how long that took.</li>
 * </ul>
 */
final class OpenMetrics {
  private static final List<String> STATES = List.of("OK", "WARNING", "CRITICAL", "UNKNOWN");
  private static final List<String> VERDICTS = List.of("verified", "trusted", "encrypted", "opportunistic",
      "cleartext", "failed");

  /** The families in order of first use, each a HELP text, type, unit and its sample lines. */
  private final Map<String, Family> families = new LinkedHashMap<>();

  private record Family(String help, String unit, List<String> samples) {}

  private OpenMetrics() {}

  /** The exposition of a {@code monitor --json} document, ending with {@code # EOF} and a newline. */
  static String write(Map<String, Object> doc) {
    OpenMetrics m = new OpenMetrics();
    m.declare("dane4j_monitor_state", "The Nagios state of the whole run: 1 for the current state.", null);
    m.declare("dane4j_host_state", "The Nagios state of an MX host: 1 for the current state.", null);
    m.declare("dane4j_verdict", "The last verdict of a probe of an address: 1 for the current verdict.", null);
    m.declare("dane4j_tlsa_records", "TLSA records published for the MX host.", null);
    m.declare("dane4j_tlsa_records_valid", "TLSA records that on their own authenticate the chain the address"
        + " presented.", null);
    m.declare("dane4j_certificate_days_left", "Whole days until the presented leaf certificate expires.", null);
    m.declare("dane4j_certificate_expiry_timestamp_seconds", "When the presented leaf certificate expires.",
        "seconds");
    m.declare("dane4j_key_type_covered", "1 when a TLSA record authenticates the certificate of this key type.",
        null);
    m.declare("dane4j_problems", "Problems found, by stable code and Nagios state.", null);
    m.declare("dane4j_probe_timestamp_seconds", "When the domain was checked.", "seconds");
    m.declare("dane4j_probe_duration_seconds", "How long probing the hosts of the domain took.", "seconds");
    String state = String.valueOf(doc.get("state"));
    for (String s : STATES) {
      m.sample("dane4j_monitor_state", labels("state", s), s.equals(state) ? 1 : 0);
    }
    for (Object o : list(doc.get("domains"))) {
      Map<?, ?> d = (Map<?, ?>) o;
      String domain = String.valueOf(d.get("domain"));
      Map<String, Long> problems = new LinkedHashMap<>();
      count(problems, d.get("problems"));
      for (Object ho : list(d.get("hosts"))) {
        Map<?, ?> h = (Map<?, ?>) ho;
        String host = String.valueOf(h.get("mx_host"));
        count(problems, h.get("problems"));
        for (String s : STATES) {
          m.sample("dane4j_host_state", labels("domain", domain, "mx_host", host, "state", s),
              s.equals(h.get("state")) ? 1 : 0);
        }
        m.sample("dane4j_tlsa_records", labels("domain", domain, "mx_host", host), list(h.get("tlsa")).size());
        for (Object ao : list(h.get("addresses"))) {
          Map<?, ?> a = (Map<?, ?>) ao;
          String[] at = {"domain", domain, "mx_host", host, "address", String.valueOf(a.get("address"))};
          for (String v : VERDICTS) {
            m.sample("dane4j_verdict", labels(with(at, "verdict", v)), v.equals(a.get("verdict")) ? 1 : 0);
          }
          long valid = list(a.get("records")).stream().filter(r -> Boolean.TRUE.equals(((Map<?, ?>) r).get("valid")))
              .count();
          m.sample("dane4j_tlsa_records_valid", labels(at), valid);
          if (a.get("days_left") instanceof Number n) {
            m.sample("dane4j_certificate_days_left", labels(at), n.longValue());
          }
          if (a.get("not_after") != null) {
            m.sample("dane4j_certificate_expiry_timestamp_seconds", labels(at),
                Instant.parse(String.valueOf(a.get("not_after"))).getEpochSecond());
          }
          for (Object ko : list(a.get("key_types"))) {
            Map<?, ?> k = (Map<?, ?>) ko;
            if (Boolean.TRUE.equals(k.get("offered"))) {
              m.sample("dane4j_key_type_covered", labels(with(at, "key_type", String.valueOf(k.get("key_type")))),
                  Boolean.TRUE.equals(k.get("verified")) ? 1 : 0);
            }
          }
        }
      }
      for (Map.Entry<String, Long> e : problems.entrySet()) {
        String[] codeState = e.getKey().split(" ", 2);
        m.sample("dane4j_problems", labels("domain", domain, "code", codeState[0], "state", codeState[1]),
            e.getValue());
      }
      if (d.get("probed_at") != null) {
        m.sample("dane4j_probe_timestamp_seconds", labels("domain", domain),
            Instant.parse(String.valueOf(d.get("probed_at"))).getEpochSecond());
      }
      if (d.get("probe_ms") instanceof Number n) {
        m.sample("dane4j_probe_duration_seconds", labels("domain", domain), n.longValue() / 1000.0);
      }
    }
    return m.text();
  }

  /** The exposition of a run that ended UNKNOWN before it had a document (bad input, no resolver). */
  static String unknown() {
    OpenMetrics m = new OpenMetrics();
    m.declare("dane4j_monitor_state", "The Nagios state of the whole run: 1 for the current state.", null);
    for (String s : STATES) {
      m.sample("dane4j_monitor_state", labels("state", s), s.equals("UNKNOWN") ? 1 : 0);
    }
    return m.text();
  }

  private void declare(String name, String help, String unit) {
    families.put(name, new Family(help, unit, new ArrayList<>()));
  }

  private void sample(String name, String labels, double value) {
    String v = value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%.3f", value);
    families.get(name).samples().add(name + labels + " " + v);
  }

  private String text() {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Family> e : families.entrySet()) {
      Family f = e.getValue();
      if (f.samples().isEmpty()) {
        continue;
      }
      out.append("# TYPE ").append(e.getKey()).append(" gauge\n");
      if (f.unit() != null) {
        out.append("# UNIT ").append(e.getKey()).append(' ').append(f.unit()).append('\n');
      }
      out.append("# HELP ").append(e.getKey()).append(' ').append(f.help()).append('\n');
      f.samples().forEach(s -> out.append(s).append('\n'));
    }
    return out.append("# EOF\n").toString();
  }

  private static void count(Map<String, Long> counts, Object problems) {
    for (Object po : list(problems)) {
      Map<?, ?> p = (Map<?, ?>) po;
      counts.merge(p.get("code") + " " + p.get("state"), 1L, Long::sum);
    }
  }

  private static String[] with(String[] labels, String name, String value) {
    String[] all = java.util.Arrays.copyOf(labels, labels.length + 2);
    all[labels.length] = name;
    all[labels.length + 1] = value;
    return all;
  }

  /** {@code {a="x",b="y"}} with OpenMetrics escaping of backslash, double quote and line feed. */
  private static String labels(String... pairs) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < pairs.length; i += 2) {
      if (i > 0) {
        b.append(',');
      }
      b.append(pairs[i]).append("=\"").append(pairs[i + 1].replace("\\", "\\\\").replace("\"", "\\\"")
          .replace("\n", "\\n")).append('"');
    }
    return b.append('}').toString();
  }

  private static List<?> list(Object o) {
    return o instanceof List<?> l ? l : List.of();
  }
}
