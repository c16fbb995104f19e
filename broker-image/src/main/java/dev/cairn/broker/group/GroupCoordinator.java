package dev.cairn.broker.group;

import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.broker.log.FetchDataInfo;
import dev.cairn.broker.log.UnifiedLog;
import dev.cairn.broker.metadata.BrokerInfo;
import dev.cairn.broker.metadata.MetadataImage;
import dev.cairn.broker.replication.Partition;
import dev.cairn.broker.server.ReplicaManager;
import dev.cairn.broker.server.ReplicationWaiter;
import dev.cairn.broker.server.TopicAdmin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator: owns the groups whose {@code __consumer_offsets} partition ({@code
 * abs(groupId.hashCode()) mod offsets.topic.num.partitions}, as Kafka) this broker leads.
 *
 * <p>Offsets are durable: a commit is appended to the group's offsets partition and answered only
 * once every in-sync replica holds it (acks=all, as Kafka's {@code offsets.commit.required.acks}
 * -1, at most {@code offsets.commit.timeout.ms}); only then does OffsetFetch see it, so an
 * acknowledged offset survives the loss of this broker. The wait parks in the produce purgatory: no
 * request thread is held while followers fetch. When this broker becomes leader of an offsets
 * partition it replays that partition's log to its end (latest record per key wins, tombstones
 * delete) and answers COORDINATOR_LOAD_IN_PROGRESS meanwhile. Group membership is not persisted:
 * after a coordinator restart members rejoin (UNKNOWN_MEMBER_ID) and keep their committed offsets.
 *
 * <p>Concurrency: each group's monitor guards it; a ticker every 100 ms expires sessions and
 * completes timed-out join phases.
 */
public final class GroupCoordinator {
  private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);
  private static final int OFFSET_METADATA_MAX_BYTES = 4096;

  private final BrokerConfig config;
  private final ReplicaManager replicas;
  private final ReplicationWaiter acksAll;
  private final TopicAdmin topics;
  private final LongSupplier clock;
  private final ClassicGroup.Settings settings;
  private final int offsetsPartitions;
  private final Map<String, ClassicGroup> groups = new ConcurrentHashMap<>();

  /**
   * Offsets partition → the leadership whose log was replayed into {@link #groups}. Keyed by the
   * {@link Partition} (one per leader epoch), so a leadership that left and came back is not taken
   * for loaded until its own replay finishes: what another leader appended meanwhile is read first.
   */
  private final Map<Integer, Partition> loaded = new ConcurrentHashMap<>();

  /**
   * Offsets committed inside transactions not finished yet: producer id → group → offsets. They are
   * in the log (a transactional batch) but applied only when the commit marker arrives.
   */
  private final Map<Long, Map<String, Map<TopicPartition, GroupOffsets.Written>>> pendingTxn =
      new ConcurrentHashMap<>();

  /**
   * @param acksAll how writes to {@code __consumer_offsets} wait for the ISR (null: a broker that
   *     only leads, whose appends are replicated as soon as written)
   */
  public GroupCoordinator(
      BrokerConfig config,
      ReplicaManager replicas,
      ReplicationWaiter acksAll,
      TopicAdmin topics,
      LongSupplier clock) {
    this.config = config;
    this.replicas = replicas;
    this.acksAll = acksAll;
    this.topics = topics;
    this.clock = clock;
    this.offsetsPartitions = config.get(BrokerConfig.OFFSETS_TOPIC_PARTITIONS);
    this.settings =
        new ClassicGroup.Settings(
            config.get(BrokerConfig.GROUP_MIN_SESSION_TIMEOUT_MS),
            config.get(BrokerConfig.GROUP_MAX_SESSION_TIMEOUT_MS),
            config.get(BrokerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS),
            config.get(BrokerConfig.GROUP_MAX_SIZE));
  }

  public void start(ScheduledExecutorService scheduler) {
    replicas.onBecomeLeader(p -> scheduler.execute(() -> maybeLoad(p)));
    replicas.onResign(tp -> scheduler.execute(() -> unload(tp)));
    scheduler.scheduleWithFixedDelay(this::tick, 100, 100, TimeUnit.MILLISECONDS);
  }

  public int partitionFor(String groupId) {
    return Utils.abs(groupId.hashCode()) % offsetsPartitions;
  }

  /**
   * FindCoordinator: creates {@code __consumer_offsets} on first use, then names the leader of the
   * group's partition. Returns null (COORDINATOR_NOT_AVAILABLE, which clients retry) when there is
   * none yet — also right after creating the topic: nothing waits for it to show.
   */
  public BrokerInfo findCoordinator(String groupId) throws Exception {
    MetadataImage image = replicas.image();
    if (image.topic(Topic.GROUP_METADATA_TOPIC_NAME) == null) {
      try {
        topics.create(
            Topic.GROUP_METADATA_TOPIC_NAME,
            offsetsPartitions,
            config.get(BrokerConfig.OFFSETS_TOPIC_REPLICATION_FACTOR),
            Map.of(),
            Map.of(
                "cleanup.policy",
                "compact",
                "segment.bytes",
                "" + config.get(BrokerConfig.OFFSETS_TOPIC_SEGMENT_BYTES)),
            false,
            Duration.ZERO);
      } catch (TopicExistsException e) {
        // created concurrently
      }
      image = replicas.image();
    }
    MetadataImage.PartitionImage p =
        image.partition(new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME, partitionFor(groupId)));
    if (p == null || p.state() == null) {
      return null;
    }
    return image.brokers().get(p.state().leader());
  }

  private void maybeLoad(Partition p) {
    TopicPartition tp = p.topicPartition();
    if (!tp.topic().equals(Topic.GROUP_METADATA_TOPIC_NAME)) {
      return;
    }
    long start = System.nanoTime();
    int records = 0;
    unload(tp);
    try {
      // To the log end, re-read as it grows, not to the high watermark: a new leader's tail above
      // a high watermark not yet advanced holds commits (and transaction markers) the previous
      // leader acknowledged, and a marker appended while this replay runs completes its
      // transaction here only if the replay reads it (its own completion may have found nothing
      // pending yet). A transactional offset left pending would answer UNSTABLE_OFFSET_COMMIT
      // forever.
      UnifiedLog l = p.log();
      long offset = l.logStartOffset();
      while (offset < l.logEndOffset()) {
        FetchDataInfo data = l.readToEnd(offset, 1 << 20, true);
        if (data.records() == null) {
          break;
        }
        MemoryRecords mr = MemoryRecords.readableRecords(data.records().readFully());
        for (MutableRecordBatch batch : mr.batches()) {
          if (batch.isControlBatch()) {
            for (Record r : batch) {
              completeTransaction(
                  tp.partition(),
                  batch.producerId(),
                  ControlRecordType.parse(r.key()) == ControlRecordType.COMMIT);
            }
          } else {
            for (Record r : batch) {
              if (batch.isTransactional()) {
                applyPending(batch.producerId(), r);
              } else {
                apply(r);
              }
              records++;
            }
          }
          offset = batch.nextOffset();
        }
      }
      loaded.put(tp.partition(), p);
      log.info(
          "{}: loaded {} offset records in {} ms",
          tp,
          records,
          (System.nanoTime() - start) / 1_000_000);
    } catch (Exception e) {
      log.error("{}: loading group offsets failed", tp, e);
    }
  }

  /** Forgets the groups of an offsets partition this broker no longer leads (or must re-read). */
  private void unload(TopicPartition tp) {
    if (!tp.topic().equals(Topic.GROUP_METADATA_TOPIC_NAME)) {
      return;
    }
    loaded.remove(tp.partition());
    for (Map<String, Map<TopicPartition, GroupOffsets.Written>> byGroup : pendingTxn.values()) {
      byGroup.keySet().removeIf(groupId -> partitionFor(groupId) == tp.partition());
    }
    int before = groups.size();
    groups.keySet().removeIf(groupId -> partitionFor(groupId) == tp.partition());
    if (groups.size() < before) {
      log.info("{}: unloaded {} groups", tp, before - groups.size());
    }
  }

  private void apply(Record r) {
    if (!r.hasKey()) {
      return;
    }
    OffsetRecords.Key key = OffsetRecords.parseKey(r.key());
    if (key == null) {
      return;
    }
    ClassicGroup g = groups.computeIfAbsent(key.group(), ClassicGroup::new);
    synchronized (g) {
      TopicPartition tp = new TopicPartition(key.topic(), key.partition());
      if (r.hasValue()) {
        g.offsets.put(
            tp, new GroupOffsets.Written(OffsetRecords.parseValue(r.value()), r.offset()));
      } else {
        g.offsets.remove(tp, r.offset());
      }
    }
  }

  private void applyPending(long producerId, Record r) {
    OffsetRecords.Key key = r.hasKey() ? OffsetRecords.parseKey(r.key()) : null;
    if (key == null || !r.hasValue()) {
      return;
    }
    pendingTxn
        .computeIfAbsent(producerId, id -> new ConcurrentHashMap<>())
        .computeIfAbsent(key.group(), g -> new ConcurrentHashMap<>())
        .put(
            new TopicPartition(key.topic(), key.partition()),
            new GroupOffsets.Written(OffsetRecords.parseValue(r.value()), r.offset()));
  }

  /**
   * TxnOffsetCommit: validates the committer as OffsetCommit does (a member of the current
   * generation when it names one), appends the offsets as part of the producer's transaction, and
   * keeps them pending: fetches see them once the transaction commits. Answered once the ISR holds
   * them (else a later leader could lack offsets of a transaction that then commits, and the
   * consumer would read its input again).
   */
  public CompletableFuture<Map<TopicPartition, Errors>> commitTransactional(
      String groupId,
      long producerId,
      short producerEpoch,
      String memberId,
      String instanceId,
      int generation,
      List<Commit> commits) {
    Map<TopicPartition, Errors> result = new LinkedHashMap<>();
    Errors e = ownership(groupId);
    if (e == Errors.NONE && generation >= 0 && memberId != null && !memberId.isEmpty()) {
      ClassicGroup g = group(groupId);
      synchronized (g) {
        e = g.validateMember(memberId, instanceId, generation);
      }
    }
    long now = clock.getAsLong();
    List<Accepted> accepted = accept(commits, e, now, result);
    if (accepted.isEmpty()) {
      return CompletableFuture.completedFuture(result);
    }
    // Sequence 0 as Kafka writes it: coordinator appends skip the sequence checks.
    Append a =
        append(
            groupId,
            MemoryRecords.withTransactionalRecords(
                Compression.NONE, producerId, producerEpoch, 0, records(groupId, accepted, now)),
            true);
    if (a.error() != Errors.NONE) {
      return CompletableFuture.completedFuture(failed(result, offsetCommitError(a.error())));
    }
    Map<TopicPartition, GroupOffsets.Written> pending =
        pendingTxn
            .computeIfAbsent(producerId, id -> new ConcurrentHashMap<>())
            .computeIfAbsent(groupId, g -> new ConcurrentHashMap<>());
    long first = a.appended().info().firstOffset();
    for (int i = 0; i < accepted.size(); i++) {
      pending.put(
          accepted.get(i).tp(), new GroupOffsets.Written(accepted.get(i).value(), first + i));
    }
    return replicated(a.appended()).thenApply(w -> failed(result, offsetCommitError(w)));
  }

  /** A commit that passed validation, with the value it writes. */
  private record Accepted(TopicPartition tp, OffsetRecords.Value value) {}

  /**
   * Puts every commit's error in {@code result}: {@code e} (the committer's), else its own (too
   * much metadata), else NONE; returns those with NONE, in order.
   */
  private static List<Accepted> accept(
      List<Commit> commits, Errors e, long now, Map<TopicPartition, Errors> result) {
    List<Accepted> accepted = new ArrayList<>();
    for (Commit c : commits) {
      Errors pe = e;
      if (pe == Errors.NONE
          && c.metadata() != null
          && c.metadata().length() > OFFSET_METADATA_MAX_BYTES) {
        pe = Errors.OFFSET_METADATA_TOO_LARGE;
      }
      if (pe == Errors.NONE) {
        accepted.add(
            new Accepted(
                c.tp(), new OffsetRecords.Value(c.offset(), c.leaderEpoch(), c.metadata(), now)));
      }
      result.put(c.tp(), pe);
    }
    return accepted;
  }

  private static SimpleRecord[] records(String groupId, List<Accepted> accepted, long now) {
    return accepted.stream()
        .map(c ->
            new SimpleRecord(
                now,
                OffsetRecords.key(groupId, c.tp().topic(), c.tp().partition()),
                OffsetRecords.value(
                    c.value().offset(), c.value().leaderEpoch(), c.value().metadata(), now)))
        .toArray(SimpleRecord[]::new);
  }

  /** {@code result} with every partition that had no error of its own failed with {@code e}. */
  private static Map<TopicPartition, Errors> failed(Map<TopicPartition, Errors> result, Errors e) {
    if (e != Errors.NONE) {
      result.replaceAll((p, err) -> err == Errors.NONE ? e : err);
    }
    return result;
  }

  /**
   * What an offset commit answers when its write failed, as Kafka's group coordinator maps it: as
   * every coordinator write ({@link ReplicationWaiter#coordinatorError}), but a batch too large is
   * the committer's fault (INVALID_COMMIT_OFFSET_SIZE).
   */
  static Errors offsetCommitError(Errors e) {
    return switch (e) {
      case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE ->
          Errors.INVALID_COMMIT_OFFSET_SIZE;
      default -> ReplicationWaiter.coordinatorError(e);
    };
  }

  /** Where an append to a group's offsets partition landed, or why it failed (as answered). */
  private record Append(ReplicaManager.Appended appended, Errors error) {}

  /**
   * Appends to {@code groupId}'s offsets partition: with acks=all's min.insync.replicas check
   * (NOT_ENOUGH_REPLICAS before writing), or as the coordinator's transactional batch.
   */
  private Append append(String groupId, MemoryRecords records, boolean transactional) {
    TopicPartition tp = new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME, partitionFor(groupId));
    try {
      return new Append(
          transactional
              ? replicas.appendAsCoordinator(tp, records)
              : replicas.appendAsLeader(tp, records, (short) -1),
          Errors.NONE);
    } catch (Exception ex) {
      log.warn("group {}: writing offsets failed: {}", groupId, ex.toString());
      return new Append(null, Errors.forException(ex));
    }
  }

  /**
   * Completes, on a purgatory thread or at once, when the ISR holds {@code appended}: NONE, or the
   * replication error (NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT
   * after {@code offsets.commit.timeout.ms}), for the caller to map.
   */
  private CompletableFuture<Errors> replicated(ReplicaManager.Appended appended) {
    if (acksAll == null) {
      return CompletableFuture.completedFuture(Errors.NONE);
    }
    return acksAll
        .await(
            appended.partition().topicPartition(),
            appended,
            config.get(BrokerConfig.OFFSETS_COMMIT_TIMEOUT_MS))
        .thenApply(ApiError::error);
  }

  /**
   * A transaction marker reached offsets partition {@code partition}: the producer's pending
   * offsets of the groups stored there are applied (commit) or dropped (abort).
   */
  public void completeTransaction(int partition, long producerId, boolean commit) {
    Map<String, Map<TopicPartition, GroupOffsets.Written>> byGroup = pendingTxn.get(producerId);
    if (byGroup == null) {
      return;
    }
    for (String groupId : List.copyOf(byGroup.keySet())) {
      if (partitionFor(groupId) != partition) {
        continue;
      }
      Map<TopicPartition, GroupOffsets.Written> offsets = byGroup.remove(groupId);
      if (commit && offsets != null) {
        ClassicGroup g = group(groupId);
        synchronized (g) {
          offsets.forEach(g.offsets::put);
        }
      }
    }
    pendingTxn.computeIfPresent(producerId, (id, m) -> m.isEmpty() ? null : m);
  }

  /** Whether an unfinished transaction holds an offset of {@code tp} for {@code groupId}. */
  public boolean hasPendingTransactionalOffset(String groupId, TopicPartition tp) {
    for (Map<String, Map<TopicPartition, GroupOffsets.Written>> byGroup : pendingTxn.values()) {
      Map<TopicPartition, GroupOffsets.Written> offsets = byGroup.get(groupId);
      if (offsets != null && offsets.containsKey(tp)) {
        return true;
      }
    }
    return false;
  }

  /** NONE if this broker coordinates {@code groupId} and has loaded it, else the error. */
  public Errors ownership(String groupId) {
    if (groupId == null || groupId.isEmpty()) {
      return Errors.INVALID_GROUP_ID;
    }
    int partition = partitionFor(groupId);
    TopicPartition tp = new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME, partition);
    Partition leader;
    try {
      leader = replicas.leaderPartition(tp);
    } catch (RuntimeException e) {
      return Errors.NOT_COORDINATOR;
    }
    return loaded.get(partition) == leader ? Errors.NONE : Errors.COORDINATOR_LOAD_IN_PROGRESS;
  }

  private ClassicGroup group(String groupId) {
    return groups.computeIfAbsent(groupId, ClassicGroup::new);
  }

  public CompletableFuture<JoinGroupResponseData> join(
      JoinGroupRequestData req, String clientId, String host, short version) {
    Errors owner = ownership(req.groupId());
    if (owner != Errors.NONE) {
      return CompletableFuture.completedFuture(ClassicGroup.error(owner, req.memberId()));
    }
    if (!settings.allowsSessionTimeout(req.sessionTimeoutMs())) {
      // Checked before the group exists, as Kafka does: a refused join creates no empty group.
      return CompletableFuture.completedFuture(
          ClassicGroup.error(Errors.INVALID_SESSION_TIMEOUT, req.memberId()));
    }
    ClassicGroup g = group(req.groupId());
    synchronized (g) {
      return g.join(req, clientId, host, version, clock.getAsLong(), settings);
    }
  }

  public CompletableFuture<SyncGroupResponseData> sync(SyncGroupRequestData req) {
    Errors owner = ownership(req.groupId());
    if (owner != Errors.NONE) {
      return CompletableFuture.completedFuture(
          new SyncGroupResponseData().setErrorCode(owner.code()));
    }
    ClassicGroup g = groups.get(req.groupId());
    if (g == null) {
      return CompletableFuture.completedFuture(
          new SyncGroupResponseData().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
    }
    synchronized (g) {
      return g.sync(req, clock.getAsLong());
    }
  }

  public Errors heartbeat(String groupId, String memberId, String instanceId, int generation) {
    Errors owner = ownership(groupId);
    if (owner != Errors.NONE) {
      return owner;
    }
    ClassicGroup g = groups.get(groupId);
    if (g == null) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    synchronized (g) {
      return g.heartbeat(memberId, instanceId, generation, clock.getAsLong());
    }
  }

  public Errors leave(String groupId, String memberId, String instanceId) {
    ClassicGroup g = groups.get(groupId);
    if (g == null) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    synchronized (g) {
      Errors e = g.leave(memberId, instanceId, clock.getAsLong());
      if (e == Errors.NONE) {
        log.info("group {}: member {} left", groupId, instanceId != null ? instanceId : memberId);
      }
      return e;
    }
  }

  /** One partition of an OffsetCommit. */
  public record Commit(TopicPartition tp, long offset, int leaderEpoch, String metadata) {}

  /**
   * OffsetCommit: validates the committer (a member of the current generation, or a standalone
   * consumer with generation -1 of an empty group), appends the commits, and completes once the ISR
   * holds them, applying them in memory only then: an offset OffsetFetch shows, or an acknowledged
   * one, is on every in-sync replica. The error for every partition: NONE, the committer's (e.g.
   * ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS), or the write's as Kafka maps it ({@link
   * #offsetCommitError}: COORDINATOR_NOT_AVAILABLE when too few replicas are in sync or they did
   * not take it within {@code offsets.commit.timeout.ms}, NOT_COORDINATOR when leadership moved).
   */
  public CompletableFuture<Map<TopicPartition, Errors>> commit(
      String groupId, String memberId, String instanceId, int generation, List<Commit> commits) {
    Map<TopicPartition, Errors> result = new LinkedHashMap<>();
    long now = clock.getAsLong();
    Errors owner = ownership(groupId);
    if (owner != Errors.NONE) {
      accept(commits, owner, now, result);
      return CompletableFuture.completedFuture(result);
    }
    ClassicGroup g = group(groupId);
    List<Accepted> accepted;
    Append a;
    // Validation and append under the group's monitor: a commit validated against a generation
    // is in the log before anything that changes the group (a deletion's tombstones).
    synchronized (g) {
      accepted =
          accept(commits, validateCommitter(g, memberId, instanceId, generation), now, result);
      if (accepted.isEmpty()) {
        return CompletableFuture.completedFuture(result);
      }
      a =
          append(
              groupId,
              MemoryRecords.withRecords(Compression.NONE, records(groupId, accepted, now)),
              false);
      if (a.error() != Errors.NONE) {
        return CompletableFuture.completedFuture(failed(result, offsetCommitError(a.error())));
      }
      accepted.forEach(c -> g.offsets.pending(c.tp()));
    }
    long first = a.appended().info().firstOffset();
    return replicated(a.appended())
        .thenApply(w -> {
          Errors e = offsetCommitError(w);
          synchronized (g) {
            for (int i = 0; i < accepted.size(); i++) {
              Accepted c = accepted.get(i);
              g.offsets.settle(
                  c.tp(), e == Errors.NONE ? new GroupOffsets.Written(c.value(), first + i) : null);
            }
          }
          return failed(result, e);
        });
  }

  /** Whether {@code memberId} may commit now; a member's commit counts as its heartbeat. */
  private Errors validateCommitter(
      ClassicGroup g, String memberId, String instanceId, int generation) {
    if (generation < 0 && memberId.isEmpty()) {
      return g.state == GroupState.EMPTY ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
    }
    Errors e = g.validateMember(memberId, instanceId, generation);
    if (e == Errors.NONE && g.state == GroupState.COMPLETING_REBALANCE) {
      e = Errors.REBALANCE_IN_PROGRESS;
    }
    if (e == Errors.NONE) {
      g.members.get(memberId).heartbeat(clock.getAsLong());
    }
    return e;
  }

  /** Committed offsets of a group: the given partitions, or all when {@code partitions} is null. */
  public Map<TopicPartition, OffsetRecords.Value> fetchOffsets(
      String groupId, List<TopicPartition> partitions) {
    ClassicGroup g = groups.get(groupId);
    Map<TopicPartition, OffsetRecords.Value> result = new LinkedHashMap<>();
    if (g == null) {
      if (partitions != null) {
        partitions.forEach(tp -> result.put(tp, null));
      }
      return result;
    }
    synchronized (g) {
      if (partitions == null) {
        result.putAll(g.offsets.all());
      } else {
        partitions.forEach(tp -> result.put(tp, g.offsets.get(tp)));
      }
    }
    return result;
  }

  /** The committed offset of every partition of every group this broker coordinates. */
  public Map<String, Map<TopicPartition, Long>> committedOffsets() {
    Map<String, Map<TopicPartition, Long>> result = new java.util.TreeMap<>();
    for (Map.Entry<String, ClassicGroup> e : groups.entrySet()) {
      if (ownership(e.getKey()) != Errors.NONE) {
        continue;
      }
      Map<TopicPartition, Long> offsets = new java.util.HashMap<>();
      synchronized (e.getValue()) {
        e.getValue().offsets.all().forEach((tp, v) -> offsets.put(tp, v.offset()));
      }
      if (!offsets.isEmpty()) {
        result.put(e.getKey(), offsets);
      }
    }
    return result;
  }

  /** A group as DescribeGroups / ListGroups report it. */
  public record GroupSummary(
      String groupId,
      String state,
      String protocolType,
      String protocol,
      List<MemberSummary> members) {}

  /** A member as DescribeGroups reports it. */
  public record MemberSummary(
      String memberId,
      String groupInstanceId,
      String clientId,
      String clientHost,
      byte[] metadata,
      byte[] assignment) {}

  public GroupSummary describe(String groupId) {
    ClassicGroup g = groups.get(groupId);
    if (g == null) {
      return new GroupSummary(groupId, GroupState.DEAD.kafkaName(), "", "", List.of());
    }
    synchronized (g) {
      List<MemberSummary> members = new ArrayList<>();
      for (GroupMember m : g.members.values()) {
        members.add(
            new MemberSummary(
                m.memberId,
                m.groupInstanceId,
                m.clientId,
                m.clientHost,
                g.state == GroupState.STABLE && g.protocolName != null
                    ? m.protocols.getOrDefault(g.protocolName, new byte[0])
                    : new byte[0],
                g.state == GroupState.STABLE ? m.assignment : new byte[0]));
      }
      return new GroupSummary(
          groupId,
          g.state.kafkaName(),
          g.protocolType == null ? "" : g.protocolType,
          g.state == GroupState.STABLE && g.protocolName != null ? g.protocolName : "",
          members);
    }
  }

  /** Every group this broker coordinates. */
  public List<GroupSummary> list() {
    List<GroupSummary> result = new ArrayList<>();
    for (String id : groups.keySet()) {
      if (ownership(id) == Errors.NONE) {
        result.add(describe(id));
      }
    }
    return result;
  }

  /**
   * DeleteGroups: only empty groups. Their offsets (and commits still replicating) get tombstones;
   * the group is gone from this leader once they are appended (joins meanwhile start a new group,
   * whose commits follow the tombstones in the log), and the deletion is answered once the ISR
   * holds them, with the write's error as {@link ReplicationWaiter#coordinatorError} maps it
   * otherwise.
   */
  public CompletableFuture<Errors> delete(String groupId) {
    Errors owner = ownership(groupId);
    if (owner != Errors.NONE) {
      return CompletableFuture.completedFuture(owner);
    }
    ClassicGroup g = groups.get(groupId);
    if (g == null) {
      return CompletableFuture.completedFuture(Errors.GROUP_ID_NOT_FOUND);
    }
    Append a = null;
    synchronized (g) {
      if (g.state == GroupState.DEAD) {
        return CompletableFuture.completedFuture(Errors.GROUP_ID_NOT_FOUND);
      }
      if (g.state != GroupState.EMPTY) {
        return CompletableFuture.completedFuture(Errors.NON_EMPTY_GROUP);
      }
      a = appendTombstones(groupId, g.offsets.partitions());
      if (a != null && a.error() != Errors.NONE) {
        return CompletableFuture.completedFuture(ReplicationWaiter.coordinatorError(a.error()));
      }
      g.state = GroupState.DEAD;
      groups.remove(groupId, g);
    }
    log.info("group {} deleted", groupId);
    return a == null
        ? CompletableFuture.completedFuture(Errors.NONE)
        : replicated(a.appended()).thenApply(ReplicationWaiter::coordinatorError);
  }

  /** OffsetDelete's answer: a group-level error, else each partition's (NONE when deleted). */
  public record OffsetDeletion(Errors error, Map<TopicPartition, Errors> partitions) {}

  /**
   * OffsetDelete, as Kafka: an unknown group is GROUP_ID_NOT_FOUND, a group with members that does
   * not speak the consumer protocol NON_EMPTY_GROUP; a partition of a topic a member subscribes to
   * keeps its offset (GROUP_SUBSCRIBED_TO_TOPIC); the others' offsets get tombstones, answered once
   * the ISR holds them.
   */
  public CompletableFuture<OffsetDeletion> deleteOffsets(
      String groupId, List<TopicPartition> partitions) {
    Errors owner = ownership(groupId);
    if (owner != Errors.NONE) {
      return CompletableFuture.completedFuture(new OffsetDeletion(owner, Map.of()));
    }
    ClassicGroup g = groups.get(groupId);
    if (g == null) {
      return CompletableFuture.completedFuture(
          new OffsetDeletion(Errors.GROUP_ID_NOT_FOUND, Map.of()));
    }
    Map<TopicPartition, Errors> result = new LinkedHashMap<>();
    Append a;
    synchronized (g) {
      if (g.state != GroupState.EMPTY && !g.usesConsumerProtocol()) {
        return CompletableFuture.completedFuture(
            new OffsetDeletion(Errors.NON_EMPTY_GROUP, Map.of()));
      }
      List<TopicPartition> deleted = new ArrayList<>();
      for (TopicPartition tp : partitions) {
        boolean subscribed = g.isSubscribedTo(tp.topic());
        result.put(tp, subscribed ? Errors.GROUP_SUBSCRIBED_TO_TOPIC : Errors.NONE);
        if (!subscribed && g.offsets.get(tp) != null) {
          deleted.add(tp);
        }
      }
      a = appendTombstones(groupId, deleted);
      if (a == null) {
        return CompletableFuture.completedFuture(new OffsetDeletion(Errors.NONE, result));
      }
      if (a.error() != Errors.NONE) {
        return CompletableFuture.completedFuture(
            new OffsetDeletion(ReplicationWaiter.coordinatorError(a.error()), Map.of()));
      }
      // Gone on this leader at once, as a deleted group; answered once the ISR holds the
      // tombstones.
      long at = a.appended().info().lastOffset();
      deleted.forEach(tp -> g.offsets.remove(tp, at));
    }
    return replicated(a.appended())
        .thenApply(e ->
            e == Errors.NONE
                ? new OffsetDeletion(Errors.NONE, result)
                : new OffsetDeletion(ReplicationWaiter.coordinatorError(e), Map.of()));
  }

  /**
   * Appends a tombstone for each of the group's offsets of {@code partitions}; null when there are
   * none.
   */
  private Append appendTombstones(String groupId, Collection<TopicPartition> partitions) {
    long now = clock.getAsLong();
    SimpleRecord[] tombstones =
        partitions.stream()
            .map(tp ->
                new SimpleRecord(
                    now, OffsetRecords.key(groupId, tp.topic(), tp.partition()), (byte[]) null))
            .toArray(SimpleRecord[]::new);
    return tombstones.length == 0
        ? null
        : append(groupId, MemoryRecords.withRecords(Compression.NONE, tombstones), false);
  }

  private void tick() {
    long now = clock.getAsLong();
    for (ClassicGroup g : groups.values()) {
      synchronized (g) {
        for (String expired : g.tick(now)) {
          log.info("group {}: member {} session expired", g.groupId, expired);
        }
      }
    }
  }
}
