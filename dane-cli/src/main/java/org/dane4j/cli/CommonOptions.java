package org.dane4j.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dane4j.dns.DaneResolver;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The options every network command shares (a picocli mixin), and the {@link DaneResolver} they describe
 * ({@link #resolver()}: the one place a command builds its resolver). Every name the command resolves goes
 * through that resolver, never the JVM's: {@code --resolver} takes IP literals only. With in-process
 * validation the resolver keeps the chain of trust's DS and DNSKEY answers between runs in a key cache file
 * ({@link #defaultKeyCache}; {@code --no-key-cache} turns it off), validated again on every use.
 */
public final class CommonOptions {
  /** The key cache file under the cache directory ({@link #defaultKeyCache}). */
  static final String KEY_CACHE_FILE = "dane4j/dnssec-keys";

  /** The default DNS timeout, seconds. */
  static final int DEFAULT_TIMEOUT = 5;

  @Option(names = "--resolver", paramLabel = "ADDR[:PORT]", converter = ResolverAddress.class,
      description = "Upstream DNS server: an IP address, IPv6 in brackets when a port follows ([::1]:53);"
          + " repeatable. Default: the servers in resolv.conf (/etc/resolv.conf). DNSSEC is validated in"
          + " process.")
  List<InetSocketAddress> resolvers = new ArrayList<>();

  @Option(names = "--trust-ad", description = "Trust the AD bit of a loopback validating resolver instead of"
      + " validating DNSSEC in process (not with --trust-anchor). Whether it validates is probed first.")
  boolean trustAd;

  @Option(names = "--trust-anchor", paramLabel = "FILE",
      description = "DS or DNSKEY records (master-file text) replacing the IANA root trust anchors (not with"
          + " --trust-ad).")
  Path trustAnchor;

  @Option(names = "--no-key-cache", description = "Do not keep the DNSSEC keys of the chain of trust (DS and"
      + " DNSKEY answers, validated again on every use) between runs in $XDG_CACHE_HOME/dane4j/dnssec-keys"
      + " (default: ~/.cache/dane4j/dnssec-keys).")
  boolean noKeyCache;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "" + DEFAULT_TIMEOUT,
      description = "Seconds to wait for one DNS answer, and (x6) for one SMTP connection (1..60;"
          + " default: ${DEFAULT-VALUE}).")
  int timeoutSeconds = DEFAULT_TIMEOUT;

  @Option(names = "--json", description = "Print one JSON document on stdout (schema in the README).")
  boolean json;

  @Option(names = "--no-color", description = "No colours (there are none unless stdout is a terminal; NO_COLOR works too).")
  boolean noColor;

  @Option(names = "--verbose", description = "Show stack traces with errors.")
  boolean verbose;

  /** Whether the output should be JSON. */
  public boolean json() {
    return json;
  }

  /** The colours of the human-readable output: none with --json, --no-color, NO_COLOR or no terminal. */
  public Colors colors() {
    return json ? Colors.NONE : Colors.forStdout(noColor);
  }

  /** Progress lines on {@code err}, only when standard error is a terminal (never on stdout). */
  public Progress progress(java.io.PrintWriter err) {
    return Progress.on(err);
  }

  /** The DNS and SMTP timeout unit. */
  public Duration timeout() {
    return Duration.ofSeconds(timeoutSeconds);
  }

  /**
   * The resolver the options describe.
   *
   * @throws CommandException (exit 64, 66 or 69) when the options do not make a resolver (66: the
   *     --trust-anchor file cannot be read or holds no trust anchor, see {@link TrustAnchorFile})
   */
  public DaneResolver resolver() {
    if (timeoutSeconds < 1 || timeoutSeconds > 60) {
      throw new CommandException(ExitCodes.USAGE, "--timeout must be 1..60 seconds, got " + timeoutSeconds,
          null);
    }
    if (trustAd && trustAnchor != null) {
      throw new CommandException(ExitCodes.USAGE, "--trust-anchor and --trust-ad cannot be combined: with"
          + " --trust-ad the resolver validates DNSSEC with its own trust anchors and dane4j only reads its AD bit,"
          + " so --trust-anchor would be ignored; drop one of them", null);
    }
    DaneResolver.Builder b = DaneResolver.builder().timeout(timeout());
    resolvers.forEach(b::servers);
    if (trustAd) {
      b.trustAd();
    }
    if (trustAnchor != null) {
      TrustAnchorFile.apply(b, trustAnchor);
    }
    Path keyCache = noKeyCache || trustAd ? null
        : defaultKeyCache(System.getenv("XDG_CACHE_HOME"), System.getProperty("user.home"));
    if (keyCache != null) {
      b.keyCache(keyCache);
    }
    try {
      return b.build();
    } catch (IllegalStateException e) {
      int code = trustAd ? ExitCodes.USAGE : ExitCodes.UNAVAILABLE;
      throw new CommandException(code, e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      // build() checks one argument only: the trust anchor text, which comes from the --trust-anchor file
      throw trustAnchor != null ? TrustAnchorFile.refused(trustAnchor, e)
          : new CommandException(ExitCodes.USAGE, e.getMessage(), e);
    }
  }

  /**
   * Where the DNSSEC key cache of the commands lives ({@link DaneResolver.Builder#keyCache}): {@code dane4j/dnssec-keys}
   * under {@code $XDG_CACHE_HOME} when that is an absolute path (XDG Base Directory
   * Specification), else under {@code ~/.cache}; null when neither is known. Not used with {@code --trust-ad}
   * (the upstream validates) or {@code --no-key-cache}.
   */
  static Path defaultKeyCache(String xdgCacheHome, String userHome) {
    if (xdgCacheHome != null && !xdgCacheHome.isEmpty()) {
      Path xdg = Path.of(xdgCacheHome);
      if (xdg.isAbsolute()) {
        return xdg.resolve(KEY_CACHE_FILE);
      }
    }
    if (userHome == null || userHome.isEmpty()) {
      return null;
    }
    return Path.of(userHome, ".cache").resolve(KEY_CACHE_FILE);
  }

  /** {@code ADDR[:PORT]} with ADDR an IPv4 or IPv6 literal; a host name is refused, never looked up. */
  public static final class ResolverAddress implements ITypeConverter<InetSocketAddress> {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern BRACKETED = Pattern.compile("\\[([0-9A-Fa-f:.]+)](?::(\\d{1,5}))?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f]*:[0-9A-Fa-f:.]*");

    @Override
    public InetSocketAddress convert(String value) {
      return parse(value, 53);
    }

    /** Parses {@code ADDR[:PORT]}; {@code defaultPort} when no port is given. */
    public static InetSocketAddress parse(String value, int defaultPort) {
      String host = value;
      String port = null;
      Matcher bracketed = BRACKETED.matcher(value);
      if (bracketed.matches()) {
        host = bracketed.group(1);
        port = bracketed.group(2);
      } else if (!IPV6.matcher(value).matches() || value.chars().filter(c -> c == ':').count() == 1) {
        int colon = value.lastIndexOf(':');
        if (colon >= 0) {
          host = value.substring(0, colon);
          port = value.substring(colon + 1);
        }
      }
      InetAddress address = literal(host);
      if (address == null) {
        throw new TypeConversionException("'" + OneLineErrors.echo(value) + "' is not an IP address (names are"
            + " not resolved here: give the server's IPv4 or IPv6 address)");
      }
      int p = defaultPort;
      if (port != null) {
        try {
          p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
          p = -1;
        }
        if (p < 1 || p > 65535) {
          throw new TypeConversionException("'" + OneLineErrors.echo(value) + "': not a port: '"
              + OneLineErrors.echo(port) + "'");
        }
      }
      return new InetSocketAddress(address, p);
    }

    /** The address of an IP literal, or null when {@code text} is not one; never a DNS lookup. */
    static InetAddress literal(String text) {
      try {
        Matcher v4 = IPV4.matcher(text);
        if (v4.matches()) {
          byte[] bytes = new byte[4];
          for (int i = 0; i < 4; i++) {
            int octet = Integer.parseInt(v4.group(i + 1));
            if (octet > 255) {
              return null;
            }
            bytes[i] = (byte) octet;
          }
          return InetAddress.getByAddress(bytes);
        }
        if (IPV6.matcher(text).matches() && text.indexOf(':') != text.lastIndexOf(':')) {
          return InetAddress.getByName(text); // a literal with colons is parsed, never looked up
        }
      } catch (UnknownHostException e) {
        return null;
      }
      return null;
    }
  }
}
