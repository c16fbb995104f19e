package dev.cairn.operator.ensemble;

import java.util.Set;

/** The ensemble's committed membership, read and changed through its servers' client port. */
public interface EnsembleMembership {
  /**
   * The ids of the voting servers in the committed configuration ({@code /zookeeper/config}), or
   * null when no server answered.
   */
  Set<Integer> voters(String connectString);

  /**
   * Adds ({@code joining}, a {@code server.N=...} line) or removes ({@code leaving}, a server id)
   * one member with {@code reconfig} as the super user.
   *
   * @throws IllegalStateException when the ensemble refused or did not answer
   */
  void reconfigure(String connectString, String password, String joining, String leaving);
}
