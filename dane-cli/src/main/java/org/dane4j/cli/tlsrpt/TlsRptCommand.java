package org.dane4j.cli.tlsrpt;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dane4j.cli.CommandException;
import org.dane4j.cli.Dane4j;
import org.dane4j.cli.ExitCodes;
import org.dane4j.cli.Json;
import org.dane4j.tlsrpt.DayAggregate;
import org.dane4j.tlsrpt.FailureDetail;
import org.dane4j.tlsrpt.ReportSettings;
import org.dane4j.tlsrpt.TlsReportJson;
import org.dane4j.tlsrpt.TlsReportStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code dane4j tlsrpt show|status}: what a TLS report store (RFC 8460) holds, and the reports exactly as they
 * would be sent.
 */
@Command(name = "tlsrpt", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
    exitCodeOnExecutionException = ExitCodes.SOFTWARE,
    description = "TLS reporting (RFC 8460): show the daily reports of a store filled by 'send --tlsrpt-store',"
        + " what the store holds, or send a day's reports.",
    subcommands = {TlsRptCommand.Show.class, TlsRptCommand.Status.class, SendReports.class})
public final class TlsRptCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--store", required = true, paramLabel = "PATH|jdbc:URL", scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "The store: an SQLite file or a jdbc:postgresql: URL.")
  String store;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  TlsReportStore open() {
    if (!store.startsWith("jdbc:") && !Files.isRegularFile(Path.of(store))) {
      throw new CommandException(ExitCodes.NO_INPUT, "--store: no such file: " + store, null);
    }
    return TlsRptStoreOption.open(store);
  }

  /** {@code dane4j tlsrpt show}. */
  @Command(name = "show", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
      exitCodeOnExecutionException = ExitCodes.SOFTWARE,
      description = "Print the reports of one UTC day (default: yesterday), one per policy domain: a summary, or"
          + " with --json the RFC 8460 JSON exactly as it would be sent (one document per line).")
  static final class Show implements Callable<Integer> {
    @ParentCommand
    TlsRptCommand parent;
    @Spec
    CommandSpec spec;

    @Option(names = "--day", paramLabel = "YYYY-MM-DD", description = "The UTC day (default: yesterday).")
    String day;

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "Only this policy domain.")
    String domain;

    @Option(names = "--json", description = "The RFC 8460 JSON reports, one per line.")
    boolean json;

    @Option(names = "--organization", paramLabel = "NAME", defaultValue = "dane4j",
        description = "organization-name (default: ${DEFAULT-VALUE}).")
    String organization;

    @Option(names = "--contact", paramLabel = "URI", defaultValue = "mailto:postmaster@localhost",
        description = "contact-info (default: ${DEFAULT-VALUE}).")
    String contact;

    @Option(names = "--submitter", paramLabel = "DOMAIN", defaultValue = "localhost",
        description = "The submitting domain, part of report-id (default: ${DEFAULT-VALUE}).")
    String submitter;

    @Override
    public Integer call() {
      LocalDate d = day(day, spec);
      ReportSettings settings;
      try {
        settings = ReportSettings.of(organization, contact, submitter);
      } catch (IllegalArgumentException e) {
        throw new CommandException(ExitCodes.USAGE, e.getMessage(), e);
      }
      PrintWriter out = spec.commandLine().getOut();
      try (TlsReportStore store = parent.open()) {
        List<String> domains = domain != null ? List.of(domain.toLowerCase(java.util.Locale.ROOT))
            : store.policyDomains(d);
        for (String pd : domains) {
          DayAggregate agg = store.read(d, pd);
          if (json) {
            out.println(TlsReportJson.write(agg, settings));
            continue;
          }
          out.println(pd + "  " + d + "  report-id " + TlsReportJson.reportId(agg, settings)
              + store.sent(d, pd).map(id -> "  (sent)").orElse(""));
          for (DayAggregate.PolicyCounts p : agg.policies()) {
            out.println("  " + p.policy().type().word() + (p.policy().mxHosts().isEmpty() ? ""
                : " mx-host " + String.join(",", p.policy().mxHosts())) + ": " + p.successful() + " successful, "
                + p.failed() + " failed");
            for (Map.Entry<FailureDetail, Long> f : p.failures().entrySet()) {
              FailureDetail fd = f.getKey();
              out.println("    " + f.getValue() + " x " + fd.resultType() + (fd.receivingMxHostname().isEmpty() ? ""
                  : " " + fd.receivingMxHostname()) + (fd.receivingIp().isEmpty() ? "" : " [" + fd.receivingIp() + "]"));
            }
          }
        }
        if (domains.isEmpty() && !json) {
          out.println("no sessions recorded on " + d);
        }
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** {@code dane4j tlsrpt status}. */
  @Command(name = "status", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
      exitCodeOnExecutionException = ExitCodes.SOFTWARE,
      description = "Per stored day and policy domain: sessions, failures, and whether the report was sent.")
  static final class Status implements Callable<Integer> {
    @ParentCommand
    TlsRptCommand parent;
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "One JSON document.")
    boolean json;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      List<Object> rows = new ArrayList<>();
      int lines = 0;
      try (TlsReportStore store = parent.open()) {
        for (LocalDate d : store.days()) {
          for (String pd : store.policyDomains(d)) {
            DayAggregate agg = store.read(d, pd);
            long ok = agg.policies().stream().mapToLong(DayAggregate.PolicyCounts::successful).sum();
            long failed = agg.policies().stream().mapToLong(DayAggregate.PolicyCounts::failed).sum();
            String sent = store.sent(d, pd).orElse(null);
            lines++;
            if (json) {
              Map<String, Object> row = new LinkedHashMap<>();
              row.put("day", d.toString());
              row.put("policy_domain", pd);
              row.put("successful", ok);
              row.put("failed", failed);
              row.put("sent_report_id", sent);
              rows.add(row);
            } else {
              out.println(d + "  " + pd + "  " + ok + " successful, " + failed + " failed"
                  + (sent == null ? "  not sent" : "  sent " + sent));
            }
          }
        }
      }
      if (json) {
        out.println(Json.write(Map.of("days", rows)));
      } else if (lines == 0) {
        out.println("the store is empty");
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  static LocalDate day(String text, CommandSpec spec) {
    if (text == null) {
      return LocalDate.ofInstant(Dane4j.clock(spec).instant(), ZoneOffset.UTC).minusDays(1);
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new CommandException(ExitCodes.USAGE, "--day: not a YYYY-MM-DD date: " + text, e);
    }
  }
}
