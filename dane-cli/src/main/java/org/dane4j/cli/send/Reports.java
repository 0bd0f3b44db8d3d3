package org.dane4j.cli.send;

import java.util.Locale;
import java.util.Optional;
import org.dane4j.cli.ExitCodes;
import org.dane4j.cli.Table;
import org.dane4j.smtp.DeliveryAttempt;
import org.dane4j.smtp.DeliveryReport;
import org.dane4j.smtp.RecipientResult;
import org.dane4j.smtp.RecipientResult.Status;
import org.dane4j.tlsa.FailureType;
import org.dane4j.tlsa.TlsaRecord;

/**
 * A {@link DeliveryReport} as the {@code send} command prints it for people: the table and the exit code.
 * The JSON form is core's {@link org.dane4j.smtp.ReportJson}.
 */
public final class Reports {
  private Reports() {}

  /** 2 when any recipient failed, else 1 when any was deferred, else 0. */
  public static int exitCode(DeliveryReport report) {
    return switch (report.worstStatus()) {
      case FAILED -> ExitCodes.FAILED;
      case DEFERRED -> ExitCodes.DEFERRED;
      case DELIVERED -> ExitCodes.OK;
    };
  }

  /** The table of a report: one row per recipient, the reason below it. */
  public static Table table(DeliveryReport report) {
    Table t = new Table("RECIPIENT", "STATUS", "MX HOST", "ADDRESS", "DNS SAYS", "SENDER DID", "TLSA MATCH");
    for (RecipientResult r : report.results()) {
      Optional<DeliveryAttempt> last = last(r);
      String type = failureType(r).map(f -> " [" + f.resultType() + "]").orElse("");
      t.row("why: " + shorten(why(r), 160) + type, r.recipient(), word(r.status()),
          last.map(a -> a.route().mxHost()).orElse(null), last.map(Reports::address).orElse(null),
          requirement(r), verdict(r),
          last.flatMap(Reports::match).map(Reports::abbreviate).orElse(null));
    }
    return t;
  }

  /**
   * Why a recipient ended as it did, for people: for a delivery the TLS protocol and the DANE reason, else
   * what the deciding attempt ran into, else the recipient's reason.
   */
  public static String why(RecipientResult r) {
    Optional<DeliveryAttempt> last = last(r);
    if (last.isEmpty()) {
      return r.reason();
    }
    DeliveryAttempt a = last.get();
    if (r.status() == Status.DELIVERED) {
      return (a.tlsProtocol() == null ? "cleartext" : a.tlsProtocol()) + ", "
          + a.daneVerification().map(v -> v.reason()).orElse(a.detail());
    }
    return r.status() == Status.FAILED || !a.failed() ? r.reason() : a.detail();
  }


  /** A record as {@code 3 1 1 0123456789ab...}. */
  public static String abbreviate(TlsaRecord record) {
    String hex = record.dataHex();
    return record.usage().value() + " " + record.selector().value() + " " + record.matchingType().value()
        + " " + (hex.length() > 12 ? hex.substring(0, 12) + "..." : hex);
  }

  /**
   * {@code text} on one line, long digests cut to 12 digits, at most {@code max} characters: when longer, cut
   * at the last space that leaves room for " ..." so that no word is cut (issue #16); a first word longer
   * than that is the only thing ever cut inside.
   */
  public static String shorten(String text, int max) {
    String one = text.strip().replaceAll("\\s*\\R\\s*", " ")
        .replaceAll("\\b([0-9a-fA-F]{12})[0-9a-fA-F]{20,}\\b", "$1...");
    if (one.length() <= max) {
      return one;
    }
    int space = one.lastIndexOf(' ', max - 4);
    return space > 0 ? one.substring(0, space).stripTrailing() + " ..." : one.substring(0, max - 3) + "...";
  }

  /**
   * What DNS said of the host that decided the recipient: its route's requirement, or "unusable" when no
   * host could be tried at all (a bogus or failing lookup, a null MX).
   */
  public static String requirement(RecipientResult r) {
    return last(r).map(a -> word(a.route().requirement())).orElse("unusable");
  }

  /** The verdict of the attempt that decided the recipient, or "failed" when no host could be tried. */
  public static String verdict(RecipientResult r) {
    return last(r).map(a -> word(a.verdict())).orElse("failed");
  }

  /** The RFC 8460 type of a recipient: its own, or that of its last failed attempt. */
  public static Optional<FailureType> failureType(RecipientResult r) {
    return r.reportedFailureType();
  }

  /** The attempt that decided the recipient's status, if any was made. */
  public static Optional<DeliveryAttempt> last(RecipientResult r) {
    return r.lastAttempt();
  }

  /** The record that matched the presented chain (also when a later name check failed). */
  public static Optional<TlsaRecord> match(DeliveryAttempt a) {
    return a.daneVerification().flatMap(v -> v.matchedRecord());
  }

  /** The lower-case word of an enum constant, with '-' for '_'. */
  public static String word(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String address(DeliveryAttempt a) {
    return a.address() == null ? null : a.address().getHostAddress();
  }

  /** The domain of an address, lower case. */
  public static String domainOf(String address) {
    int at = address.lastIndexOf('@');
    return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
  }
}
