package org.dane4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;

/**
 * The CA-pin watchlist (issue #16): which intermediates a certificate authority issues from, may switch to
 * without warning (backups), or has stopped using, so that a DANE-TA ({@code 2 x x}) record that pins one of
 * them is flagged ({@link WarningCode#TA_PINS_ONE_INTERMEDIATE}) while the others of the same key type are
 * not published too: the next renewal may come from one of those, and then no record matches (RFC 7671 §5.2
 * lets a TA record name any issuer; keeping it matching across issuer changes is the operator's job; the
 * 2021 dane-users survey found hundreds of MX hosts still pinning Let's Encrypt's retired X3 and X4).
 *
 * <p>The data is a small text file, {@code ca-watchlist.txt} beside this class (its header documents the
 * format and where the data came from), replaceable with {@code --ca-watchlist FILE}. A record is recognised
 * by its SPKI SHA-256 ({@code 2 1 1}), or, for other forms and for entries without a digest, by the subject
 * of the presented CA certificate it matches.
 */
public final class CaWatchlist {
  /** The most bytes a watchlist file may have ({@value}). */
  public static final int MAX_BYTES = 256 * 1024;
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  /**
   * One intermediate.
   *
   * @param ca the CA's name
   * @param name the intermediate's short name
   * @param status active, backup or retired
   * @param keyType RSA or ECDSA
   * @param subject its subject
   * @param spkiSha256 the data of its 2 1 1 record, lower-case hex, or null when not known
   */
  public record Entry(String ca, String name, String status, String keyType, X500Principal subject,
      String spkiSha256) {
    boolean issuing() {
      return !status.equals("retired");
    }

    String label() {
      return name + " (" + status + ")";
    }
  }

  private final List<Entry> entries;
  private final String asOf;

  private CaWatchlist(List<Entry> entries, String asOf) {
    this.entries = List.copyOf(entries);
    this.asOf = asOf;
  }

  /** The entries, in file order. */
  public List<Entry> entries() {
    return entries;
  }

  /** The watchlist dane4j ships. */
  public static CaWatchlist bundled() {
    try (InputStream in = CaWatchlist.class.getResourceAsStream("ca-watchlist.txt")) {
      if (in == null) {
        throw new IllegalStateException("the bundled ca-watchlist.txt is missing");
      }
      return parse(new String(in.readNBytes(MAX_BYTES), StandardCharsets.UTF_8), "the bundled watchlist");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the bundled ca-watchlist.txt", e);
    }
  }

  /**
   * The watchlist of {@code --ca-watchlist FILE}, or the bundled one when {@code file} is null.
   *
   * @param usageCode the exit code of a file that is not a watchlist (66, or 3 for monitor)
   * @throws CommandException when the file cannot be read or a line is not an entry (the line is named)
   */
  public static CaWatchlist load(Path file, int usageCode) {
    if (file == null) {
      return bundled();
    }
    try {
      byte[] bytes = InputFile.read(file, "CA watchlist", MAX_BYTES);
      return parse(new String(bytes, StandardCharsets.UTF_8), "--ca-watchlist " + OneLineErrors.echo(file));
    } catch (IllegalArgumentException e) {
      throw new CommandException(usageCode, e.getMessage(), e);
    } catch (CommandException e) {
      throw new CommandException(usageCode, e.getMessage(), e);
    }
  }

  /**
   * Parses the watchlist format (see the bundled file's header).
   *
   * @param where what the text is, for messages
   * @throws IllegalArgumentException naming the line and what is wrong with it
   */
  public static CaWatchlist parse(String text, String where) {
    List<Entry> entries = new ArrayList<>();
    String asOf = null;
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String at = where + " line " + (i + 1) + ": ";
      if (line.startsWith("as-of:")) {
        asOf = line.substring("as-of:".length()).strip();
        continue;
      }
      String[] f = line.split("\\|", -1);
      if (f.length != 6) {
        throw new IllegalArgumentException(at + "expected 6 fields separated by '|' (CA | NAME | STATUS | KEY |"
            + " SUBJECT | SPKI-SHA256), got " + f.length);
      }
      for (int j = 0; j < f.length; j++) {
        f[j] = f[j].strip();
      }
      String status = f[2].toLowerCase(Locale.ROOT);
      if (!Set.of("active", "backup", "retired").contains(status)) {
        throw new IllegalArgumentException(at + "status must be active, backup or retired, got '"
            + OneLineErrors.echo(f[2]) + "'");
      }
      String key = f[3].toUpperCase(Locale.ROOT);
      if (!Set.of("RSA", "ECDSA").contains(key)) {
        throw new IllegalArgumentException(at + "key type must be RSA or ECDSA, got '" + OneLineErrors.echo(f[3])
            + "'");
      }
      X500Principal subject;
      try {
        subject = new X500Principal(f[4]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + "not a subject name (RFC 2253): '" + OneLineErrors.echo(f[4])
            + "'", e);
      }
      String spki = f[5].toLowerCase(Locale.ROOT);
      if (spki.equals("-")) {
        spki = null;
      } else if (!HEX64.matcher(spki).matches()) {
        throw new IllegalArgumentException(at + "SPKI-SHA256 must be 64 hex digits or '-', got '"
            + OneLineErrors.echo(f[5]) + "'");
      }
      if (f[0].isEmpty() || f[1].isEmpty()) {
        throw new IllegalArgumentException(at + "empty CA or intermediate name");
      }
      entries.add(new Entry(f[0], f[1], status, key, subject, spki));
    }
    return new CaWatchlist(entries, asOf);
  }

  /**
   * The findings for one host: for each CA and key type that a DANE-TA record of {@code tlsa} pins, the
   * issuing (active or backup) intermediates of that CA and key type that no record covers.
   *
   * @param tlsa the host's TLSA RRset
   * @param chain the chain the host presented (may be empty), to recognise records by the CA they match
   */
  public List<Finding> findings(List<TlsaRecord> tlsa, List<X509Certificate> chain) {
    Map<String, Set<Entry>> pinned = new LinkedHashMap<>(); // "CA|KEY" -> entries pinned
    Set<Entry> covered = new LinkedHashSet<>();
    Map<Entry, TlsaRecord> by = new LinkedHashMap<>();
    for (TlsaRecord record : tlsa) {
      if (!record.usableForSmtp() || !record.usage().equals(CertUsage.DANE_TA)) {
        continue;
      }
      for (Entry e : entries) {
        if (pins(record, e, chain)) {
          pinned.computeIfAbsent(e.ca() + "|" + e.keyType(), k -> new LinkedHashSet<>()).add(e);
          covered.add(e);
          by.putIfAbsent(e, record);
        }
      }
    }
    List<Finding> out = new ArrayList<>();
    for (Set<Entry> group : pinned.values()) {
      Entry first = group.iterator().next();
      List<Entry> missing = entries.stream().filter(e -> e.ca().equals(first.ca())
          && e.keyType().equals(first.keyType()) && e.issuing() && !covered.contains(e)).toList();
      if (missing.isEmpty()) {
        continue;
      }
      List<String> pins = group.stream().map(e -> "2 " + by.get(e).selector().value() + " "
          + by.get(e).matchingType().value() + " " + by.get(e).dataHex().substring(0, 8) + "... = " + e.label())
          .toList();
      boolean onlyRetired = group.stream().noneMatch(Entry::issuing);
      String message = "DANE-TA pins " + first.ca() + "'s " + String.join(", ", pins) + (onlyRetired
          ? ", which " + first.ca() + " no longer issues from; the next renewal comes from "
          : ", but " + first.ca() + " also issues, or may switch without warning, from ")
          + String.join(", ", missing.stream().map(Entry::label).toList()) + " (" + first.keyType()
          + " keys; watchlist as of " + (asOf == null ? "an unknown date" : asOf) + "): after a renewal from"
          + " one of those no 2 x x record matches.";
      List<String> publish = new ArrayList<>();
      for (Entry e : missing) {
        publish.add(e.spkiSha256() == null ? "a 2 1 1 for " + e.name() + " (" + e.subject().getName() + ")"
            : "2 1 1 " + e.spkiSha256() + " (" + e.name() + ")");
      }
      String fix = "publish " + String.join(", ", publish) + (onlyRetired ? " now, and remove the retired pin"
          + " once no certificate of it is in service" : "") + "; or keep a 3 1 1 of the server key and"
          + " publish the next one before each renewal";
      out.add(new Finding(WarningCode.TA_PINS_ONE_INTERMEDIATE, message, fix));
    }
    return out;
  }

  /** Whether a DANE-TA record names this intermediate: by its 2 1 1 data, or by the presented CA it matches. */
  private static boolean pins(TlsaRecord record, Entry e, List<X509Certificate> chain) {
    if (e.spkiSha256() != null && record.selector().equals(Selector.SPKI)
        && record.matchingType().equals(MatchingType.SHA2_256)) {
      return record.dataHex().equalsIgnoreCase(e.spkiSha256());
    }
    for (int depth = 1; depth < chain.size(); depth++) {
      X509Certificate c = chain.get(depth);
      if (c.getSubjectX500Principal().equals(e.subject()) && TlsaRecord.of(c, CertUsage.DANE_TA, record.selector(),
          record.matchingType()).dataHex().equalsIgnoreCase(record.dataHex())) {
        return true;
      }
    }
    return false;
  }
}
