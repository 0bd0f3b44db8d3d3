package org.dane4j.testkit.dns;

import java.util.Objects;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * One question a {@link DnsTestServer} received.
 *
 * @param name the query name
 * @param type the query type, a {@link Type} value
 * @param tcp whether it came over TCP (else UDP)
 */
public record DnsQuery(Name name, int type, boolean tcp) {
  /** Checks the fields. */
  public DnsQuery {
    Objects.requireNonNull(name, "name");
  }

  /** Whether this is a query for {@code name} (absolute) and {@code type}. */
  public boolean is(String name, int type) {
    return this.type == type && this.name.equals(Name.fromConstantString(name.endsWith(".") ? name : name + "."));
  }

  @Override
  public String toString() {
    return name + "/" + Type.string(type) + (tcp ? "/tcp" : "/udp");
  }
}
