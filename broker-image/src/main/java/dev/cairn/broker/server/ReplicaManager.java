package dev.cairn.broker.server;

import dev.cairn.broker.config.DynamicBrokerKeys;
import dev.cairn.broker.config.TopicConfigs;
import dev.cairn.broker.log.LogAppendInfo;
import dev.cairn.broker.log.LogManager;
import dev.cairn.broker.log.UnifiedLog;
import dev.cairn.broker.metadata.BrokerInfo;
import dev.cairn.broker.metadata.MetadataImage;
import dev.cairn.broker.metadata.PartitionState;
import dev.cairn.broker.replication.FetchPosition;
import dev.cairn.broker.replication.FollowerReplica;
import dev.cairn.broker.replication.IsrProposal;
import dev.cairn.broker.replication.LeaderReplica;
import dev.cairn.broker.replication.LogReplica;
import dev.cairn.broker.replication.Partition;
import dev.cairn.broker.replication.ReplicaFetcher;
import dev.cairn.broker.replication.ReplicationQuota;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.record.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which partitions this broker leads and follows, kept in step with the metadata image: when the
 * controller names this broker leader of a partition (or a new leader epoch) in a state written
 * after this broker registered, the partition's log is opened or created, stamped with its topic id
 * and a {@link Partition} installed; when it names another broker, this broker's replica fetcher
 * for that leader replicates it; a local log is deleted only when its topic was deleted or
 * replaced, or the partition was reassigned away from this broker (see {@link #removeStrayLogs}).
 * Produce and fetch go through here so "not the leader" and "no such partition" are decided in one
 * place. Listeners hear about every append (long-polling fetches).
 */
public final class ReplicaManager implements Consumer<MetadataImage> {
  private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);

  private final int brokerId;
  private final LogManager logs;
  private final Map<TopicPartition, Partition> leaders = new ConcurrentHashMap<>();
  private final AtomicLong isrShrinks = new AtomicLong();
  private final AtomicLong isrExpands = new AtomicLong();
  private final java.util.List<Consumer<TopicPartition>> appendListeners =
      new CopyOnWriteArrayList<>();
  private final java.util.List<Consumer<TopicPartition>> highWatermarkListeners =
      new CopyOnWriteArrayList<>();
  private final java.util.List<Consumer<Partition>> leadershipListeners =
      new CopyOnWriteArrayList<>();
  private final java.util.List<Consumer<TopicPartition>> resignListeners =
      new CopyOnWriteArrayList<>();
  private final Set<TopicPartition> reportedUnknown = new HashSet<>();
  private final Set<TopicPartition> offline = ConcurrentHashMap.newKeySet();
  private final IsrStore isrStore;
  private final ReplicaFetcher.Settings fetchSettings;
  private final long lagMaxMs;
  private final Map<Integer, ReplicaFetcher> fetchers = new ConcurrentHashMap<>();
  private final Map<TopicPartition, ReplicaFetcher> following = new ConcurrentHashMap<>();
  private final Map<TopicPartition, SentProposal> sentProposals = new ConcurrentHashMap<>();
  private final ExecutorService isrWriter;
  private volatile MetadataImage image = MetadataImage.EMPTY;

  /** Orders {@link #accept} against {@link #shutdown}, which sets {@link #stopped}. */
  private final Object lifecycle = new Object();

  private boolean stopped;
  private volatile long brokerEpoch;

  /** Writes a leader's ISR change if the state is still at the version; the new version or -1. */
  @FunctionalInterface
  public interface IsrStore {
    int write(TopicPartition tp, PartitionState state, int expectedVersion) throws Exception;
  }

  private record SentProposal(IsrProposal proposal, long atMs) {}

  /** A broker that only leads (tests): every leadership is taken, no ISR ever changes. */
  public ReplicaManager(int brokerId, LogManager logs) {
    this(brokerId, logs, (tp, state, version) -> -1, null, Long.MAX_VALUE);
    brokerEpoch = 0;
  }

  /**
   * @param fetchSettings how followers fetch; null for a broker that only leads
   * @param lagMaxMs {@code replica.lag.time.max.ms}
   */
  public ReplicaManager(
      int brokerId,
      LogManager logs,
      IsrStore isrStore,
      ReplicaFetcher.Settings fetchSettings,
      long lagMaxMs) {
    this.brokerId = brokerId;
    this.logs = logs;
    this.isrStore = isrStore;
    this.fetchSettings = fetchSettings;
    this.lagMaxMs = lagMaxMs;
    // Until it registers, a broker leads nothing: states it sees may name its earlier life.
    this.brokerEpoch = Long.MAX_VALUE;
    this.isrWriter =
        Executors.newSingleThreadExecutor(r -> {
          Thread t = new Thread(r, "broker-isr-writer");
          t.setDaemon(true);
          return t;
        });
    logs.onDirOffline((dir, partitions) -> goOffline(partitions));
  }

  /**
   * This broker registered with broker epoch {@code epoch} (the zxid that created its
   * registration): from now on it takes leaderships written after it.
   */
  public void registered(long epoch) {
    brokerEpoch = epoch;
  }

  /** Checks followers' lag (ISR shrink) every {@code tickMs}. */
  public void startReplication(ScheduledExecutorService scheduler, long tickMs) {
    scheduler.scheduleWithFixedDelay(
        () -> {
          long now = System.currentTimeMillis();
          for (Partition p : leaders.values()) {
            try {
              p.tick(now);
              writeIsrChange(p);
            } catch (RuntimeException e) {
              log.warn("{}: ISR check failed: {}", p.topicPartition(), e.toString());
            }
          }
        },
        tickMs,
        tickMs,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Stops every replica fetcher; metadata applied afterwards is ignored (a stopping broker still
   * hears of leadership changes until its session closes, and a fetcher started then would append
   * to logs being closed — the log dir went offline and the clean stop exited 1).
   */
  public void shutdown() {
    synchronized (lifecycle) {
      stopped = true;
    }
    fetchers.values().forEach(ReplicaFetcher::shutdown);
    fetchers.clear();
    following.clear();
    isrWriter.shutdownNow();
  }

  /**
   * The partitions' logs are on a failed log dir: they stop being led here (KAFKA_STORAGE_ERROR).
   */
  private void goOffline(Set<TopicPartition> partitions) {
    offline.addAll(partitions);
    for (TopicPartition tp : partitions) {
      if (leaders.containsKey(tp)) {
        resign(tp);
      }
    }
  }

  public void onAppend(Consumer<TopicPartition> listener) {
    appendListeners.add(listener);
  }

  /** Called when a led partition's high watermark may have moved (acks=all produces waiting). */
  public void onHighWatermarkChange(Consumer<TopicPartition> listener) {
    highWatermarkListeners.add(listener);
  }

  /** Called with each partition this broker becomes leader of (group coordinator loading). */
  public void onBecomeLeader(Consumer<Partition> listener) {
    leadershipListeners.add(listener);
  }

  /** Called with each partition this broker stops leading (group coordinator unloading). */
  public void onResign(Consumer<TopicPartition> listener) {
    resignListeners.add(listener);
  }

  /** Applies a metadata image (on the metadata event thread). */
  @Override
  public void accept(MetadataImage next) {
    synchronized (lifecycle) {
      if (!stopped) {
        apply(next);
      }
    }
  }

  private void apply(MetadataImage next) {
    image = next;
    removeStrayLogs(next);
    for (MetadataImage.TopicImage t : next.topics().values()) {
      logs.reconfigure(t.name());
      for (MetadataImage.PartitionImage p : t.partitions().values()) {
        TopicPartition tp = new TopicPartition(t.name(), p.partition());
        PartitionState st = p.state();
        Partition current = leaders.get(tp);
        if (offline.contains(tp)) {
          continue;
        }
        if (st != null && st.leader() == brokerId) {
          if (current != null && current.leaderEpoch() == st.leaderEpoch()) {
            updateIsr(current, st, p.version());
          } else if (p.written() >= brokerEpoch) {
            becomeLeader(tp, t.id(), st, p);
          } else if (current != null) {
            resign(tp);
          }
          Partition led = leaders.get(tp);
          if (led != null) {
            led.setEligible(next.brokers().keySet());
          }
        } else {
          if (current != null) {
            resign(tp);
          }
          if (st != null && st.leader() >= 0 && p.replicas().contains(brokerId)) {
            becomeFollower(tp, t.id(), st);
          } else {
            stopFollowing(tp);
          }
        }
      }
    }
    for (TopicPartition tp : leaders.keySet()) {
      if (next.partition(tp) == null) {
        resign(tp);
      }
    }
    for (TopicPartition tp : following.keySet()) {
      if (next.partition(tp) == null) {
        stopFollowing(tp);
      }
    }
  }

  /**
   * Deletes a local log only on a positive signal, as Kafka does: its topic was deleted (the
   * coordinator records the deleted id), the topic of that name now has another id (deleted and
   * re-created while this broker was away), or the partition's replica list, written by a finished
   * reassignment, no longer names this broker. A topic merely missing from the coordinator — an
   * empty or restored ensemble, a wrong {@code zookeeper.connect} — leaves the log alone, said
   * once. Logs written before topic ids were recorded adopt their topic's current id.
   */
  private void removeStrayLogs(MetadataImage next) {
    for (UnifiedLog l : logs.all()) {
      TopicPartition tp = l.topicPartition();
      MetadataImage.TopicImage t = next.topic(tp.topic());
      Uuid localId = l.topicId();
      String reason = null;
      if (localId != null && next.wasDeleted(tp.topic(), localId)) {
        reason = "topic " + localId + " was deleted";
      } else if (t != null && localId != null && !localId.equals(t.id())) {
        reason = "topic id " + localId + " is not the current topic's " + t.id();
      } else if (t != null
          && t.partitions().get(tp.partition()) != null
          && !t.partitions().get(tp.partition()).replicas().contains(brokerId)) {
        reason = "this broker is no longer a replica (reassigned)";
      } else if (t == null) {
        if (reportedUnknown.add(tp)) {
          log.warn(
              "{}: keeping local log (topic id {}): its topic is unknown to the coordinator and"
                  + " was not deleted",
              tp,
              localId);
        }
        continue;
      }
      reportedUnknown.remove(tp);
      try {
        if (reason == null) {
          l.assignTopicId(t.id());
          continue;
        }
        if (leaders.containsKey(tp)) {
          resign(tp);
        }
        stopFollowing(tp);
        logs.delete(tp);
        log.info("{}: deleted local log: {}", tp, reason);
      } catch (IOException | RuntimeException e) {
        log.error(
            "{}: could not {} local log",
            tp,
            reason == null ? "record the topic id of" : "delete",
            e);
      }
    }
  }

  private void becomeLeader(
      TopicPartition tp, Uuid topicId, PartitionState st, MetadataImage.PartitionImage image) {
    stopFollowing(tp);
    try {
      UnifiedLog l = logs.getOrCreate(tp);
      l.assignTopicId(topicId);
      Partition p =
          new Partition(
              tp,
              l,
              brokerId,
              image.replicas(),
              st.leaderEpoch(),
              st.isr(),
              image.version(),
              System.currentTimeMillis(),
              lagMaxMs);
      leaders.put(tp, p);
      log.info(
          "{}: leader at epoch {}, isr {}, log end offset {}, high watermark {}",
          tp,
          st.leaderEpoch(),
          st.isr(),
          l.logEndOffset(),
          l.highWatermark());
      for (Consumer<Partition> listener : leadershipListeners) {
        listener.accept(p);
      }
    } catch (IOException | RuntimeException e) {
      log.error("{}: could not become leader", tp, e);
    }
  }

  private void becomeFollower(TopicPartition tp, Uuid topicId, PartitionState st) {
    ReplicaFetcher current = following.get(tp);
    if (current != null) {
      FollowerReplica<MemoryRecords> f = current.follower(tp);
      if (f != null && f.leaderId() == st.leader() && f.leaderEpoch() == st.leaderEpoch()) {
        return;
      }
    }
    if (fetchSettings == null) {
      return;
    }
    stopFollowing(tp);
    try {
      UnifiedLog l = logs.getOrCreate(tp);
      l.assignTopicId(topicId);
      ReplicaFetcher fetcher = fetchers.computeIfAbsent(st.leader(), this::newFetcher);
      fetcher.add(tp, new FollowerReplica<>(new LogReplica(l), st.leader(), st.leaderEpoch()));
      following.put(tp, fetcher);
      log.info(
          "{}: follower of broker {} at epoch {}, log end offset {}",
          tp,
          st.leader(),
          st.leaderEpoch(),
          l.logEndOffset());
    } catch (IOException | RuntimeException e) {
      log.error("{}: could not become follower", tp, e);
    }
  }

  private final ReplicationQuota followerQuota = new ReplicationQuota();

  /**
   * follower.replication.throttled.rate over the partitions whose topic lists this broker's replica
   * in follower.replication.throttled.replicas; a replica in the ISR is never held back.
   */
  private final ReplicaFetcher.Throttle followerThrottle =
      new ReplicaFetcher.Throttle() {
        @Override
        public boolean holdBack(TopicPartition tp, long nowMs) {
          MetadataImage current = image;
          return listed(current, tp)
              && !inSync(current, tp)
              && followerQuota.exceeded(
                  DynamicBrokerKeys.rate(
                      current.brokerConfigs(), brokerId, DynamicBrokerKeys.FOLLOWER_THROTTLED_RATE),
                  nowMs);
        }

        @Override
        public void fetched(TopicPartition tp, long bytes, long nowMs) {
          if (listed(image, tp)) {
            followerQuota.record(bytes, nowMs);
          }
        }

        private boolean listed(MetadataImage current, TopicPartition tp) {
          MetadataImage.TopicImage t = current.topics().get(tp.topic());
          return t != null
              && ReplicationQuota.lists(
                  t.configs().get(TopicConfigs.FOLLOWER_THROTTLED_REPLICAS),
                  tp.partition(),
                  brokerId);
        }

        private boolean inSync(MetadataImage current, TopicPartition tp) {
          MetadataImage.PartitionImage p = current.partition(tp);
          return p != null && p.state() != null && p.state().isr().contains(brokerId);
        }
      };

  private ReplicaFetcher newFetcher(int leaderId) {
    ReplicaFetcher f =
        new ReplicaFetcher(
            fetchSettings,
            followerThrottle,
            leaderId,
            () -> {
              BrokerInfo b = image.brokers().get(leaderId);
              return b == null ? null : new InetSocketAddress(b.host(), b.port());
            },
            (tp, e) -> {
              // Any other failure keeps the partition with its fetcher, marked failed, until
              // its leader or epoch changes (becomeFollower then replaces it).
              UnifiedLog l = logs.get(tp);
              if (l != null && e instanceof UncheckedIOException io) {
                following.remove(tp);
                logs.failed(l, io.getCause());
              }
            });
    f.start();
    return f;
  }

  private void stopFollowing(TopicPartition tp) {
    ReplicaFetcher f = following.remove(tp);
    if (f != null) {
      f.remove(tp);
      if (f.isEmpty() && fetchers.remove(f.leaderId(), f)) {
        f.shutdown();
      }
    }
  }

  private void resign(TopicPartition tp) {
    leaders.remove(tp);
    sentProposals.remove(tp);
    log.info("{}: no longer leader", tp);
    resignListeners.forEach(l -> l.accept(tp));
    // Produces waiting for replication learn they lost it.
    highWatermarkListeners.forEach(l -> l.accept(tp));
  }

  private void updateIsr(Partition p, PartitionState st, int version) {
    try {
      p.onIsrCommitted(st.isr(), version);
      highWatermarkListeners.forEach(l -> l.accept(p.topicPartition()));
    } catch (RuntimeException e) {
      log.error("{}: could not apply ISR {}", p.topicPartition(), st.isr(), e);
    }
  }

  /**
   * A follower's fetch of a partition this broker leads: where it diverged, or where to serve it
   * from. Moves the high watermark (waking acks=all produces) and may propose an ISR change.
   */
  public LeaderReplica.FetchDecision fetchForFollower(
      TopicPartition tp, int replicaId, FetchPosition position) {
    Partition p = leaderPartition(tp);
    LeaderReplica.FetchDecision d =
        p.onFollowerFetch(replicaId, position, System.currentTimeMillis());
    writeIsrChange(p);
    highWatermarkListeners.forEach(l -> l.accept(tp));
    return d;
  }

  /**
   * Writes the leader's pending ISR change to the coordinator (again after a second, in case the
   * answer was lost), conditional on the state version it was made against.
   */
  private void writeIsrChange(Partition p) {
    IsrProposal proposal = p.pendingProposal();
    if (proposal == null) {
      return;
    }
    TopicPartition tp = p.topicPartition();
    long now = System.currentTimeMillis();
    SentProposal sent = sentProposals.get(tp);
    if (sent != null && sent.proposal().equals(proposal) && now - sent.atMs() < 1_000) {
      return;
    }
    sentProposals.put(tp, new SentProposal(proposal, now));
    MetadataImage.PartitionImage pi = image.partition(tp);
    int controllerEpoch = pi == null || pi.state() == null ? 0 : pi.state().controllerEpoch();
    isrWriter.execute(() -> {
      try {
        // Before the write: the coordinator's watch may apply the new ISR to the partition before
        // the write returns here, and a shrink would then be counted (and logged) as no change.
        List<Integer> before = p.isr();
        int version =
            isrStore.write(
                tp,
                new PartitionState(
                    brokerId, proposal.leaderEpoch(), proposal.isr(), controllerEpoch),
                proposal.expectedVersion());
        if (version < 0) {
          log.info("{}: ISR change to {} lost to a newer partition state", tp, proposal.isr());
          return;
        }
        p.onIsrCommitted(proposal.isr(), version);
        (proposal.isr().size() < before.size() ? isrShrinks : isrExpands).incrementAndGet();
        log.info(
            "{}: ISR changed from {} to {} (state version {} -> {})",
            tp,
            before,
            proposal.isr(),
            proposal.expectedVersion(),
            version);
        highWatermarkListeners.forEach(l -> l.accept(tp));
      } catch (Exception e) {
        log.warn("{}: could not write ISR change to {}: {}", tp, proposal.isr(), e.toString());
      }
    });
  }

  /**
   * Controlled shutdown: moves each leadership of this broker to the first other in-sync replica
   * that is registered (leader epoch + 1, this broker out of the ISR), with the same conditional
   * write as an ISR change, so a newer state — the controller's or another leader's — wins. Every
   * member of the ISR holds what is committed, so the move loses nothing; clients are told
   * NOT_LEADER_OR_FOLLOWER and find the new leader at once instead of waiting for this broker's
   * session to expire. Waits up to {@code timeout} for the new states to arrive.
   */
  public void handOverLeaderships(Duration timeout) {
    MetadataImage current = image;
    Set<TopicPartition> moved = new HashSet<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Partition p : List.copyOf(leaders.values())) {
      TopicPartition tp = p.topicPartition();
      if (System.nanoTime() >= deadline) {
        log.warn("controlled shutdown: out of time, {} leaderships not handed over", tp);
        break;
      }
      MetadataImage.PartitionImage pi = current.partition(tp);
      if (pi == null || pi.state() == null || pi.state().leaderEpoch() != p.leaderEpoch()) {
        continue;
      }
      List<Integer> isr = p.isr().stream().filter(r -> r != brokerId).toList();
      Integer successor =
          isr.stream().filter(current.brokers()::containsKey).findFirst().orElse(null);
      if (successor == null) {
        log.warn("{}: no other in-sync replica to hand the leadership to", tp);
        continue;
      }
      try {
        PartitionState next =
            new PartitionState(successor, p.leaderEpoch() + 1, isr, pi.state().controllerEpoch());
        if (isrStore.write(tp, next, pi.version()) >= 0) {
          moved.add(tp);
          log.info(
              "{}: leadership handed to broker {} (epoch {})", tp, successor, next.leaderEpoch());
        }
      } catch (Exception e) {
        log.warn("{}: could not hand the leadership over: {}", tp, e.toString());
      }
    }
    while (moved.stream().anyMatch(leaders::containsKey) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    log.info("controlled shutdown: {} leaderships moved, {} kept", moved.size(), leaders.size());
  }

  /** Partitions this broker follows (replicating from another broker). */
  public int followerCount() {
    return following.size();
  }

  public MetadataImage image() {
    return image;
  }

  /**
   * The partition if this broker leads it; KAFKA_STORAGE_ERROR if its log dir failed,
   * UNKNOWN_TOPIC_OR_PARTITION if it does not exist, NOT_LEADER_OR_FOLLOWER if another broker leads
   * it.
   */
  public Partition leaderPartition(TopicPartition tp) {
    Partition p = leaders.get(tp);
    if (p != null) {
      return p;
    }
    if (offline.contains(tp)) {
      throw new KafkaStorageException("The log of " + tp + " is on an offline log dir");
    }
    if (image.partition(tp) == null) {
      throw new UnknownTopicOrPartitionException("This server does not host " + tp);
    }
    throw new NotLeaderOrFollowerException("This broker is not the leader of " + tp);
  }

  /** What an append went to: the leadership that took it, and where the records landed. */
  public record Appended(Partition partition, LogAppendInfo info) {}

  /**
   * Appends to the partition this broker leads. The answer names the leadership that took the
   * records, so an acks=all wait can tell a later leadership (the records may not survive it).
   */
  public Appended appendAsLeader(TopicPartition tp, MemoryRecords records, short acks) {
    return appendAsLeader(tp, records, acks, false);
  }

  /**
   * Appends a coordinator's batches: transaction markers (control batches, which producers may not
   * write) and transactional offset commits, whose sequence numbers are not checked.
   */
  public Appended appendAsCoordinator(TopicPartition tp, MemoryRecords records) {
    return appendAsLeader(tp, records, (short) -1, true);
  }

  private Appended appendAsLeader(
      TopicPartition tp, MemoryRecords records, short acks, boolean fromCoordinator) {
    Partition p = leaderPartition(tp);
    LogAppendInfo info;
    try {
      info = p.appendAsLeader(records, acks, fromCoordinator);
    } catch (IOException e) {
      throw logs.failed(p.log(), e);
    }
    appendListeners.forEach(l -> l.accept(tp));
    highWatermarkListeners.forEach(l -> l.accept(tp));
    return new Appended(p, info);
  }

  public LogAppendInfo appendToLeader(TopicPartition tp, MemoryRecords records, short acks) {
    return appendAsLeader(tp, records, acks).info();
  }

  public int brokerId() {
    return brokerId;
  }

  public LogManager logs() {
    return logs;
  }

  public int leaderCount() {
    return leaders.size();
  }

  /** The high watermark of every partition this broker leads. */
  public Map<TopicPartition, Long> leaderHighWatermarks() {
    Map<TopicPartition, Long> hw = new HashMap<>();
    leaders.forEach((tp, p) -> hw.put(tp, p.highWatermark()));
    return hw;
  }

  /**
   * Partitions this broker's fetchers stopped replicating on an answer they could not apply
   * (Kafka's ReplicaFetcherManager FailedPartitionsCount).
   */
  public int failedPartitions() {
    return fetchers.values().stream().mapToInt(f -> f.failed().size()).sum();
  }

  /** ISR changes this broker's leaders wrote that removed members (Kafka's IsrShrinksPerSec). */
  public long isrShrinks() {
    return isrShrinks.get();
  }

  /** ISR changes this broker's leaders wrote that added members (Kafka's IsrExpandsPerSec). */
  public long isrExpands() {
    return isrExpands.get();
  }
}
