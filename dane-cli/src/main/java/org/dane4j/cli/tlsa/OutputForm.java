package org.dane4j.cli.tlsa;

import java.util.Locale;

/** How {@code tlsa create} writes a record: RFC 6698 presentation form, RFC 3597 generic form, or both. */
enum OutputForm {
  RFC, GENERIC, BOTH;

  /** The lower-case name, as typed on the command line. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
