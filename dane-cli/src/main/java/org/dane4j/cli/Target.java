package org.dane4j.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dane4j.smtp.Destination;

/**
 * What {@code check} and {@code monitor} are pointed at, in Postfix's next-hop syntax (RFC 7672 §2.2.1 for
 * MX hosts, checklist POL-2 for a host given by name):
 * <ul>
 *   <li>{@code example.com}, {@code example.com:587}: a mail domain, its MX hosts looked up, on port 25 or
 *       the given port (the TLSA records are then looked up at that port);</li>
 *   <li>{@code [mx.example.com]}, {@code [mx.example.com]:587}: that host only, no MX lookup; the host name
 *       is the TLSA base domain;</li>
 *   <li>{@code [192.0.2.1]}, {@code [2001:db8::1]:587}: refused with the reason: TLSA records are published
 *       under a host name ({@code _25._tcp.HOST}), so an address has no DANE to check.</li>
 * </ul>
 * A port in the target and a different {@code --port} are refused as contradictory.
 */
public final class Target {
  private static final Pattern PORT = Pattern.compile("\\d{1,5}");

  private Target() {}

  /**
   * Parses {@code text}; {@code port} is {@code --port}, or null when not given.
   *
   * @throws IllegalArgumentException with a message that names what is wrong
   */
  public static Destination parse(String text, Integer port) {
    try {
      return parseOrThrow(text, port);
    } catch (Syntax e) {
      throw new IllegalArgumentException("bad target '" + OneLineErrors.echo(text) + "': " + e.getMessage(), e);
    }
  }

  /** A syntax error of the target, which the message of {@link #parse} quotes. */
  private static final class Syntax extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    Syntax(String message) {
      super(message);
    }
  }

  private static Destination parseOrThrow(String text, Integer port) {
    String s = text.strip();
    if (s.isEmpty()) {
      throw new Syntax("empty target: give a mail domain (example.com) or a host in brackets"
          + " ([mx.example.com]:25)");
    }
    boolean bracketed = s.startsWith("[");
    String host;
    String portText = null;
    if (bracketed) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new Syntax("'[' without ']': write [mx.example.com] or [mx.example.com]:587");
      }
      host = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new Syntax("unexpected '" + OneLineErrors.echo(rest) + "' after ']': only"
              + " ':PORT' may follow, e.g. [mx.example.com]:587");
        }
        portText = rest.substring(1);
      }
      if (host.isEmpty()) {
        throw new Syntax("no host name between '[' and ']'");
      }
      if (isAddress(host)) {
        throw new Syntax("[" + OneLineErrors.echo(host) + "] is an IP address: TLSA records"
            + " are published under a host name (_" + (portText != null && PORT.matcher(portText).matches()
                ? portText : "25") + "._tcp.HOST, RFC 7672 §2.2.3), so an address has no DANE"
            + " to check; give the host name, e.g. [mx.example.com]" + (portText == null ? "" : ":" + portText));
      }
    } else {
      if (s.indexOf(']') >= 0) {
        throw new Syntax("']' without '[': write [mx.example.com]:587");
      }
      int colon = s.indexOf(':');
      if (colon >= 0 && s.indexOf(':', colon + 1) >= 0) {
        throw new Syntax("more than one ':' (an IPv6 address?): an address has no TLSA"
            + " records; give a domain (example.com:587) or a host name ([mx.example.com]:587)");
      }
      host = colon < 0 ? s : s.substring(0, colon);
      portText = colon < 0 ? null : s.substring(colon + 1);
      if (isAddress(host)) {
        throw new Syntax("'" + OneLineErrors.echo(host) + "' is an IP address, not a mail"
            + " domain: TLSA records are published under host names; give the domain or [mx-host-name]");
      }
    }
    int p = 25;
    if (portText != null) {
      if (!PORT.matcher(portText).matches() || Integer.parseInt(portText) < 1
          || Integer.parseInt(portText) > 65535) {
        throw new Syntax("not a port: '" + OneLineErrors.echo(portText) + "' (1..65535)");
      }
      p = Integer.parseInt(portText);
      if (port != null && port != p) {
        throw new Syntax("port " + p + " in the target and --port " + port
            + " disagree: give one of them");
      }
    } else if (port != null) {
      if (port < 1 || port > 65535) {
        throw new Syntax("--port must be 1..65535, got " + port);
      }
      p = port;
    }
    try {
      return bracketed ? Destination.relay(host, p) : Destination.domain(host, p);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException((bracketed ? "not a host name: '" : "not a mail domain: '")
          + OneLineErrors.echo(host) + "': " + OneLineErrors.echoWithin(e.getMessage(), host), e);
    }
  }

  private static boolean isAddress(String host) {
    String h = host.regionMatches(true, 0, "ipv6:", 0, 5) ? host.substring(5) : host;
    return h.indexOf(':') >= 0 || h.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9');
  }
}
