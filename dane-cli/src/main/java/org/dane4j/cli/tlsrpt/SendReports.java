package org.dane4j.cli.tlsrpt;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.dane4j.cli.CommandException;
import org.dane4j.cli.CommonOptions;
import org.dane4j.cli.Dane4j;
import org.dane4j.cli.ExitCodes;
import org.dane4j.dns.DaneResolver;
import org.dane4j.jakartamail.DaneMailer;
import org.dane4j.smtp.Envelope;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.tlsrpt.ReportMailer;
import org.dane4j.tlsrpt.ReportSettings;
import org.dane4j.tlsrpt.TlsReportSender;
import org.dane4j.tlsrpt.TlsReportStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code dane4j tlsrpt send}: sends one day's reports now (RFC 8460 §5), by mail with DANE through
 * {@link DaneMailer} and by HTTPS POST, each marked sent in the store first.
 */
@Command(name = "send", mixinStandardHelpOptions = true, sortOptions = false, exitCodeOnInvalidInput = ExitCodes.USAGE,
    exitCodeOnExecutionException = ExitCodes.SOFTWARE,
    description = "Send the reports of one UTC day (default: yesterday) to each policy domain's _smtp._tls"
        + " addresses, now; reports already marked sent are skipped.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {" 0:every report sent or nothing to send", " 1:a report is left for later or a destination"
        + " refused it", "64:wrong command line", "66:the store cannot be read", "70:internal error"})
final class SendReports implements Callable<Integer> {
  @ParentCommand
  TlsRptCommand parent;
  @Spec
  CommandSpec spec;

  @Option(names = "--day", paramLabel = "YYYY-MM-DD", description = "The UTC day (default: yesterday).")
  String day;

  @Option(names = "--from", required = true, paramLabel = "ADDRESS", description = "The reports' sender and From.")
  String from;

  @Option(names = "--submitter", required = true, paramLabel = "DOMAIN",
      description = "The submitting domain (TLS-Report-Submitter, part of report-id).")
  String submitter;

  @Option(names = "--organization", paramLabel = "NAME", defaultValue = "dane4j",
      description = "organization-name (default: ${DEFAULT-VALUE}).")
  String organization;

  @Option(names = "--contact", paramLabel = "URI", description = "contact-info (default: mailto: --from).")
  String contact;

  @Option(names = "--only-failures", description = "Send only reports of days with a failed session.")
  boolean onlyFailures;

  @Option(names = "--no-https", description = "Do not POST to https: destinations.")
  boolean noHttps;

  @Option(names = "--mx-port", hidden = true, defaultValue = "25",
      description = "Port of the MX hosts, for test networks.")
  int mxPort = 25;

  @Mixin
  private CommonOptions common;

  @Override
  public Integer call() throws Exception {
    LocalDate d = TlsRptCommand.day(day, spec);
    ReportSettings settings;
    try {
      Envelope.checkEhloName(submitter);
      settings = ReportSettings.of(organization, contact != null ? contact : "mailto:" + from, submitter);
    } catch (IllegalArgumentException e) {
      throw new CommandException(ExitCodes.USAGE, e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    int exit = ExitCodes.OK;
    try (TlsReportStore store = parent.open(); DaneResolver resolver = common.resolver();
        DaneMailer mailer = DaneMailer.builder().resolver(resolver).ehloName(submitter).mxPort(mxPort).build()) {
      Session session = Session.getInstance(new Properties());
      ReportMailer viaDane = (sender, to, bytes) -> {
        try {
          MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(bytes));
          return mailer.sendAsync(message, sender, List.of(to)).thenAccept(report -> {
            RecipientResult r = report.of(to);
            if (r.status() != RecipientResult.Status.DELIVERED) {
              throw new IllegalStateException(r.status().toString().toLowerCase(java.util.Locale.ROOT) + ": "
                  + r.reason());
            }
          });
        } catch (MessagingException e) {
          return CompletableFuture.failedFuture(e);
        }
      };
      try (TlsReportSender sender = TlsReportSender.builder(store, resolver, settings).clock(Dane4j.clock(spec))
          .mailer(viaDane, from).https(!noHttps).onlyFailureDays(onlyFailures).maxAttempts(1).build()) {
        for (TlsReportSender.Outcome o : sender.sendDay(d).join()) {
          out.println(o.policyDomain() + "  " + o.status().toString().toLowerCase(java.util.Locale.ROOT)
              .replace('_', '-') + "  " + o.reportId() + (o.detail().isEmpty() ? "" : "  " + o.detail()));
          o.failures().forEach(f -> out.println("  not taken: " + f));
          if (o.status() == TlsReportSender.Status.RETRY_LATER || !o.failures().isEmpty()) {
            exit = ExitCodes.DEFERRED;
          }
        }
      }
    }
    out.flush();
    return exit;
  }
}
