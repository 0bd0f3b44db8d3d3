package org.dane4j.cli.tlsa;

import java.net.IDN;
import java.util.Objects;
import java.util.regex.Pattern;
import org.dane4j.cli.OneLineErrors;

/**
 * The owner name of a TLSA record, {@code _25._tcp.mx.example.com.} (RFC 6698 §3), built as hash-slinger's
 * {@code tlsa} builds it: a non-ASCII host is converted with IDNA 2003 (as Python's {@code idna} codec does),
 * a final dot is added, and the host must be lower case with at least two labels. Unlike hash-slinger, empty
 * labels ({@code mx..example.}) and labels over 63 octets are refused too.
 *
 * @param host the host in the form hash-slinger prints it: ASCII, lower case, ending in a dot
 * @param port a port number 1..65535 in decimal, or {@code *} for a wildcard owner
 * @param transport the transport label
 */
record TlsaOwner(String host, String port, Transport transport) {
  private static final Pattern HOST = Pattern.compile("([a-z0-9-]{1,63}\\.){2,}");
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

  TlsaOwner {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(port, "port");
    Objects.requireNonNull(transport, "transport");
  }

  /**
   * The owner for a host and port as typed on the command line.
   *
   * @throws IllegalArgumentException naming what is wrong with the host or the port
   */
  static TlsaOwner parse(String host, String port, Transport transport) {
    return new TlsaOwner(normalizeHost(host), normalizePort(port), transport);
  }

  /** {@code _25._tcp.mx.example.com.}, or {@code *._tcp.mx.example.com.} for the wildcard port. */
  @Override
  public String toString() {
    return (port.equals("*") ? "*" : "_" + port) + "._" + transport + "." + host;
  }

  private static String normalizeHost(String host) {
    String ascii = host;
    if (!host.chars().allMatch(c -> c < 0x80)) {
      try {
        ascii = IDN.toASCII(host);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not a host name: \"" + OneLineErrors.echo(host) + "\" ("
            + OneLineErrors.echoWithin(e.getMessage(), host) + ")", e);
      }
    }
    String dotted = ascii.endsWith(".") ? ascii : ascii + ".";
    if (!HOST.matcher(dotted).matches()) {
      throw new IllegalArgumentException("not a host name: \"" + OneLineErrors.echo(host) + "\": use lower-case"
          + " letters, digits"
          + " and hyphens, in at least two labels of 1 to 63 characters, e.g. mx.example.com");
    }
    return dotted;
  }

  private static String normalizePort(String port) {
    if (port.equals("*")) {
      return port;
    }
    int value = PORT.matcher(port).matches() ? Integer.parseInt(port) : -1;
    if (value < 1 || value > 65535) {
      throw new IllegalArgumentException("port must be 1..65535 or *, got \"" + OneLineErrors.echo(port) + "\"");
    }
    return Integer.toString(value);
  }
}
