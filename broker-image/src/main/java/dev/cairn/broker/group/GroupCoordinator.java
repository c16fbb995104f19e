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
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator: owns the groups whose {@code __consumer_offsets} partition ({@code
 * abs(groupId.hashCode()) mod offsets.topic.num.partitions}, as Kafka) this broker leads.
 *
 * <p>Offsets are durable: a commit is appended to the group's offsets partition (acks=all) before
 * it is acknowledged and applied in memory; when this broker becomes leader of an offsets partition
 * it replays that partition's log (latest value per key wins, tombstones delete) and answers
 * COORDINATOR_LOAD_IN_PROGRESS meanwhile. Group membership is not persisted: after a coordinator
 * restart members rejoin (UNKNOWN_MEMBER_ID) and keep their committed offsets.
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
  private final Map<Long, Map<String, Map<TopicPartition, OffsetRecords.Value>>> pendingTxn =
      new ConcurrentHashMap<>();

  /**
   * @param acksAll how transactional offset commits wait for the ISR (null: a broker that only
   *     leads, whose appends are replicated as soon as written)
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
    for (Map<String, Map<TopicPartition, OffsetRecords.Value>> byGroup : pendingTxn.values()) {
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
        g.offsets.put(tp, OffsetRecords.parseValue(r.value()));
      } else {
        g.offsets.remove(tp);
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
        .put(new TopicPartition(key.topic(), key.partition()), OffsetRecords.parseValue(r.value()));
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
    Map<TopicPartition, Errors> result = new java.util.LinkedHashMap<>();
    Errors e = ownership(groupId);
    if (e == Errors.NONE && generation >= 0 && memberId != null && !memberId.isEmpty()) {
      ClassicGroup g = group(groupId);
      synchronized (g) {
        e = g.validateMember(memberId, instanceId, generation);
      }
    }
    List<SimpleRecord> records = new ArrayList<>();
    long now = clock.getAsLong();
    for (Commit c : commits) {
      Errors pe = e;
      if (pe == Errors.NONE
          && c.metadata() != null
          && c.metadata().length() > OFFSET_METADATA_MAX_BYTES) {
        pe = Errors.OFFSET_METADATA_TOO_LARGE;
      }
      if (pe == Errors.NONE) {
        records.add(
            new SimpleRecord(
                now,
                OffsetRecords.key(groupId, c.tp().topic(), c.tp().partition()),
                OffsetRecords.value(c.offset(), c.leaderEpoch(), c.metadata(), now)));
      }
      result.put(c.tp(), pe);
    }
    if (records.isEmpty()) {
      return CompletableFuture.completedFuture(result);
    }
    TopicPartition tp = new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME, partitionFor(groupId));
    Errors written = Errors.NONE;
    ReplicaManager.Appended appended = null;
    try {
      // Sequence 0 as Kafka writes it: coordinator appends skip the sequence checks.
      appended =
          replicas.appendAsCoordinator(
              tp,
              MemoryRecords.withTransactionalRecords(
                  Compression.NONE,
                  producerId,
                  producerEpoch,
                  0,
                  records.toArray(new SimpleRecord[0])));
    } catch (Exception ex) {
      log.warn("group {}: writing transactional offsets failed: {}", groupId, ex.toString());
      written = Errors.forException(ex);
      if (written == Errors.NOT_LEADER_OR_FOLLOWER) {
        written = Errors.NOT_COORDINATOR;
      }
    }
    if (written != Errors.NONE) {
      return CompletableFuture.completedFuture(failed(result, written));
    }
    Map<TopicPartition, OffsetRecords.Value> pending =
        pendingTxn
            .computeIfAbsent(producerId, id -> new ConcurrentHashMap<>())
            .computeIfAbsent(groupId, g -> new ConcurrentHashMap<>());
    for (Commit c : commits) {
      if (result.get(c.tp()) == Errors.NONE) {
        pending.put(
            c.tp(), new OffsetRecords.Value(c.offset(), c.leaderEpoch(), c.metadata(), now));
      }
    }
    if (acksAll == null) {
      return CompletableFuture.completedFuture(result);
    }
    return acksAll
        .await(tp, appended, config.get(BrokerConfig.OFFSETS_COMMIT_TIMEOUT_MS))
        .thenApply(w -> failed(result, ReplicationWaiter.coordinatorError(w.error())));
  }

  /** {@code result} with every partition that had no error of its own failed with {@code e}. */
  private static Map<TopicPartition, Errors> failed(Map<TopicPartition, Errors> result, Errors e) {
    if (e != Errors.NONE) {
      result.replaceAll((p, err) -> err == Errors.NONE ? e : err);
    }
    return result;
  }

  /**
   * A transaction marker reached offsets partition {@code partition}: the producer's pending
   * offsets of the groups stored there are applied (commit) or dropped (abort).
   */
  public void completeTransaction(int partition, long producerId, boolean commit) {
    Map<String, Map<TopicPartition, OffsetRecords.Value>> byGroup = pendingTxn.get(producerId);
    if (byGroup == null) {
      return;
    }
    for (String groupId : List.copyOf(byGroup.keySet())) {
      if (partitionFor(groupId) != partition) {
        continue;
      }
      Map<TopicPartition, OffsetRecords.Value> offsets = byGroup.remove(groupId);
      if (commit && offsets != null) {
        ClassicGroup g = group(groupId);
        synchronized (g) {
          g.offsets.putAll(offsets);
        }
      }
    }
    pendingTxn.computeIfPresent(producerId, (id, m) -> m.isEmpty() ? null : m);
  }

  /** Whether an unfinished transaction holds an offset of {@code tp} for {@code groupId}. */
  public boolean hasPendingTransactionalOffset(String groupId, TopicPartition tp) {
    for (Map<String, Map<TopicPartition, OffsetRecords.Value>> byGroup : pendingTxn.values()) {
      Map<TopicPartition, OffsetRecords.Value> offsets = byGroup.get(groupId);
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
   * Validates the committer (a member of the current generation, or a standalone consumer with
   * generation -1 of an empty group), appends the commits durably, then applies them. Returns the
   * error for every partition (NONE, or e.g. ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS).
   */
  public Map<TopicPartition, Errors> commit(
      String groupId, String memberId, String instanceId, int generation, List<Commit> commits) {
    Map<TopicPartition, Errors> result = new java.util.LinkedHashMap<>();
    Errors e = ownership(groupId);
    ClassicGroup g = e == Errors.NONE ? group(groupId) : null;
    if (g != null) {
      synchronized (g) {
        if (generation < 0 && memberId.isEmpty()) {
          e = g.state == GroupState.EMPTY ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
        } else {
          e = g.validateMember(memberId, instanceId, generation);
          if (e == Errors.NONE && g.state == GroupState.COMPLETING_REBALANCE) {
            e = Errors.REBALANCE_IN_PROGRESS;
          }
          if (e == Errors.NONE) {
            g.members.get(memberId).heartbeat(clock.getAsLong());
          }
        }
      }
    }
    List<SimpleRecord> records = new ArrayList<>();
    long now = clock.getAsLong();
    for (Commit c : commits) {
      Errors pe = e;
      if (pe == Errors.NONE
          && c.metadata() != null
          && c.metadata().length() > OFFSET_METADATA_MAX_BYTES) {
        pe = Errors.OFFSET_METADATA_TOO_LARGE;
      }
      if (pe == Errors.NONE) {
        records.add(
            new SimpleRecord(
                now,
                OffsetRecords.key(groupId, c.tp().topic(), c.tp().partition()),
                OffsetRecords.value(c.offset(), c.leaderEpoch(), c.metadata(), now)));
      }
      result.put(c.tp(), pe);
    }
    if (!records.isEmpty()) {
      Errors written = append(groupId, records);
      if (written != Errors.NONE) {
        result.replaceAll((tp, err) -> err == Errors.NONE ? written : err);
      } else {
        synchronized (g) {
          for (Commit c : commits) {
            if (result.get(c.tp()) == Errors.NONE) {
              g.offsets.put(
                  c.tp(), new OffsetRecords.Value(c.offset(), c.leaderEpoch(), c.metadata(), now));
            }
          }
        }
      }
    }
    return result;
  }

  private Errors append(String groupId, List<SimpleRecord> records) {
    TopicPartition tp = new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME, partitionFor(groupId));
    try {
      replicas.appendToLeader(
          tp,
          MemoryRecords.withRecords(Compression.NONE, records.toArray(new SimpleRecord[0])),
          (short) -1);
      return Errors.NONE;
    } catch (Exception ex) {
      log.warn("group {}: writing offsets failed: {}", groupId, ex.toString());
      Errors err = Errors.forException(ex);
      return err == Errors.NOT_LEADER_OR_FOLLOWER ? Errors.NOT_COORDINATOR : err;
    }
  }

  /** Committed offsets of a group: the given partitions, or all when {@code partitions} is null. */
  public Map<TopicPartition, OffsetRecords.Value> fetchOffsets(
      String groupId, List<TopicPartition> partitions) {
    ClassicGroup g = groups.get(groupId);
    Map<TopicPartition, OffsetRecords.Value> result = new java.util.LinkedHashMap<>();
    if (g == null) {
      if (partitions != null) {
        partitions.forEach(tp -> result.put(tp, null));
      }
      return result;
    }
    synchronized (g) {
      if (partitions == null) {
        result.putAll(g.offsets);
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
        e.getValue().offsets.forEach((tp, v) -> offsets.put(tp, v.offset()));
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

  /** DeleteGroups: only empty groups; their offsets get tombstones. */
  public Errors delete(String groupId) {
    Errors owner = ownership(groupId);
    if (owner != Errors.NONE) {
      return owner;
    }
    ClassicGroup g = groups.get(groupId);
    if (g == null) {
      return Errors.GROUP_ID_NOT_FOUND;
    }
    synchronized (g) {
      if (g.state != GroupState.EMPTY) {
        return Errors.NON_EMPTY_GROUP;
      }
      Errors written = writeTombstones(groupId, g.offsets.keySet());
      if (written != Errors.NONE) {
        return written;
      }
      g.state = GroupState.DEAD;
      groups.remove(groupId);
    }
    log.info("group {} deleted", groupId);
    return Errors.NONE;
  }

  /** OffsetDelete's answer: a group-level error, else each partition's (NONE when deleted). */
  public record OffsetDeletion(Errors error, Map<TopicPartition, Errors> partitions) {}

  /**
   * OffsetDelete, as Kafka: an unknown group is GROUP_ID_NOT_FOUND, a group with members that does
   * not speak the consumer protocol NON_EMPTY_GROUP; a partition of a topic a member subscribes to
   * keeps its offset (GROUP_SUBSCRIBED_TO_TOPIC); the others' offsets get tombstones.
   */
  public OffsetDeletion deleteOffsets(String groupId, List<TopicPartition> partitions) {
    Errors owner = ownership(groupId);
    if (owner != Errors.NONE) {
      return new OffsetDeletion(owner, Map.of());
    }
    ClassicGroup g = groups.get(groupId);
    if (g == null) {
      return new OffsetDeletion(Errors.GROUP_ID_NOT_FOUND, Map.of());
    }
    synchronized (g) {
      if (g.state != GroupState.EMPTY && !g.usesConsumerProtocol()) {
        return new OffsetDeletion(Errors.NON_EMPTY_GROUP, Map.of());
      }
      Map<TopicPartition, Errors> result = new java.util.LinkedHashMap<>();
      List<TopicPartition> deleted = new ArrayList<>();
      for (TopicPartition tp : partitions) {
        boolean subscribed = g.isSubscribedTo(tp.topic());
        result.put(tp, subscribed ? Errors.GROUP_SUBSCRIBED_TO_TOPIC : Errors.NONE);
        if (!subscribed && g.offsets.containsKey(tp)) {
          deleted.add(tp);
        }
      }
      Errors written = writeTombstones(groupId, deleted);
      if (written != Errors.NONE) {
        return new OffsetDeletion(written, Map.of());
      }
      deleted.forEach(g.offsets::remove);
      return new OffsetDeletion(Errors.NONE, result);
    }
  }

  /** Appends a tombstone for each of the group's committed offsets of {@code partitions}. */
  private Errors writeTombstones(String groupId, Collection<TopicPartition> partitions) {
    List<SimpleRecord> tombstones = new ArrayList<>();
    long now = clock.getAsLong();
    for (TopicPartition tp : partitions) {
      tombstones.add(
          new SimpleRecord(
              now, OffsetRecords.key(groupId, tp.topic(), tp.partition()), (byte[]) null));
    }
    return tombstones.isEmpty() ? Errors.NONE : append(groupId, tombstones);
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
