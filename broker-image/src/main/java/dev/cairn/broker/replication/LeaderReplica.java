package dev.cairn.broker.replication;

import dev.cairn.broker.log.LeaderEpochCache.EpochEnd;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;

/**
 * The leader's half of replication for one partition, as a pure state machine: followers' fetches
 * and ticks in; the high watermark (applied to the log) and ISR proposals out. The caller
 * serialises calls per partition and writes proposals to the coordinator.
 *
 * <p>Rules, as Kafka's {@code Partition}:
 *
 * <ul>
 *   <li>A fetch whose last fetched epoch the leader's log does not end at the same place diverged:
 *       the answer names the epoch and where it ends here, and the follower truncates to it.
 *   <li>The high watermark is the smallest log end over the <em>maximal</em> ISR: the committed ISR
 *       plus a member being added. A shrink counts only once written, an expansion at once, so
 *       whatever the coordinator holds, every ISR member it could elect holds what is committed.
 *   <li>A follower joins the ISR once it holds the high watermark and everything this epoch wrote
 *       before it began; it leaves once it has not caught up for {@code replica.lag.time.max.ms}.
 *   <li>Beyond Kafka: a follower whose log end goes backwards lost records it had confirmed (killed
 *       before they reached its disk); it leaves the ISR at once rather than stand for election.
 * </ul>
 */
public final class LeaderReplica {
  /** The answer to a follower's fetch. */
  public sealed interface FetchDecision {}

  /** The follower's log diverged after {@code endOffset} of {@code epoch}: it must truncate. */
  public record Diverging(int epoch, long endOffset) implements FetchDecision {}

  /** Serve the follower from its fetch offset; the high watermark it may apply. */
  public record Serve(long highWatermark) implements FetchDecision {}

  private static final class Progress {
    long logEnd = -1;
    long lastCaughtUpMs;
    long lastFetchMs;
    long lastFetchLeaderLogEnd;

    Progress(long nowMs) {
      lastCaughtUpMs = nowMs;
      lastFetchMs = nowMs;
    }
  }

  private final int brokerId;
  private final List<Integer> replicas;
  private final int leaderEpoch;
  private final long lagMaxMs;
  private final ReplicaLog<?> log;
  private final HighWatermarkState hw;
  private final long epochStartOffset;
  private final Map<Integer, Progress> followers = new HashMap<>();
  private List<Integer> isr;
  private Set<Integer> eligible;
  private int version;
  private IsrProposal inFlight;

  /**
   * @param version the coordinator's version of the partition state naming this leadership
   */
  public LeaderReplica(
      int brokerId,
      List<Integer> replicas,
      int leaderEpoch,
      List<Integer> isr,
      int version,
      ReplicaLog<?> log,
      long nowMs,
      long lagMaxMs) {
    this.brokerId = brokerId;
    this.replicas = List.copyOf(replicas);
    this.leaderEpoch = leaderEpoch;
    this.isr = List.copyOf(isr);
    this.version = version;
    this.log = log;
    this.lagMaxMs = lagMaxMs;
    this.epochStartOffset = log.logEndOffset();
    this.eligible = Set.copyOf(replicas);
    for (int r : replicas) {
      if (r != brokerId) {
        followers.put(r, new Progress(nowMs));
      }
    }
    this.hw =
        new HighWatermarkState(brokerId, Set.copyOf(isr), log.logEndOffset(), log.highWatermark());
    publish();
  }

  public int leaderEpoch() {
    return leaderEpoch;
  }

  /** The committed ISR (what min.insync.replicas is checked against). */
  public List<Integer> isr() {
    return isr;
  }

  public int version() {
    return version;
  }

  public long highWatermark() {
    return hw.highWatermark();
  }

  /** Whether every member of the maximal ISR holds the offsets below {@code offset}. */
  public boolean isCommitted(long offset) {
    return hw.isCommitted(offset);
  }

  /** The leader appended to its log. */
  public void onLeaderAppend() {
    hw.onLeaderAppend(log.logEndOffset());
    publish();
  }

  /**
   * A follower fetches at {@code position}. Throws NOT_LEADER_OR_FOLLOWER for a broker that is not
   * a replica, FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH when its leader epoch is older / newer.
   */
  public FetchDecision onFollowerFetch(int replica, FetchPosition position, long nowMs) {
    Progress p = followers.get(replica);
    if (p == null) {
      throw new NotLeaderOrFollowerException(
          "broker " + replica + " is not a follower of this partition");
    }
    int theirs = position.currentLeaderEpoch();
    if (theirs >= 0 && theirs < leaderEpoch) {
      throw new FencedLeaderEpochException("leader epoch " + theirs + " is old");
    }
    if (theirs > leaderEpoch) {
      throw new UnknownLeaderEpochException("leader epoch " + theirs + " is unknown here");
    }
    long fetchOffset = position.fetchOffset();
    if (position.lastFetchedEpoch() >= 0) {
      EpochEnd here = log.endOffsetForEpoch(position.lastFetchedEpoch());
      if (here.epoch() < position.lastFetchedEpoch() || here.endOffset() < fetchOffset) {
        return new Diverging(here.epoch(), here.endOffset());
      }
    }
    long leaderEnd = log.logEndOffset();
    boolean lostConfirmed = fetchOffset < p.logEnd;
    if (fetchOffset >= leaderEnd) {
      p.lastCaughtUpMs = nowMs;
    } else if (fetchOffset >= p.lastFetchLeaderLogEnd) {
      p.lastCaughtUpMs = Math.max(p.lastCaughtUpMs, p.lastFetchMs);
    }
    p.lastFetchLeaderLogEnd = leaderEnd;
    p.lastFetchMs = nowMs;
    p.logEnd = fetchOffset;
    hw.onFollowerLogEnd(replica, fetchOffset);
    if (lostConfirmed && isr.contains(replica)) {
      propose(without(Set.of(replica)));
    } else if (!isr.contains(replica)
        && eligible.contains(replica)
        && fetchOffset >= hw.highWatermark()
        && fetchOffset >= epochStartOffset) {
      LinkedHashSet<Integer> grown = new LinkedHashSet<>(isr);
      grown.add(replica);
      propose(inAssignmentOrder(grown));
    }
    publish();
    return new Serve(hw.highWatermark());
  }

  /**
   * The replicas that may join the ISR: those registered with the coordinator. A broker that is
   * restarting (its new registration not made yet) would be taken out again by the controller.
   */
  public void setEligible(Set<Integer> registered) {
    eligible = Set.copyOf(registered);
  }

  /** Time passed: followers that have not caught up for the lag limit leave the ISR. */
  public void tick(long nowMs) {
    Set<Integer> lagging = new LinkedHashSet<>();
    for (int r : isr) {
      Progress p = followers.get(r);
      if (p != null && nowMs - p.lastCaughtUpMs > lagMaxMs) {
        lagging.add(r);
      }
    }
    if (!lagging.isEmpty()) {
      propose(without(lagging));
    }
  }

  /**
   * The ISR change waiting to be written, or null. The driver writes it (again, if no newer state
   * arrived) until {@link #onIsrCommitted} resolves it: a write whose answer was lost may have
   * succeeded, so nothing but a newer state from the coordinator ends it.
   */
  public IsrProposal pendingProposal() {
    return inFlight;
  }

  /**
   * The partition state at {@code newVersion} names this leader epoch with {@code newIsr}: our
   * proposal was written, or the controller changed the ISR (a broker died). Older versions are
   * ignored.
   */
  public void onIsrCommitted(List<Integer> newIsr, int newVersion) {
    if (newVersion <= version) {
      return;
    }
    isr = List.copyOf(newIsr);
    version = newVersion;
    inFlight = null;
    hw.onIsrChange(Set.copyOf(isr));
    publish();
  }

  private void propose(List<Integer> next) {
    if (inFlight != null || next.equals(isr) || next.isEmpty()) {
      return;
    }
    inFlight = new IsrProposal(leaderEpoch, next, version);
    Set<Integer> maximal = new LinkedHashSet<>(isr);
    maximal.addAll(next);
    hw.onIsrChange(maximal);
  }

  private List<Integer> without(Set<Integer> leaving) {
    return isr.stream().filter(r -> r == brokerId || !leaving.contains(r)).toList();
  }

  private List<Integer> inAssignmentOrder(Set<Integer> members) {
    return replicas.stream().filter(members::contains).toList();
  }

  private void publish() {
    long next = hw.highWatermark();
    if (next > log.highWatermark()) {
      log.updateHighWatermark(next);
    }
  }
}
