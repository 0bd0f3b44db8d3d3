package org.dane4j.cli.tlsa;

import java.util.Locale;

/** The transport label of a TLSA owner name (RFC 6698 §3): {@code _tcp}, {@code _udp} or {@code _sctp}. */
enum Transport {
  TCP, UDP, SCTP;

  /** The lower-case label, as typed on the command line and written in the owner name. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
