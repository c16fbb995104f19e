package dev.cairn.operator.ensemble;

import java.util.Set;

/**
 * Membership of an ensemble whose servers are scripted, not run: never known, never changed (the
 * mock API server has no coordinator behind its pods).
 */
public enum UnknownMembership implements EnsembleMembership {
  INSTANCE;

  @Override
  public Set<Integer> voters(String connectString) {
    return null;
  }

  @Override
  public void reconfigure(String connectString, String password, String joining, String leaving) {
    throw new IllegalStateException("no ensemble behind scripted servers");
  }
}
