package org.dane4j.testkit.dns;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A private, DNSSEC-signed DNS hierarchy for tests, served on loopback by {@link #start()} the way a recursive
 * resolver would answer for it. A signed root zone {@code .} always exists; every zone created below is
 * delegated from its closest hosted ancestor (NS, plus a DS when both are signed). Validate against
 * {@link #trustAnchor()}.
 *
 * <pre>{@code
 * DnsWorld world = DnsWorld.create(clock);
 * world.zone("test.");
 * world.zone("example.test.").add("mx.example.test. 300 IN A 127.0.0.1");
 * world.unsignedZone("insecure.test.");
 * world.fault("mx.example.test.", Type.TLSA, DnsFault.SERVFAIL);
 * try (DnsTestServer server = world.start()) {
 *   // new ValidatingResolver(new SimpleResolver(server.address()), clock) + loadTrustAnchors(world.trustAnchor())
 * }
 * }</pre>
 *
 * <p>Each signed zone has one ECDSA P-256 key (algorithm 13, flags 257), a SHA-256 DS and an NSEC chain;
 * signatures run from one day before the clock's instant to 30 days after, and are renewed when the clock moves
 * by a day. {@link #zone(String, ZoneSigning)} signs a zone otherwise (RSASHA1, a SHA-1 DS, NSEC3 with
 * iterations and salt, short-lived signatures), to build the DNSSEC faults a checker must find. Thread-safe: zones, records and
 * faults may change while a server runs.
 */
public final class DnsWorld {
  private final Object lock = new Object();
  private final Clock clock;
  private final TreeMap<Name, DnsZone> zones = new TreeMap<>();
  private final FaultTable faults = new FaultTable();
  private final AnswerBuilder answers = new AnswerBuilder(this::answering);
  private long generation = 1;

  private DnsWorld(Clock clock) {
    this.clock = clock;
    zones.put(Name.root, new DnsZone(this, Name.root, ZoneSigning.defaults()));
  }

  /** A world with only the signed root zone, signing relative to {@code clock}. */
  public static DnsWorld create(Clock clock) {
    return new DnsWorld(Objects.requireNonNull(clock, "clock"));
  }

  /** A world on the system clock (UTC). */
  public static DnsWorld create() {
    return create(Clock.systemUTC());
  }

  /** The clock signatures are made against. */
  public Clock clock() {
    return clock;
  }

  /** The signed root zone. */
  public DnsZone root() {
    return zone(".");
  }

  /**
   * The signed zone at {@code apex} (absolute, e.g. {@code "example.test."}), created on first use with
   * {@link ZoneSigning#defaults()}; an existing signed zone is returned however it is signed.
   */
  public DnsZone zone(String apex) {
    return zone(apex, true, ZoneSigning.defaults());
  }

  /**
   * The signed zone at {@code apex}, created on first use and signed as {@code signing} says (algorithm, DS
   * digests, NSEC3 parameters, signature lifetime).
   *
   * @throws IllegalStateException when the zone already exists with other signing settings
   */
  public DnsZone zone(String apex, ZoneSigning signing) {
    Objects.requireNonNull(signing, "signing");
    DnsZone zone = zone(apex, true, signing);
    if (!zone.signing().toString().equals(signing.toString())) {
      throw new IllegalStateException(zone.name() + " already exists, signed with " + zone.signing());
    }
    return zone;
  }

  /**
   * The unsigned zone at {@code apex}, created on first use. Its signed parent proves it insecure: the NSEC at
   * the cut lists NS but no DS.
   */
  public DnsZone unsignedZone(String apex) {
    return zone(apex, false, null);
  }

  /**
   * Makes queries for {@code name} and {@code type} (or the RRset {@code name}/{@code type}, for signature
   * faults) misbehave; {@link Type#ANY} stands for every type. Replaces an earlier fault on the same name and
   * type. Zone-level faults are set with {@link #fault(String, DnsFault)}.
   */
  public DnsWorld fault(String name, int type, DnsFault fault) {
    Objects.requireNonNull(fault, "fault");
    if (fault.isZoneLevel()) {
      throw new IllegalArgumentException(fault + " applies to a whole zone: use fault(apex, " + fault + ")");
    }
    Type.check(type);
    Name owner = absolute(name);
    synchronized (lock) {
      faults.put(owner, type, fault);
      changed();
    }
    return this;
  }

  /**
   * Sets a fault for every type at {@code name}, or, for {@link DnsFault#isZoneLevel() zone-level} faults
   * ({@link DnsFault#WRONG_DS}, {@link DnsFault#LAME}), for the zone whose apex is {@code name}.
   */
  public DnsWorld fault(String name, DnsFault fault) {
    Objects.requireNonNull(fault, "fault");
    Name owner = absolute(name);
    synchronized (lock) {
      if (fault.isZoneLevel() && (!zones.containsKey(owner) || owner.equals(Name.root))) {
        throw new IllegalArgumentException(fault + " needs a hosted zone below the root: " + name);
      }
      faults.put(owner, Type.ANY, fault);
      changed();
    }
    return this;
  }

  /** Removes the fault set on {@code name} and {@code type} ({@link Type#ANY}: the any-type fault). */
  public DnsWorld clearFault(String name, int type) {
    synchronized (lock) {
      faults.remove(absolute(name), type);
      changed();
    }
    return this;
  }

  /** Removes every fault set on {@code name}, zone-level ones included. */
  public DnsWorld clearFaults(String name) {
    synchronized (lock) {
      faults.removeAll(absolute(name));
      changed();
    }
    return this;
  }

  /** Removes every fault. */
  public DnsWorld clearFaults() {
    synchronized (lock) {
      faults.clear();
      changed();
    }
    return this;
  }

  /** The root's DS record in master-file format, for {@code ValidatingResolver.loadTrustAnchors}. */
  public String trustAnchor() {
    return root().ds().toString() + "\n";
  }

  /** The root's DNSKEY record in master-file format, an alternative trust anchor. */
  public String trustAnchorDnskey() {
    return root().dnskey().toString() + "\n";
  }

  /** Starts a server for this world on 127.0.0.1, UDP and TCP on one ephemeral port. */
  public DnsTestServer start() {
    return DnsTestServer.start(this);
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "DnsWorld" + zones.values();
    }
  }

  // ---- package-private: the server side, always under lock() ----

  Object lock() {
    return lock;
  }

  void changed() {
    generation++;
  }

  FaultTable faults() {
    return faults;
  }

  Instant now() {
    return clock.instant();
  }

  /** The answer to one question, with signature faults applied. Under lock. */
  Answer answer(Name qname, int qtype) {
    Answer answer = answers.answer(qname, qtype);
    SignatureFaults.apply(answer, qname, qtype, faults, now());
    return answer;
  }

  /** The deepest hosted zone containing {@code name}. */
  DnsZone zoneAt(Name name) {
    Name candidate = name;
    while (!zones.containsKey(candidate)) {
      candidate = new Name(candidate, 1);
    }
    return zones.get(candidate);
  }

  private ZoneSnapshot answering(Name name, int type) {
    DnsZone zone = zoneAt(name);
    if (type == Type.DS && name.equals(zone.name()) && !name.equals(Name.root)) {
      zone = parentOf(zone);
    }
    if (faults.zoneHas(zone.name(), DnsFault.LAME)) {
      return null;
    }
    return zone.snapshot(generation, now(), delegationsOf(zone));
  }

  private DnsZone parentOf(DnsZone zone) {
    return zoneAt(new Name(zone.name(), 1));
  }

  private List<ZoneSigner.Delegation> delegationsOf(DnsZone parent) {
    List<ZoneSigner.Delegation> delegations = new ArrayList<>();
    for (DnsZone child : zones.values()) {
      if (child.name().equals(Name.root) || parentOf(child) != parent) {
        continue;
      }
      ZoneKey childKey = child.key();
      boolean wrong = faults.zoneHas(child.name(), DnsFault.WRONG_DS);
      delegations.add(new ZoneSigner.Delegation(child.name(),
          childKey == null ? List.of() : wrong ? childKey.wrongDs() : childKey.dsRecords()));
    }
    return delegations;
  }

  private DnsZone zone(String apex, boolean signed, ZoneSigning signing) {
    Name name = absolute(apex);
    synchronized (lock) {
      DnsZone zone = zones.get(name);
      if (zone == null) {
        zone = new DnsZone(this, name, signed ? signing : null);
        zones.put(name, zone);
        changed();
      } else if (zone.isSigned() != signed) {
        throw new IllegalStateException(name + " already exists as " + zone);
      }
      return zone;
    }
  }

  private static Name absolute(String name) {
    Objects.requireNonNull(name, "name");
    try {
      return Name.fromString(name.endsWith(".") ? name : name + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException("bad name: " + name, e);
    }
  }
}
