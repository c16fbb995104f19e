package dev.cairn.broker.txn;

import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.broker.log.FetchDataInfo;
import dev.cairn.broker.log.UnifiedLog;
import dev.cairn.broker.metadata.BrokerInfo;
import dev.cairn.broker.metadata.MetadataImage;
import dev.cairn.broker.producer.ProducerIdManager;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction coordinator (Kafka's TransactionCoordinator and TransactionStateManager): owns
 * the transactional ids whose {@code __transaction_state} partition ({@code abs(id.hashCode()) mod
 * transaction.state.log.num.partitions}) this broker leads.
 *
 * <p>Every state change is appended to that partition and replicated to its ISR (acks=all: {@code
 * transaction.state.log.min.isr} replicas at least) before it is adopted in memory, so any replica
 * that can be elected holds every state a client was answered from. When this broker becomes leader
 * of a partition it replays it to its log end (latest value per id wins) and answers
 * COORDINATOR_LOAD_IN_PROGRESS meanwhile, then finishes any transaction the previous leader left in
 * PrepareCommit/PrepareAbort by writing its markers again, with its own (higher) coordinator epoch:
 * the partition's leader epoch.
 *
 * <p>Ending a transaction: PrepareCommit/PrepareAbort is written (the decision is then final),
 * markers go to every partition of the transaction and are awaited until each partition's ISR holds
 * them ({@link TxnMarkerWriter}), then CompleteCommit/CompleteAbort. EndTxn is answered once the
 * transaction is complete, so the next transaction never overlaps the markers of the previous one.
 * Markers that fail are retried every {@value #MARKER_RETRY_MS} ms while the transaction stays
 * prepared; the timer also aborts (with an epoch bump, fencing the producer) transactions open
 * longer than their timeout.
 *
 * <p>Threads: the public operations wait for replication, so callers run them on threads of their
 * own, never on request threads (which the followers' fetches that advance the high watermark
 * need). Each transactional id's monitor serializes its operations.
 */
public final class TransactionCoordinator {
  private static final Logger log = LoggerFactory.getLogger(TransactionCoordinator.class);

  /** Backoff between attempts at a prepared transaction's markers (Kafka's retry.backoff.ms). */
  static final long MARKER_RETRY_MS = 100;

  /** Past the purgatory's own timeout: only a wedged purgatory would need it. */
  private static final long REPLICATION_WAIT_SLACK_MS = 1_000;

  /** Result of InitProducerId. */
  public record ProducerIdAndEpoch(Errors error, long producerId, short epoch) {}

  /** One transactional id as ListTransactions reports it. */
  public record Listing(String transactionalId, long producerId, TxnState state) {}

  /** One transactional id as DescribeTransactions reports it; other fields unset on an error. */
  public record Description(
      String transactionalId,
      Errors error,
      TxnState state,
      int timeoutMs,
      long startMs,
      long producerId,
      short epoch,
      List<TopicPartition> partitions) {
    static Description error(String transactionalId, Errors error) {
      return new Description(transactionalId, error, null, 0, -1, -1, (short) -1, List.of());
    }
  }

  private final BrokerConfig config;
  private final ReplicaManager replicas;
  private final ReplicationWaiter acksAll;
  private final TopicAdmin topics;
  private final ProducerIdManager producerIds;
  private final TxnMarkerWriter markers;
  private final LongSupplier clock;
  private final int logPartitions;
  private final Map<String, TxnMetadata> txns = new ConcurrentHashMap<>();
  private final Map<Integer, Partition> loaded = new ConcurrentHashMap<>();
  private volatile ScheduledExecutorService executor;

  public TransactionCoordinator(
      BrokerConfig config,
      ReplicaManager replicas,
      ReplicationWaiter acksAll,
      TopicAdmin topics,
      ProducerIdManager producerIds,
      TxnMarkerWriter markers,
      LongSupplier clock) {
    this.config = config;
    this.replicas = replicas;
    this.acksAll = acksAll;
    this.topics = topics;
    this.producerIds = producerIds;
    this.markers = markers;
    this.clock = clock;
    this.logPartitions = config.get(BrokerConfig.TRANSACTION_STATE_LOG_PARTITIONS);
  }

  /**
   * Loads and unloads partitions as leadership moves, and checks for expired transactions and
   * unfinished markers every {@code transaction.abort.timed.out.transaction.cleanup.interval.ms},
   * on {@code executor} (its own thread: writing markers may wait on other brokers).
   */
  public void start(ScheduledExecutorService executor) {
    this.executor = executor;
    replicas.onBecomeLeader(p -> executor.execute(() -> maybeLoad(p)));
    replicas.onResign(tp -> executor.execute(() -> unload(tp)));
    long interval = config.get(BrokerConfig.TRANSACTION_ABORT_CHECK_INTERVAL_MS);
    executor.scheduleWithFixedDelay(this::tick, interval, interval, TimeUnit.MILLISECONDS);
    long expiry = config.get(BrokerConfig.TRANSACTION_REMOVE_EXPIRED_INTERVAL_MS);
    executor.scheduleWithFixedDelay(this::expireIds, expiry, expiry, TimeUnit.MILLISECONDS);
  }

  public int partitionFor(String transactionalId) {
    return Utils.abs(transactionalId.hashCode()) % logPartitions;
  }

  private TopicPartition logPartition(String transactionalId) {
    return new TopicPartition(Topic.TRANSACTION_STATE_TOPIC_NAME, partitionFor(transactionalId));
  }

  /**
   * FindCoordinator: creates {@code __transaction_state} on first use (replication factor {@code
   * min(transaction.state.log.replication.factor, live brokers)}, so a single broker works with the
   * defaults; {@code min.insync.replicas} from {@code transaction.state.log.min.isr}, capped at the
   * replication factor as every partition's), then names the leader of the id's partition; null
   * while there is none.
   */
  public BrokerInfo findCoordinator(String transactionalId) throws Exception {
    MetadataImage image = replicas.image();
    if (image.topic(Topic.TRANSACTION_STATE_TOPIC_NAME) == null) {
      int rf =
          Math.max(
              1,
              Math.min(
                  config.get(BrokerConfig.TRANSACTION_STATE_LOG_REPLICATION_FACTOR),
                  image.brokers().size()));
      try {
        topics.create(
            Topic.TRANSACTION_STATE_TOPIC_NAME,
            logPartitions,
            rf,
            Map.of(),
            Map.of(
                "cleanup.policy",
                "compact",
                "segment.bytes",
                "" + config.get(BrokerConfig.TRANSACTION_STATE_LOG_SEGMENT_BYTES),
                "min.insync.replicas",
                "" + config.get(BrokerConfig.TRANSACTION_STATE_LOG_MIN_ISR)),
            false,
            Duration.ZERO);
      } catch (TopicExistsException e) {
        // created concurrently
      }
      image = replicas.image();
    }
    MetadataImage.PartitionImage p = image.partition(logPartition(transactionalId));
    if (p == null || p.state() == null) {
      return null;
    }
    return image.brokers().get(p.state().leader());
  }

  /** NONE if this broker coordinates {@code transactionalId} and has loaded it, else the error. */
  private Errors ownership(String transactionalId) {
    if (transactionalId == null || transactionalId.isEmpty()) {
      return Errors.INVALID_REQUEST;
    }
    Partition leader;
    try {
      leader = replicas.leaderPartition(logPartition(transactionalId));
    } catch (RuntimeException e) {
      return Errors.NOT_COORDINATOR;
    }
    return loaded.get(partitionFor(transactionalId)) == leader
        ? Errors.NONE
        : Errors.COORDINATOR_LOAD_IN_PROGRESS;
  }

  private int coordinatorEpoch(String transactionalId) {
    try {
      return replicas.leaderPartition(logPartition(transactionalId)).leaderEpoch();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /**
   * InitProducerId with a transactional id: the first call allocates a producer id at epoch 0;
   * later calls bump the epoch (fencing the previous producer of this id). A request naming a
   * producer id and epoch (a producer recovering) must match the current ones, else
   * PRODUCER_FENCED. As Kafka 4: while a transaction is ending (Prepare*) the answer is
   * CONCURRENT_TRANSACTIONS; an open transaction is aborted with a bumped epoch (fencing its
   * producer) and the answer is CONCURRENT_TRANSACTIONS too, so the client's retry bumps the epoch
   * a second time (and takes a new producer id should the fence have used the last epoch).
   */
  public ProducerIdAndEpoch initProducerId(
      String transactionalId, int timeoutMs, long expectedProducerId, short expectedEpoch)
      throws Exception {
    Errors owner = ownership(transactionalId);
    if (owner != Errors.NONE) {
      return new ProducerIdAndEpoch(owner, -1, (short) -1);
    }
    if (timeoutMs <= 0 || timeoutMs > config.get(BrokerConfig.TRANSACTION_MAX_TIMEOUT_MS)) {
      return new ProducerIdAndEpoch(Errors.INVALID_TRANSACTION_TIMEOUT, -1, (short) -1);
    }
    TxnMetadata m = txns.computeIfAbsent(transactionalId, TxnMetadata::new);
    synchronized (m) {
      if (m.state == TxnState.DEAD) {
        // Expired while we waited for it: start again from a fresh entry.
        return initProducerId(transactionalId, timeoutMs, expectedProducerId, expectedEpoch);
      }
      if (m.producerId >= 0
          && expectedProducerId >= 0
          && (expectedProducerId != m.producerId || expectedEpoch != m.epoch)) {
        return new ProducerIdAndEpoch(Errors.PRODUCER_FENCED, -1, (short) -1);
      }
      if (m.state.preparing()) {
        return new ProducerIdAndEpoch(Errors.CONCURRENT_TRANSACTIONS, -1, (short) -1);
      }
      if (m.state == TxnState.ONGOING) {
        Errors e = end(m, false, true);
        return new ProducerIdAndEpoch(
            e == Errors.NONE ? Errors.CONCURRENT_TRANSACTIONS : e, -1, (short) -1);
      }
      TxnMetadata next = m.copy();
      if (m.producerId < 0 || m.epoch >= Short.MAX_VALUE - 1) {
        next.producerId = producerIds.nextProducerId();
        next.epoch = 0;
      } else {
        next.epoch++;
      }
      next.timeoutMs = timeoutMs;
      next.state = TxnState.EMPTY;
      next.partitions.clear();
      next.startMs = -1;
      Errors e = write(next);
      if (e != Errors.NONE) {
        if (m.producerId < 0) {
          txns.remove(transactionalId, m);
        }
        return new ProducerIdAndEpoch(e, -1, (short) -1);
      }
      m.adopt(next);
      log.info(
          "transactional id {}: producer id {} epoch {}", transactionalId, m.producerId, m.epoch);
      return new ProducerIdAndEpoch(Errors.NONE, m.producerId, m.epoch);
    }
  }

  /**
   * AddPartitionsToTxn (and AddOffsetsToTxn, with the group's offsets partition): validates the
   * producer, then records the partitions and the transaction as Ongoing.
   */
  public Errors addPartitions(
      String transactionalId, long producerId, short epoch, Collection<TopicPartition> partitions) {
    return withProducer(
        transactionalId,
        producerId,
        epoch,
        m -> {
          if (m.state.preparing()) {
            return Errors.CONCURRENT_TRANSACTIONS;
          }
          if (m.state == TxnState.ONGOING && m.partitions.containsAll(partitions)) {
            return Errors.NONE;
          }
          TxnMetadata next = m.copy();
          if (m.state != TxnState.ONGOING) {
            next.partitions.clear();
            next.startMs = clock.getAsLong();
          }
          next.state = TxnState.ONGOING;
          next.partitions.addAll(partitions);
          Errors e = write(next);
          if (e == Errors.NONE) {
            m.adopt(next);
          }
          return e;
        });
  }

  /** AddPartitionsToTxn v4+ verifyOnly: whether the partitions are in the open transaction. */
  public Errors verifyPartitions(
      String transactionalId, long producerId, short epoch, Collection<TopicPartition> partitions) {
    return withProducer(
        transactionalId,
        producerId,
        epoch,
        m -> {
          if (m.state == TxnState.PREPARE_COMMIT || m.state == TxnState.PREPARE_ABORT) {
            return Errors.CONCURRENT_TRANSACTIONS;
          }
          // As Kafka (KIP-890): the producer can abort its transaction and carry on.
          return m.state == TxnState.ONGOING && m.partitions.containsAll(partitions)
              ? Errors.NONE
              : Errors.TRANSACTION_ABORTABLE;
        });
  }

  /** EndTxn: commits or aborts the open transaction; a retry of a completed one succeeds. */
  public Errors endTransaction(
      String transactionalId, long producerId, short epoch, boolean commit) {
    return withProducer(
        transactionalId,
        producerId,
        epoch,
        m ->
            switch (m.state) {
              case ONGOING -> end(m, commit, false);
              case COMPLETE_COMMIT -> commit ? Errors.NONE : Errors.INVALID_TXN_STATE;
              case COMPLETE_ABORT -> commit ? Errors.INVALID_TXN_STATE : Errors.NONE;
              // As Kafka: a retry of the decision waits; the opposite decision is refused.
              case PREPARE_COMMIT ->
                  commit ? Errors.CONCURRENT_TRANSACTIONS : Errors.INVALID_TXN_STATE;
              case PREPARE_ABORT ->
                  commit ? Errors.INVALID_TXN_STATE : Errors.CONCURRENT_TRANSACTIONS;
              default -> Errors.INVALID_TXN_STATE;
            });
  }

  /**
   * Runs {@code action} on the transaction of {@code transactionalId} under its monitor, once this
   * broker coordinates it and the producer id and epoch are the current ones; else their error.
   */
  private Errors withProducer(
      String transactionalId, long producerId, short epoch, Function<TxnMetadata, Errors> action) {
    Errors owner = ownership(transactionalId);
    if (owner != Errors.NONE) {
      return owner;
    }
    TxnMetadata m = txns.get(transactionalId);
    if (m == null) {
      return Errors.INVALID_PRODUCER_ID_MAPPING;
    }
    synchronized (m) {
      Errors e = validate(m, producerId, epoch);
      return e != Errors.NONE ? e : action.apply(m);
    }
  }

  /**
   * ListTransactions: the transactional ids this broker coordinates, filtered as Kafka filters them
   * (each non-empty filter must match): by state, by producer id, by a start more than {@code
   * durationMs} ago (when &ge; 0; as in Kafka the last transaction's start counts whatever the
   * state, and an id that never started one is always old enough), by a regular expression over the
   * whole id (null: any).
   */
  public List<Listing> listTransactions(
      Set<TxnState> states, Set<Long> producerIds, long durationMs, Pattern idPattern) {
    long now = clock.getAsLong();
    List<Listing> result = new ArrayList<>();
    for (TxnMetadata m : List.copyOf(txns.values())) {
      if (ownership(m.transactionalId) != Errors.NONE) {
        continue;
      }
      synchronized (m) {
        if (m.state == TxnState.DEAD
            || m.producerId < 0
            || (!states.isEmpty() && !states.contains(m.state))
            || (!producerIds.isEmpty() && !producerIds.contains(m.producerId))
            || (durationMs >= 0 && now - m.startMs <= durationMs)
            || (idPattern != null && !idPattern.matcher(m.transactionalId).matches())) {
          continue;
        }
        result.add(new Listing(m.transactionalId, m.producerId, m.state));
      }
    }
    return result;
  }

  /** DescribeTransactions of one id: its state, or NOT_COORDINATOR, TRANSACTIONAL_ID_NOT_FOUND… */
  public Description describe(String transactionalId) {
    Errors owner = ownership(transactionalId);
    if (owner != Errors.NONE) {
      return Description.error(transactionalId, owner);
    }
    TxnMetadata m = txns.get(transactionalId);
    if (m == null) {
      return Description.error(transactionalId, Errors.TRANSACTIONAL_ID_NOT_FOUND);
    }
    synchronized (m) {
      if (m.state == TxnState.DEAD) {
        return Description.error(transactionalId, Errors.TRANSACTIONAL_ID_NOT_FOUND);
      }
      return new Description(
          transactionalId,
          Errors.NONE,
          m.state,
          m.timeoutMs,
          m.startMs,
          m.producerId,
          m.epoch,
          List.copyOf(m.partitions));
    }
  }

  private static Errors validate(TxnMetadata m, long producerId, short epoch) {
    if (m.state == TxnState.DEAD || m.producerId != producerId) {
      return Errors.INVALID_PRODUCER_ID_MAPPING;
    }
    if (epoch != m.epoch) {
      return Errors.PRODUCER_FENCED;
    }
    return Errors.NONE;
  }

  /**
   * Ends {@code m}'s transaction (the caller holds its monitor): Prepare written, markers, Complete
   * written. With {@code bumpEpoch} the markers carry a new epoch, fencing the current producer.
   * Returns NONE once the decision is durable; markers that could not all be written leave the
   * transaction in Prepare for the timer to finish.
   */
  private Errors end(TxnMetadata m, boolean commit, boolean bumpEpoch) {
    TxnMetadata prepare = m.copy();
    if (bumpEpoch && m.epoch < Short.MAX_VALUE) {
      // (At the last epoch the markers keep it; the next InitProducerId takes a new producer id.)
      prepare.epoch++;
    }
    prepare.state = commit ? TxnState.PREPARE_COMMIT : TxnState.PREPARE_ABORT;
    Errors e = write(prepare);
    if (e != Errors.NONE) {
      return e;
    }
    m.adopt(prepare);
    completeMarkers(m);
    return Errors.NONE;
  }

  /** Writes the markers of a prepared transaction, then its completion. */
  private void completeMarkers(TxnMetadata m) {
    boolean commit = m.state == TxnState.PREPARE_COMMIT;
    TxnMarkerWriter.Marker marker =
        new TxnMarkerWriter.Marker(
            m.producerId, m.epoch, commit, coordinatorEpoch(m.transactionalId));
    Map<TopicPartition, Errors> results = markers.write(marker, m.partitions);
    Map<TopicPartition, Errors> failed = new LinkedHashMap<>();
    results.forEach((tp, err) -> {
      if (err != Errors.NONE && err != Errors.UNKNOWN_TOPIC_OR_PARTITION) {
        failed.put(tp, err);
      }
    });
    if (!failed.isEmpty()) {
      if (failed.containsValue(Errors.TRANSACTION_COORDINATOR_FENCED)) {
        // A newer coordinator of this id exists: it finishes the transaction, we stop (as Kafka).
        log.warn(
            "transactional id {}: fenced by a newer coordinator, leaving its {} markers",
            m.transactionalId,
            commit ? "commit" : "abort");
        return;
      }
      log.warn(
          "transactional id {}: {} markers not written yet, retrying in {} ms: {}",
          m.transactionalId,
          commit ? "commit" : "abort",
          MARKER_RETRY_MS,
          failed);
      retryMarkers(m);
      return;
    }
    TxnMetadata complete = m.copy();
    complete.state = commit ? TxnState.COMPLETE_COMMIT : TxnState.COMPLETE_ABORT;
    complete.partitions.clear();
    if (write(complete) == Errors.NONE) {
      m.adopt(complete);
      log.info(
          "transactional id {}: transaction {} (producer {} epoch {})",
          m.transactionalId,
          commit ? "committed" : "aborted",
          m.producerId,
          m.epoch);
    }
  }

  /** Tries {@code m}'s markers again soon, if it is still prepared and still ours. */
  private void retryMarkers(TxnMetadata m) {
    ScheduledExecutorService e = executor;
    if (e == null) {
      return;
    }
    e.schedule(
        () -> {
          if (ownership(m.transactionalId) != Errors.NONE) {
            return;
          }
          synchronized (m) {
            if (m.state.preparing() && txns.get(m.transactionalId) == m) {
              completeMarkers(m);
            }
          }
        },
        MARKER_RETRY_MS,
        TimeUnit.MILLISECONDS);
  }

  /** Appends {@code m}'s new state to its transaction log partition; NONE or the error. */
  private Errors write(TxnMetadata m) {
    m.lastUpdateMs = clock.getAsLong();
    return append(m.transactionalId, TxnLogRecords.value(m));
  }

  /**
   * Appends a state ({@code value}) or a tombstone (null) for {@code transactionalId} and waits
   * until the ISR holds it (at most {@code request.timeout.ms}); NONE or the error to answer.
   */
  private Errors append(String transactionalId, byte[] value) {
    long now = clock.getAsLong();
    TopicPartition tp = logPartition(transactionalId);
    long timeoutMs = config.get(BrokerConfig.REQUEST_TIMEOUT_MS);
    Errors err;
    try {
      ReplicaManager.Appended appended =
          replicas.appendAsLeader(
              tp,
              MemoryRecords.withRecords(
                  Compression.NONE,
                  new SimpleRecord(now, TxnLogRecords.key(transactionalId), value)),
              (short) -1);
      err =
          acksAll
              .await(tp, appended, timeoutMs)
              .get(timeoutMs + REPLICATION_WAIT_SLACK_MS, TimeUnit.MILLISECONDS)
              .error();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err = Errors.REQUEST_TIMED_OUT;
    } catch (ExecutionException | TimeoutException e) {
      err = Errors.REQUEST_TIMED_OUT;
    } catch (Exception e) {
      err = Errors.forException(e);
    }
    if (err != Errors.NONE) {
      log.warn("transactional id {}: writing state failed: {}", transactionalId, err);
    }
    return ReplicationWaiter.coordinatorError(err);
  }

  private void maybeLoad(Partition p) {
    TopicPartition tp = p.topicPartition();
    if (!tp.topic().equals(Topic.TRANSACTION_STATE_TOPIC_NAME)) {
      return;
    }
    long start = System.nanoTime();
    unload(tp);
    try {
      // To the log end, not the high watermark: as a new leader this log is the truth, and its
      // tail above a high watermark not yet advanced may hold states clients were answered from.
      UnifiedLog l = p.log();
      long offset = l.logStartOffset();
      Map<String, TxnMetadata> read = new LinkedHashMap<>();
      while (offset < l.logEndOffset()) {
        FetchDataInfo data = l.readToEnd(offset, 1 << 20, true);
        if (data.records() == null) {
          break;
        }
        MemoryRecords mr = MemoryRecords.readableRecords(data.records().readFully());
        for (MutableRecordBatch batch : mr.batches()) {
          for (Record r : batch) {
            String id = r.hasKey() ? TxnLogRecords.parseKey(r.key()) : null;
            if (id == null) {
              continue;
            }
            if (r.hasValue()) {
              read.put(id, TxnLogRecords.parseValue(id, r.value()));
            } else {
              read.remove(id);
            }
          }
          offset = batch.nextOffset();
        }
      }
      txns.putAll(read);
      loaded.put(tp.partition(), p);
      log.info(
          "{}: loaded {} transactional ids in {} ms",
          tp,
          read.size(),
          (System.nanoTime() - start) / 1_000_000);
      for (TxnMetadata m : read.values()) {
        synchronized (m) {
          if (m.state.preparing()) {
            completeMarkers(m);
          }
        }
      }
    } catch (Exception e) {
      log.error("{}: loading transaction state failed", tp, e);
    }
  }

  private void unload(TopicPartition tp) {
    if (!tp.topic().equals(Topic.TRANSACTION_STATE_TOPIC_NAME)) {
      return;
    }
    loaded.remove(tp.partition());
    txns.keySet().removeIf(id -> partitionFor(id) == tp.partition());
  }

  /**
   * Forgets transactional ids idle (no transaction open, none ending) for longer than {@code
   * transactional.id.expiration.ms}, as Kafka does: a tombstone in {@code __transaction_state}
   * (compaction then drops the id), and the entry is marked Dead so a request that raced with the
   * expiry starts from scratch. A producer using the id again gets a new producer id.
   */
  private void expireIds() {
    long now = clock.getAsLong();
    long expiration = config.get(BrokerConfig.TRANSACTIONAL_ID_EXPIRATION_MS);
    for (TxnMetadata m : List.copyOf(txns.values())) {
      if (ownership(m.transactionalId) != Errors.NONE) {
        continue;
      }
      synchronized (m) {
        boolean idle =
            m.state == TxnState.EMPTY
                || m.state == TxnState.COMPLETE_COMMIT
                || m.state == TxnState.COMPLETE_ABORT;
        if (!idle || now - m.lastUpdateMs < expiration) {
          continue;
        }
        if (append(m.transactionalId, null) == Errors.NONE) {
          m.state = TxnState.DEAD;
          txns.remove(m.transactionalId, m);
          log.info(
              "transactional id {}: expired after {} ms idle (producer id {})",
              m.transactionalId,
              now - m.lastUpdateMs,
              m.producerId);
        }
      }
    }
  }

  /** Aborts expired transactions (epoch bumped) and retries unfinished markers. */
  private void tick() {
    long now = clock.getAsLong();
    for (TxnMetadata m : List.copyOf(txns.values())) {
      if (ownership(m.transactionalId) != Errors.NONE) {
        continue;
      }
      try {
        synchronized (m) {
          if (m.state.preparing()) {
            completeMarkers(m);
          } else if (m.state == TxnState.ONGOING && now - m.startMs > m.timeoutMs) {
            log.info(
                "transactional id {}: aborting transaction open for {} ms (timeout {} ms)",
                m.transactionalId,
                now - m.startMs,
                m.timeoutMs);
            end(m, false, true);
          }
        }
      } catch (RuntimeException e) {
        log.warn("transactional id {}: timer failed", m.transactionalId, e);
      }
    }
  }
}
