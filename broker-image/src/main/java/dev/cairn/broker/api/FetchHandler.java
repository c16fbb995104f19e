package dev.cairn.broker.api;

import dev.cairn.broker.config.DynamicBrokerKeys;
import dev.cairn.broker.config.TopicConfigs;
import dev.cairn.broker.log.FetchDataInfo;
import dev.cairn.broker.log.UnifiedLog;
import dev.cairn.broker.metadata.MetadataImage;
import dev.cairn.broker.replication.FetchPosition;
import dev.cairn.broker.replication.LeaderReplica;
import dev.cairn.broker.replication.Partition;
import dev.cairn.broker.replication.ReplicationQuota;
import dev.cairn.broker.server.BrokerContext;
import dev.cairn.broker.server.FetchSessionCache;
import dev.cairn.broker.server.FetchSessionCache.CachedPartition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.requests.FetchMetadata;

/**
 * Fetch for consumers: reads each partition from its fetch offset up to the high watermark, at most
 * {@code partitionMaxBytes} per partition and {@code maxBytes} in all (the first partition with
 * data may exceed both by one batch so a large batch can always be consumed). Log bytes go out as
 * file regions (zero copy).
 *
 * <p>Long poll: when fewer than {@code minBytes} are available and {@code maxWaitMs > 0}, the fetch
 * parks in the purgatory and is re-read on every append to one of its partitions, or answered with
 * what is there when the wait expires.
 *
 * <p>Sessions: see {@link FetchSessionCache}; epoch 0 starts a session, -1 fetches without one,
 * other epochs must follow the session's (INVALID_FETCH_SESSION_EPOCH) of a known session
 * (FETCH_SESSION_ID_NOT_FOUND).
 */
public final class FetchHandler implements ApiHandler<FetchRequestData> {
  private final BrokerContext broker;
  private final Counter bytesOut;

  /** leader.replication.throttled.rate over the partitions this broker leads that are listed. */
  private final ReplicationQuota leaderThrottle = new ReplicationQuota();

  public FetchHandler(BrokerContext broker, MeterRegistry registry) {
    this.broker = broker;
    this.bytesOut = registry.counter("cairn_broker_bytes_out_total");
  }

  private record Read(TopicPartition tp, CachedPartition cached, PartitionData data) {}

  /** One fetch being served: the partitions to read and, for incremental sessions, the cache. */
  private final class Fetch {
    final FetchRequestData request;
    final Map<TopicPartition, CachedPartition> partitions;
    final boolean incremental;
    final int sessionId;
    final CompletableFuture<FetchResponseData> result = new CompletableFuture<>();

    Fetch(
        FetchRequestData request,
        Map<TopicPartition, CachedPartition> partitions,
        boolean incremental,
        int sessionId) {
      this.request = request;
      this.partitions = partitions;
      this.incremental = incremental;
      this.sessionId = sessionId;
    }

    /** Reads every partition; completes the fetch if forced or enough bytes; returns done. */
    synchronized boolean attempt(boolean force) {
      if (result.isDone()) {
        return true;
      }
      int remaining = request.maxBytes();
      int total = 0;
      boolean error = false;
      List<Read> reads = new ArrayList<>();
      for (Map.Entry<TopicPartition, CachedPartition> e : partitions.entrySet()) {
        PartitionData pd =
            request.replicaId() >= 0
                ? readForFollower(
                    request.replicaId(),
                    e.getKey(),
                    e.getValue(),
                    Math.max(0, remaining),
                    total == 0)
                : read(
                    e.getKey(),
                    e.getValue(),
                    Math.max(0, remaining),
                    total == 0,
                    request.isolationLevel() == 1);
        int size = pd.records() == null ? 0 : pd.records().sizeInBytes();
        total += size;
        remaining -= size;
        error |= pd.errorCode() != Errors.NONE.code();
        reads.add(new Read(e.getKey(), e.getValue(), pd));
      }
      if (!force && total < request.minBytes() && !error) {
        return false;
      }
      Map<String, FetchableTopicResponse> topics = new LinkedHashMap<>();
      for (Read r : reads) {
        TopicPartition tp = r.tp();
        CachedPartition cached = r.cached();
        PartitionData pd = r.data();
        boolean changed =
            pd.records() != null && pd.records().sizeInBytes() > 0
                || pd.errorCode() != Errors.NONE.code()
                || pd.highWatermark() != cached.sentHighWatermark
                || pd.logStartOffset() != cached.sentLogStartOffset;
        cached.sentHighWatermark = pd.highWatermark();
        cached.sentLogStartOffset = pd.logStartOffset();
        if (!incremental || changed) {
          topics
              .computeIfAbsent(tp.topic(), t -> new FetchableTopicResponse().setTopic(t))
              .partitions()
              .add(pd);
        }
      }
      bytesOut.increment(total);
      result.complete(
          new FetchResponseData()
              .setSessionId(sessionId)
              .setResponses(new ArrayList<>(topics.values())));
      return true;
    }
  }

  /**
   * A consumer's fetch runs on its connection's network thread: it reads index entries and batch
   * headers (page cache) and hands file regions to the socket, without locks held across I/O; a
   * fetch that must wait parks in the purgatory. Skipping the hop to a request thread and back
   * saves two thread wake-ups per fetch, which on a loaded machine are most of a fetch's time.
   * Followers' fetches stay on request threads: they take the partition's monitor, which an append
   * holds while it writes.
   */
  @Override
  public boolean runsOnNetworkThread(FetchRequestData request) {
    return request.replicaId() < 0;
  }

  @Override
  public CompletableFuture<FetchResponseData> handle(RequestContext ctx, FetchRequestData request) {
    FetchSessionCache sessions = broker.fetchSessions();
    int sessionId = request.sessionId();
    int epoch = request.sessionEpoch();
    Map<TopicPartition, CachedPartition> partitions;
    boolean incremental = false;
    int responseSession = 0;
    if (epoch == FetchMetadata.INITIAL_EPOCH || epoch == FetchMetadata.FINAL_EPOCH) {
      if (sessionId != FetchMetadata.INVALID_SESSION_ID) {
        sessions.remove(sessionId);
      }
      partitions = new LinkedHashMap<>();
      addRequested(request, partitions);
      if (epoch == FetchMetadata.INITIAL_EPOCH && request.replicaId() < 0) {
        FetchSessionCache.Session s = sessions.create();
        s.partitions.putAll(partitions);
        partitions = s.partitions;
        responseSession = s.id;
      }
    } else {
      FetchSessionCache.Session s = sessions.get(sessionId);
      if (s == null) {
        return error(Errors.FETCH_SESSION_ID_NOT_FOUND);
      }
      synchronized (s) {
        if (s.nextEpoch != epoch) {
          return error(Errors.INVALID_FETCH_SESSION_EPOCH);
        }
        s.nextEpoch = epoch == Integer.MAX_VALUE ? 1 : epoch + 1;
        for (FetchRequestData.ForgottenTopic f : request.forgottenTopicsData()) {
          for (int p : f.partitions()) {
            s.partitions.remove(new TopicPartition(f.topic(), p));
          }
        }
        addRequested(request, s.partitions);
      }
      partitions = s.partitions;
      incremental = true;
      responseSession = s.id;
    }
    Fetch fetch = new Fetch(request, partitions, incremental, responseSession);
    if (!fetch.attempt(request.maxWaitMs() <= 0)) {
      broker
          .fetchPurgatory()
          .park(
              partitions.keySet(),
              request.maxWaitMs(),
              () -> fetch.attempt(false),
              () -> fetch.attempt(true));
    }
    return fetch.result;
  }

  private static void addRequested(
      FetchRequestData request, Map<TopicPartition, CachedPartition> partitions) {
    for (FetchRequestData.FetchTopic t : request.topics()) {
      for (FetchRequestData.FetchPartition p : t.partitions()) {
        TopicPartition tp = new TopicPartition(t.topic(), p.partition());
        CachedPartition c = partitions.get(tp);
        if (c == null) {
          c = new CachedPartition(p.fetchOffset(), p.partitionMaxBytes(), p.currentLeaderEpoch());
          partitions.put(tp, c);
        } else {
          c.fetchOffset = p.fetchOffset();
          c.maxBytes = p.partitionMaxBytes();
          c.currentLeaderEpoch = p.currentLeaderEpoch();
        }
        c.lastFetchedEpoch = p.lastFetchedEpoch();
      }
    }
  }

  private static CompletableFuture<FetchResponseData> error(Errors error) {
    return CompletableFuture.completedFuture(
        new FetchResponseData().setErrorCode(error.code()).setSessionId(0));
  }

  /**
   * A follower's fetch: checked against the leader's log (a diverged log is told where to truncate)
   * and served up to the log end, not the high watermark. A follower behind the log start is told
   * where it now is, so it can start over there.
   */
  private PartitionData readForFollower(
      int replicaId, TopicPartition tp, CachedPartition c, int remaining, boolean first) {
    PartitionData pd = emptyPartition(tp);
    try {
      LeaderReplica.FetchDecision d =
          broker
              .replicas()
              .fetchForFollower(
                  tp,
                  replicaId,
                  new FetchPosition(c.fetchOffset, c.lastFetchedEpoch, c.currentLeaderEpoch));
      UnifiedLog log = broker.replicas().leaderPartition(tp).log();
      pd.setHighWatermark(log.highWatermark())
          .setLastStableOffset(log.highWatermark())
          .setLogStartOffset(log.logStartOffset());
      if (d instanceof LeaderReplica.Diverging div) {
        pd.divergingEpoch()
            .setEpoch(div.epoch())
            .setEndOffset(div.epoch() < 0 ? Math.max(0, div.endOffset()) : div.endOffset());
        return pd;
      }
      if (c.fetchOffset < log.logStartOffset()) {
        return pd.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
      }
      boolean throttled = leaderThrottled(tp);
      long now = System.currentTimeMillis();
      // As Kafka: an in-sync follower is never held back, so acks=all does not wait on a throttle.
      if (throttled
          && !broker.replicas().leaderPartition(tp).isr().contains(replicaId)
          && leaderThrottle.exceeded(leaderThrottleRate(), now)) {
        return pd;
      }
      FetchDataInfo data = log.readToEnd(c.fetchOffset, Math.min(c.maxBytes, remaining), first);
      if (data.records() != null) {
        pd.setRecords(data.records());
        if (throttled) {
          leaderThrottle.record(data.records().sizeInBytes(), now);
        }
      }
    } catch (Exception e) {
      pd.setErrorCode(Errors.forException(e).code())
          .setHighWatermark(-1)
          .setLastStableOffset(-1)
          .setLogStartOffset(-1);
    }
    return pd;
  }

  /** Whether the topic's leader.replication.throttled.replicas names this broker's replica. */
  private boolean leaderThrottled(TopicPartition tp) {
    MetadataImage.TopicImage topic = broker.replicas().image().topics().get(tp.topic());
    return topic != null
        && ReplicationQuota.lists(
            topic.configs().get(TopicConfigs.LEADER_THROTTLED_REPLICAS),
            tp.partition(),
            broker.brokerId());
  }

  /** This broker's dynamic leader.replication.throttled.rate, else the cluster default. */
  private long leaderThrottleRate() {
    return DynamicBrokerKeys.rate(
        broker.replicas().image().brokerConfigs(),
        broker.brokerId(),
        DynamicBrokerKeys.LEADER_THROTTLED_RATE);
  }

  private static PartitionData emptyPartition(TopicPartition tp) {
    return new PartitionData()
        .setPartitionIndex(tp.partition())
        .setHighWatermark(-1)
        .setLastStableOffset(-1)
        .setLogStartOffset(-1)
        .setRecords(MemoryRecords.EMPTY);
  }

  private PartitionData read(
      TopicPartition tp, CachedPartition c, int remaining, boolean first, boolean readCommitted) {
    PartitionData pd = emptyPartition(tp);
    try {
      Partition p = broker.replicas().leaderPartition(tp);
      if (c.currentLeaderEpoch >= 0 && c.currentLeaderEpoch != p.leaderEpoch()) {
        throw c.currentLeaderEpoch > p.leaderEpoch()
            ? new UnknownLeaderEpochException("leader epoch " + c.currentLeaderEpoch + " unknown")
            : new FencedLeaderEpochException("leader epoch " + c.currentLeaderEpoch + " is old");
      }
      UnifiedLog log = p.log();
      long hw = log.highWatermark();
      long lso = log.lastStableOffset();
      pd.setHighWatermark(hw).setLastStableOffset(lso).setLogStartOffset(log.logStartOffset());
      int max = Math.min(c.maxBytes, remaining);
      FetchDataInfo data =
          readCommitted
              ? log.readCommitted(c.fetchOffset, max, first)
              : log.read(c.fetchOffset, max, first);
      if (data.records() != null) {
        pd.setRecords(data.records());
        if (readCommitted) {
          // The consumer skips these transactions' records; bounded by the LSO it reads below.
          List<FetchResponseData.AbortedTransaction> aborted = new ArrayList<>();
          for (var t : log.abortedTransactions(c.fetchOffset, lso)) {
            aborted.add(
                new FetchResponseData.AbortedTransaction()
                    .setProducerId(t.producerId())
                    .setFirstOffset(t.firstOffset()));
          }
          pd.setAbortedTransactions(aborted);
        } else {
          // As Kafka: the field is null, not empty, for consumers that read everything.
          pd.setAbortedTransactions(null);
        }
      }
    } catch (Exception e) {
      // As Kafka: a failed partition reports no watermarks, even when the log exists.
      pd.setErrorCode(Errors.forException(e).code())
          .setHighWatermark(-1)
          .setLastStableOffset(-1)
          .setLogStartOffset(-1);
    }
    return pd;
  }
}
