package org.dane4j.cli;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.dane4j.smtp.DeliveryPlan;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The one line a network command ends with when its DNS lookups failed because the resolver itself did not
 * answer: which resolver, and whether it refused the queries or let the {@code --timeout} run out. The
 * command's own output already says "lookup failed" per name; this line says where to look, and that a
 * failed lookup is not "no records".
 */
public final class ResolverTrouble {
  /** How dane-core's resolver begins the reason of a lookup that got no response at all. */
  static final String NO_ANSWER = "no answer from the upstream";

  private ResolverTrouble() {}

  /**
   * The explanation, if any of {@code reasons} (the failure reasons of the command's lookups, plans or
   * deliveries; nulls are ignored) says the resolver gave no answer.
   *
   * @param servers the resolver's upstream servers
   * @param timeout the per-query timeout in use
   */
  public static Optional<String> explain(List<InetSocketAddress> servers, Duration timeout,
      Collection<String> reasons) {
    List<String> noAnswer = reasons.stream().filter(Objects::nonNull).filter(r -> r.contains(NO_ANSWER)).toList();
    if (noAnswer.isEmpty()) {
      return Optional.empty();
    }
    String names = servers.stream().map(ResolverTrouble::format).collect(Collectors.joining(", "));
    String what = servers.size() == 1 ? "the resolver " + names : "the resolvers " + names;
    boolean refused = noAnswer.stream().allMatch(r -> r.contains("PortUnreachable"));
    return Optional.of("DNS lookups failed (not \"no records\"): " + what + (refused
        ? " refused the queries (ICMP port unreachable: is a DNS server listening there?)"
        : " did not answer within " + timeout.toSeconds() + " s (--timeout)"));
  }

  /** Prints {@link #explain} as the command's last line on stderr, prefixed like every other error line. */
  public static void report(CommandSpec spec, List<InetSocketAddress> servers, Duration timeout,
      Collection<String> reasons) {
    explain(servers, timeout, reasons).ifPresent(line -> {
      PrintWriter err = spec.commandLine().getErr();
      err.println(spec.qualifiedName() + ": " + line);
      err.flush();
    });
  }

  /** The reasons a plan gives: its failure's and each route's. */
  public static List<String> reasons(DeliveryPlan plan) {
    List<String> all = new ArrayList<>();
    plan.failure().ifPresent(f -> all.add(f.reason()));
    plan.routes().forEach(r -> all.add(r.reason()));
    return all;
  }

  /** {@code 192.0.2.1:53}, {@code [2001:db8::1]:53}. */
  static String format(InetSocketAddress a) {
    String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
