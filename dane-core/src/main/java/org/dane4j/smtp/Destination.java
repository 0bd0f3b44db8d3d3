package org.dane4j.smtp;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where mail goes: a recipient domain, whose MX hosts are looked up (RFC 5321 §5.1), or a relay given by
 * host name, used as is with no MX lookup ({@code [relay.example.com]:587}, checklist POL-2).
 *
 * @param name the recipient domain or relay host name, without a trailing dot, lower case
 * @param port the SMTP port (25 for MX delivery)
 * @param relay whether {@code name} is a relay host rather than a domain to look up MX records for
 */
public record Destination(String name, int port, boolean relay) {
  private static final Pattern BRACKETED = Pattern.compile("^\\[([^\\]]+)\\](?::(\\d{1,5}))?$");

  /** Validates the name and port. */
  public Destination {
    name = HostNames.check(Objects.requireNonNull(name, "name"));
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, got " + port);
    }
  }

  /** A recipient domain: MX lookup, port 25. */
  public static Destination domain(String domain) {
    return new Destination(domain, 25, false);
  }

  /**
   * A recipient domain whose MX hosts are reached on another port than 25 (test networks, special
   * setups); TLSA records are then looked up for that port.
   */
  public static Destination domain(String domain, int port) {
    return new Destination(domain, port, false);
  }

  /** A relay host by name (POL-2): no MX lookup; the host name is the TLSA base domain. */
  public static Destination relay(String host, int port) {
    return new Destination(host, port, true);
  }

  /**
   * Parses Postfix-style next-hop syntax: {@code example.com} (MX lookup, port 25),
   * {@code [relay.example.com]} or {@code [relay.example.com]:587} (a relay host, no MX lookup).
   */
  public static Destination parse(String nextHop) {
    String s = Objects.requireNonNull(nextHop, "nextHop").strip();
    Matcher m = BRACKETED.matcher(s);
    if (m.matches()) {
      return relay(m.group(1), m.group(2) == null ? 25 : Integer.parseInt(m.group(2)));
    }
    return domain(s);
  }

  @Override
  public String toString() {
    return relay ? "[" + name + "]:" + port : name;
  }
}
