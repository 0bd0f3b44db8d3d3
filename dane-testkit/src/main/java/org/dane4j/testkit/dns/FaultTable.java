package org.dane4j.testkit.dns;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/** The faults set on a world: per owner name and type ({@link Type#ANY} for every type), and per zone. */
final class FaultTable {
  private final Map<Name, Map<Integer, DnsFault>> byName = new HashMap<>();
  private final Map<Name, EnumSet<DnsFault>> byZone = new HashMap<>();

  void put(Name name, int type, DnsFault fault) {
    if (fault.isZoneLevel()) {
      byZone.computeIfAbsent(name, n -> EnumSet.noneOf(DnsFault.class)).add(fault);
    } else {
      byName.computeIfAbsent(name, n -> new HashMap<>()).put(type, fault);
    }
  }

  void remove(Name name, int type) {
    Map<Integer, DnsFault> faults = byName.get(name);
    if (faults != null) {
      faults.remove(type);
    }
  }

  void removeAll(Name name) {
    byName.remove(name);
    byZone.remove(name);
  }

  void clear() {
    byName.clear();
    byZone.clear();
  }

  /** The fault that decides how a query for this question is answered (not a signature fault), or null. */
  DnsFault questionFault(Name name, int type) {
    return find(name, type, f -> !f.isSignatureFault());
  }

  /** The signature fault for the RRset {@code name}/{@code type}, or null. */
  DnsFault signatureFault(Name name, int type) {
    return find(name, type, DnsFault::isSignatureFault);
  }

  boolean zoneHas(Name apex, DnsFault fault) {
    EnumSet<DnsFault> faults = byZone.get(apex);
    return faults != null && faults.contains(fault);
  }

  private DnsFault find(Name name, int type, Predicate<DnsFault> kind) {
    Map<Integer, DnsFault> faults = byName.get(name);
    if (faults == null) {
      return null;
    }
    DnsFault exact = faults.get(type);
    if (exact != null && kind.test(exact)) {
      return exact;
    }
    DnsFault any = faults.get(Type.ANY);
    return any != null && kind.test(any) ? any : null;
  }
}
