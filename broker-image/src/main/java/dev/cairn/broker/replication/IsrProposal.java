package dev.cairn.broker.replication;

import java.util.List;

/**
 * A leader's request to change its partition's in-sync replicas: written to the coordinator only if
 * the partition state is still at {@code expectedVersion} and {@code leaderEpoch} (a deposed or
 * zombie leader's proposal fails the version check).
 */
public record IsrProposal(int leaderEpoch, List<Integer> isr, int expectedVersion) {
  public IsrProposal {
    isr = List.copyOf(isr);
  }
}
