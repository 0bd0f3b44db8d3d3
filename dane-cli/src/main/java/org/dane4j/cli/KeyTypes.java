package org.dane4j.cli;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dane4j.cli.send.Reports;
import org.dane4j.smtp.MxRoute;
import org.dane4j.smtp.ServerKeyType;
import org.dane4j.smtp.TlsRequirement;
import org.dane4j.smtp.TlsVerdict;
import org.dane4j.tlsa.TlsaRecord;

/**
 * Every key type a DANE host presents, each judged against its TLSA RRset (issue #16): after the default
 * probe (which gets the certificate a sender with the JDK's preferences gets), one more probe per other key
 * type ({@link ServerKeyType#probeable()}: RSA and ECDSA on Java 17, RSA, ECDSA and Ed25519 on Java 19+),
 * each through {@link RouteProbe} and so through the engine's session with the route's DANE trust manager.
 * A server with an RSA and an ECDSA certificate whose TLSA records cover only one of them fails every sender
 * that gets the other (RFC 7671 §5.1: the records must match every certificate the server may present;
 * danecheck's "neglected ECDSA record"): {@link WarningCode#KEY_TYPE_NOT_COVERED}.
 *
 * <p>Cost: at most two more handshakes per address (one on Java 17), only on DANE routes whose default probe
 * completed a handshake, each bounded by the same limits as the default probe.
 */
public final class KeyTypes {
  private KeyTypes() {}

  /**
   * One certificate the host presented for one key type.
   *
   * @param keyType the key type asked for, or the default probe's leaf type
   * @param asked "default" for the sender's handshake, else the key type asked for alone
   * @param result what that probe saw
   * @param offered whether the server presented a certificate of that type
   * @param verified whether the TLSA RRset authenticates it
   */
  public record Entry(ServerKeyType keyType, String asked, RouteProbe.Result result, boolean offered,
      boolean verified) {
    /** The entry as JSON. */
    public Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("key_type", keyType.name());
      m.put("asked", asked);
      m.put("offered", offered);
      X509Certificate leaf = result.chain().isEmpty() ? null : result.chain().get(0);
      m.put("subject", offered && leaf != null ? leaf.getSubjectX500Principal().getName() : null);
      m.put("sha256_spki", offered && leaf != null ? ChainJson.sha256Spki(leaf) : null);
      m.put("tls_protocol", result.protocol());
      m.put("verified", offered ? verified : null);
      m.put("tlsa_match", result.verification().filter(v -> v.verified()).flatMap(v -> v.matchedRecord())
          .map(TlsaRecord::toString).orElse(null));
      m.put("detail", result.detail());
      return m;
    }

    /** One line for the text output, e.g. {@code ECDSA: verified by 3 1 1 ab12...}. */
    public String line() {
      if (!offered) {
        return keyType + ": not offered (" + Reports.shorten(result.detail(), 100) + ")";
      }
      return keyType + ": " + (verified ? "verified by " + result.verification().flatMap(v -> v.matchedRecord())
          .map(Reports::abbreviate).orElse("a TLSA record") : "NOT covered by any TLSA record")
          + " (SPKI " + ChainJson.sha256Spki(result.chain().get(0)).substring(0, 16) + "...)";
    }
  }

  /**
   * Probes the other key types of {@code address} on a DANE {@code route} after its default probe
   * {@code first}; an empty list when there is nothing to judge (not a DANE route, or no handshake).
   */
  public static List<Entry> probe(RouteProbe probe, MxRoute route, InetAddress address, RouteProbe.Result first) {
    if (route.requirement() != TlsRequirement.DANE || first.chain().isEmpty()) {
      return List.of();
    }
    List<Entry> entries = new ArrayList<>();
    Optional<ServerKeyType> firstType = ServerKeyType.of(first.chain().get(0).getPublicKey());
    if (firstType.isEmpty()) {
      return List.of(); // a DSA or other key: no family to ask for
    }
    entries.add(new Entry(firstType.get(), "default", first, true, first.verdict() != TlsVerdict.FAILED));
    for (ServerKeyType type : ServerKeyType.probeable()) {
      if (type.covers(firstType.get())) {
        continue;
      }
      RouteProbe.Result r = probe.probe(route, address, type);
      if (r.chain().isEmpty()) {
        entries.add(new Entry(type, type.name(), r, false, false));
        continue;
      }
      X509Certificate leaf = r.chain().get(0);
      ServerKeyType presented = ServerKeyType.of(leaf.getPublicKey()).orElse(type);
      String spki = ChainJson.sha256Spki(leaf);
      boolean seen = entries.stream().anyMatch(e -> e.offered() && ChainJson.sha256Spki(e.result().chain().get(0))
          .equals(spki));
      if (!seen) {
        entries.add(new Entry(presented, type.name(), r, true, r.verdict() != TlsVerdict.FAILED));
      }
    }
    return entries;
  }

  /** The entries that the server offers but no TLSA record covers, while another key type is covered. */
  public static List<Entry> uncovered(List<Entry> entries) {
    boolean anyVerified = entries.stream().anyMatch(Entry::verified);
    return anyVerified ? entries.stream().filter(e -> e.offered() && !e.verified()).toList() : List.of();
  }

  /** A {@link WarningCode#KEY_TYPE_NOT_COVERED} finding per {@link #uncovered} entry. */
  public static List<Finding> findings(List<Entry> entries) {
    return uncovered(entries).stream().map(e -> new Finding(WarningCode.KEY_TYPE_NOT_COVERED, message(e, entries),
        fix(e))).toList();
  }

  /** The warning message of an {@link #uncovered} entry. */
  static String message(Entry e, List<Entry> all) {
    String covered = String.join(" and ", all.stream().filter(Entry::verified).map(x -> x.keyType().name())
        .toList());
    return "the server also presents an " + e.keyType() + " certificate that no TLSA"
        + " record authenticates (only its " + covered + " certificate is covered): DANE senders whose"
        + " handshake picks " + e.keyType() + " defer mail to this host.";
  }

  /** The fix of an {@link #uncovered} entry: the 3 1 1 of its key, or a 2 1 1 of its issuer. */
  static String fix(Entry e) {
    List<X509Certificate> chain = e.result().chain();
    return "publish 3 1 1 " + ChainJson.sha256Spki(chain.get(0)) + " for the " + e.keyType() + " key"
        + (chain.size() > 1 ? " (or a 2 1 1 of its issuing CA " + ChainJson.sha256Spki(chain.get(1)) + ")" : "")
        + " beside the records of the other certificate";
  }
}
