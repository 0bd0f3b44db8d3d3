package org.dane4j.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * What one message demands of the TLS of its delivery (RFC 8689; checklist RTLS-1, RTLS-2).
 *
 * <ul>
 *   <li>{@link #NONE}: the routes' own policy (DANE, MTA-STS, opportunistic) as usual;</li>
 *   <li>{@link #REQUIRETLS}: the message travels only over a DANE-verified or MTA-STS-enforce-verified route to a
 *       server that announces {@code REQUIRETLS} after STARTTLS, and MAIL FROM carries the {@code REQUIRETLS}
 *       parameter (RFC 8689 §4.2.1); otherwise the recipient fails with {@code 5.7.30};</li>
 *   <li>{@link #TLS_REQUIRED_NO}: the message has the header {@code TLS-Required: No} (RFC 8689 §5): it is
 *       delivered even when DANE or MTA-STS verification fails, and the report says so.</li>
 * </ul>
 *
 * <p>Where it comes from: the API ({@link Envelope#withRequireTls}), the {@code REQUIRETLS} MAIL parameter a
 * relaying MTA received (it sets the same API flag), the pipeline header {@value #REQUEST_HEADER}{@code : Yes}
 * (as Postfix 3.11 names it; removed before sending, see {@link #withoutRequestHeader}), and the message header
 * {@value #TLS_REQUIRED_HEADER}{@code : No}. A requirement of REQUIRETLS wins over {@code TLS-Required: No}
 * (RFC 8689 §5: with the MAIL parameter the header is ignored).
 */
public enum RequireTls {
  /** No per-message requirement. */
  NONE,
  /** REQUIRETLS (RFC 8689 §4.2.1). */
  REQUIRETLS,
  /** {@code TLS-Required: No} (RFC 8689 §5). */
  TLS_REQUIRED_NO;

  /**
   * The header that asks for REQUIRETLS through a content filter or pipeline that cannot carry the MAIL
   * parameter ({@code Require-TLS-ESMTP: Yes}, Postfix 3.11's name); not defined by RFC 8689.
   */
  public static final String REQUEST_HEADER = "Require-TLS-ESMTP";
  /** The header of RFC 8689 §5 ({@code TLS-Required: No}). */
  public static final String TLS_REQUIRED_HEADER = "TLS-Required";
  /** The most octets of header section searched for the two headers; a longer header section is cut there. */
  public static final int MAX_HEADER_SECTION_OCTETS = 1 << 20;

  /** The keyword of the EHLO reply and the MAIL FROM parameter (RFC 8689 §2). */
  public static final String KEYWORD = "REQUIRETLS";

  /**
   * The requirement the message's own header section states: {@link #REQUIRETLS} for
   * {@value #REQUEST_HEADER}{@code : Yes}, {@link #TLS_REQUIRED_NO} for {@value #TLS_REQUIRED_HEADER}{@code : No}
   * (values compared without regard to case and surrounding white space), else {@link #NONE}. Only the header
   * section is read (up to the first empty line, at most {@value #MAX_HEADER_SECTION_OCTETS} octets).
   *
   * @param message the message, CRLF line ends
   */
  public static RequireTls fromHeaders(byte[] message) {
    Objects.requireNonNull(message, "message");
    if (!mayName(message, headerEnd(message))) {
      return NONE; // neither field can be there: no String of the header section is made (issue #17)
    }
    boolean request = false;
    boolean no = false;
    for (String[] field : fields(message)) {
      if (field[0].equalsIgnoreCase(REQUEST_HEADER) && field[1].equalsIgnoreCase("yes")) {
        request = true;
      } else if (field[0].equalsIgnoreCase(TLS_REQUIRED_HEADER) && field[1].equalsIgnoreCase("no")) {
        no = true;
      }
    }
    return request ? REQUIRETLS : no ? TLS_REQUIRED_NO : NONE;
  }

  /**
   * This requirement combined with another source's: REQUIRETLS wins over everything, then
   * {@code TLS-Required: No}, then none.
   */
  public RequireTls and(RequireTls other) {
    Objects.requireNonNull(other, "other");
    if (this == REQUIRETLS || other == REQUIRETLS) {
      return REQUIRETLS;
    }
    return this == TLS_REQUIRED_NO || other == TLS_REQUIRED_NO ? TLS_REQUIRED_NO : NONE;
  }

  /**
   * The message without its {@value #REQUEST_HEADER} fields (continuation lines included). The header is a
   * local signal between a pipeline and its sender, not part of RFC 8689: once the requirement is taken from
   * it, it travels as the {@code REQUIRETLS} MAIL parameter, which the next hop must honour (RFC 8689 §4.1);
   * left in the message it would reach the recipient and make a later hop that reads it (Postfix) demand
   * REQUIRETLS even where the sender's hop chose an opportunistic relay. The same array is returned when there
   * is no such field. {@code TLS-Required} is never removed: it belongs to the message (RFC 8689 §5).
   */
  public static byte[] withoutRequestHeader(byte[] message) {
    Objects.requireNonNull(message, "message");
    int end = headerEnd(message);
    if (!mayName(message, end)) {
      return message; // no such field can be there
    }
    StringBuilder kept = new StringBuilder();
    String head = new String(message, 0, end, StandardCharsets.ISO_8859_1);
    boolean removed = false;
    boolean dropping = false;
    int i = 0;
    while (i < head.length()) {
      int nl = head.indexOf('\n', i);
      int next = nl < 0 ? head.length() : nl + 1;
      String line = head.substring(i, next);
      boolean continuation = !line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t');
      if (!continuation) {
        int colon = line.indexOf(':');
        dropping = colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(REQUEST_HEADER);
      }
      if (dropping) {
        removed = true;
      } else {
        kept.append(line);
      }
      i = next;
    }
    if (!removed) {
      return message;
    }
    byte[] front = kept.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[front.length + message.length - end];
    System.arraycopy(front, 0, out, 0, front.length);
    System.arraycopy(message, end, out, front.length, message.length - end);
    return out;
  }

  /**
   * Whether the first {@code end} octets hold {@code "tls-"} in any case: both field names contain it, and a
   * field name, however the header is folded or padded, is a run of consecutive octets of the header section.
   * Without it neither field can be there, and the header section need not be parsed (most messages; the
   * profile of a reused connection showed the parse at about 2 % of the client's CPU per message, issue #17).
   */
  private static boolean mayName(byte[] m, int end) {
    for (int i = 0; i + 3 < end; i++) {
      if ((m[i] | 0x20) == 't' && (m[i + 1] | 0x20) == 'l' && (m[i + 2] | 0x20) == 's' && m[i + 3] == '-') {
        return true;
      }
    }
    return false;
  }

  /** Where the header section ends: the index of its empty line (or the cap, or the end of the message). */
  private static int headerEnd(byte[] m) {
    if (m.length > 0 && (m[0] == '\n' || (m[0] == '\r' && m.length > 1 && m[1] == '\n'))) {
      return 0;
    }
    int limit = Math.min(m.length, MAX_HEADER_SECTION_OCTETS);
    for (int i = 0; i + 1 < limit; i++) {
      if (m[i] == '\n' && (m[i + 1] == '\n' || (m[i + 1] == '\r' && i + 2 < m.length && m[i + 2] == '\n'))) {
        return i + 1;
      }
    }
    return limit;
  }

  /** The header fields as name and unfolded, stripped value. */
  private static java.util.List<String[]> fields(byte[] message) {
    String head = new String(message, 0, headerEnd(message), StandardCharsets.ISO_8859_1);
    java.util.List<String[]> out = new java.util.ArrayList<>();
    StringBuilder current = null;
    for (String line : head.split("\r?\n")) {
      if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
        current.append(' ').append(line.strip());
        continue;
      }
      if (current != null) {
        add(out, current.toString());
      }
      current = new StringBuilder(line);
    }
    if (current != null) {
      add(out, current.toString());
    }
    return out;
  }

  private static void add(java.util.List<String[]> out, String field) {
    int colon = field.indexOf(':');
    if (colon > 0) {
      out.add(new String[] {field.substring(0, colon).strip().toLowerCase(Locale.ROOT),
          field.substring(colon + 1).strip()});
    }
  }
}
