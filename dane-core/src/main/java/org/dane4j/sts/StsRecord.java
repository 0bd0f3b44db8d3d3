package org.dane4j.sts;

import java.util.List;
import java.util.regex.Pattern;

/** The {@code _mta-sts} TXT record (RFC 8461 §3.1): picks the one {@code v=STSv1} record and reads its id. */
final class StsRecord {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9]{1,32}");
  private static final Pattern EXTENSION_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
  private static final Pattern EXTENSION_VALUE = Pattern.compile("[\\x21-\\x3a\\x3c\\x3e-\\x7e]+");

  private StsRecord() {}

  /** Whether a TXT record's text is an MTA-STS record at all ({@code v=STSv1} then a separator or the end). */
  static boolean isSts(String text) {
    if (!text.startsWith("v=STSv1")) {
      return false;
    }
    String rest = text.substring("v=STSv1".length());
    return rest.isEmpty() || rest.charAt(0) == ';' || rest.charAt(0) == ' ' || rest.charAt(0) == '\t';
  }

  /**
   * Picks the id from the TXT texts at {@code _mta-sts.<domain>}.
   *
   * @throws IllegalArgumentException with the reason the domain must be taken to have no policy: no
   *     {@code v=STSv1} record, more than one, or one that breaks the §3.1 syntax
   */
  static String id(List<String> texts) {
    List<String> sts = texts.stream().filter(StsRecord::isSts).toList();
    if (sts.isEmpty()) {
      throw new IllegalArgumentException("no TXT record starts with v=STSv1");
    }
    if (sts.size() > 1) {
      throw new IllegalArgumentException(sts.size()
          + " TXT records start with v=STSv1 (RFC 8461 §3.1: exactly one, else no policy)");
    }
    return parseId(sts.get(0));
  }

  private static String parseId(String text) {
    String[] parts = text.split(";", -1);
    String id = null;
    for (int i = 1; i < parts.length; i++) {
      String field = parts[i].strip();
      if (field.isEmpty() && i == parts.length - 1 && i > 1) {
        break;   // one trailing separator is allowed
      }
      int eq = field.indexOf('=');
      if (eq <= 0) {
        throw invalid(text, "field \"" + StsPolicy.printable(field) + "\" is not name=value");
      }
      String name = field.substring(0, eq);
      String value = field.substring(eq + 1);
      if (name.equals("id")) {
        if (id != null) {
          throw invalid(text, "id given twice");
        }
        if (!ID.matcher(value).matches()) {
          throw invalid(text, "id must be 1 to 32 letters or digits");
        }
        id = value;
      } else if (!EXTENSION_NAME.matcher(name).matches() || !EXTENSION_VALUE.matcher(value).matches()) {
        throw invalid(text, "field \"" + StsPolicy.printable(field) + "\" is not a valid extension");
      }
    }
    if (!parts[0].strip().equals("v=STSv1")) {
      throw invalid(text, "v=STSv1 must be followed by \";\"");
    }
    if (id == null) {
      throw invalid(text, "no id field");
    }
    return id;
  }

  private static IllegalArgumentException invalid(String text, String what) {
    return new IllegalArgumentException("invalid MTA-STS TXT record \"" + StsPolicy.printable(text)
        + "\" (RFC 8461 §3.1): " + what);
  }
}
