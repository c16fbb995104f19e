package dev.cairn.coord.quorum;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Configurations for tests of the quorum core, whose addresses nothing connects to. */
final class TestMemberships {
  private TestMemberships() {}

  static ServerSpec spec(int id, boolean observer) {
    return new ServerSpec("10.0.0." + id, 2888, 3888, observer, "10.0.0." + id, 2181);
  }

  static Membership of(long version, Set<Integer> voters, Set<Integer> observers) {
    Map<Integer, ServerSpec> servers = new TreeMap<>();
    voters.forEach(id -> servers.put(id, spec(id, false)));
    observers.forEach(id -> servers.put(id, spec(id, true)));
    return Membership.of(version, servers);
  }
}
