package org.dane4j.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.dane4j.smtp.PolicyType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TlsReportJsonTest {
  private static final LocalDate DAY = LocalDate.parse("2016-04-01");
  private static final ReportSettings SETTINGS = ReportSettings.of("Company-X", "sts-reporting@company-x.example",
      "company-x.example");
  private static Schema schema;

  @BeforeAll
  static void loadSchema() throws Exception {
    try (InputStream in = TlsReportJsonTest.class.getResourceAsStream("/rfc8460-report.schema.json")) {
      schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in, InputFormat.JSON);
    }
  }

  private static DayAggregate sample() {
    MemoryTlsReportStore store = new MemoryTlsReportStore();
    ReportPolicy sts = new ReportPolicy(PolicyType.STS, "company-y.example",
        List.of("version: STSv1", "mode: testing", "mx: *.mail.company-y.example", "max_age: 86400"),
        List.of("*.mail.company-y.example"));
    ReportPolicy tlsa = new ReportPolicy(PolicyType.TLSA, "company-y.example", List.of("3 1 1 " + "ab".repeat(32)),
        List.of("mx1.company-y.example"));
    ReportPolicy none = new ReportPolicy(PolicyType.NO_POLICY_FOUND, "company-y.example", List.of(), List.of());
    store.add(List.of(new SessionCount(DAY, sts, null, 5326),
        new SessionCount(DAY, sts, FailureDetail.of("certificate-expired", "mx1.mail.company-y.example",
            "2001:db8:abcd:0012::1"), 100),
        new SessionCount(DAY, tlsa, new FailureDetail("certificate-not-trusted", "2001:db8:abcd:0013::1",
            "mx1.company-y.example", "mx1.company-y.example", "203.0.113.56", "https://x.example/\"q\"", "X-1"), 3),
        new SessionCount(DAY, none, null, 2)));
    return store.read(DAY, "company-y.example");
  }

  @Test
  @DisplayName("RPT-JSON: the report validates against the RFC 8460 §4 schema; policy-domain present, mx-host an array")
  void reportMatchesTheSchema() {
    String json = TlsReportJson.write(sample(), SETTINGS);
    assertThat(schema.validate(json, InputFormat.JSON)).isEmpty();
    assertThat(json).contains("\"date-range\":{\"start-datetime\":\"2016-04-01T00:00:00Z\","
        + "\"end-datetime\":\"2016-04-01T23:59:59Z\"}");
    assertThat(json).contains("\"mx-host\":[\"*.mail.company-y.example\"]");
    assertThat(json).contains("\"policy-type\":\"no-policy-found\",\"policy-domain\":\"company-y.example\"");
    assertThat(json).contains("\"total-successful-session-count\":5326,\"total-failure-session-count\":100");
    assertThat(json).contains("\"additional-information\":\"https://x.example/\\\"q\\\"\"");
  }

  @Test
  @DisplayName("RPT-JSON: the schema itself rejects a report without policy-domain or with mx-host as a string")
  void schemaCatchesTheKnownBugs() {
    String good = TlsReportJson.write(sample(), SETTINGS);
    assertThat(schema.validate(good.replace(",\"policy-domain\":\"company-y.example\"", ""), InputFormat.JSON))
        .isNotEmpty();
    assertThat(schema.validate(good.replace("\"mx-host\":[\"*.mail.company-y.example\"]",
        "\"mx-host\":\"*.mail.company-y.example\""), InputFormat.JSON)).isNotEmpty();
  }

  @Test
  @DisplayName("RPT-JSON: the report id is unique per day, domain and submitter, and stable")
  void reportIdIsStable() {
    DayAggregate day = sample();
    assertThat(TlsReportJson.reportId(day, SETTINGS))
        .isEqualTo("2016-04-01T00:00:00Z_company-y.example@company-x.example")
        .isEqualTo(TlsReportJson.reportId(sample(), SETTINGS));
    assertThat(TlsReportJson.write(day, SETTINGS)).isEqualTo(TlsReportJson.write(sample(), SETTINGS));
  }

  @Test
  @DisplayName("RPT-JSON: gzip and the RFC 8460 §5.3 file name")
  void gzipAndFileName() throws Exception {
    String json = TlsReportJson.write(sample(), SETTINGS);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(TlsReportJson.gzip(json)))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(json);
    }
    assertThat(TlsReportJson.fileName(sample(), SETTINGS))
        .isEqualTo("company-x.example!company-y.example!1459468800!1459555199.json.gz");
  }
}
