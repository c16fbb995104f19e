package dev.cairn.broker.replication;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.requests.FetchResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that replicates every partition this broker follows from one leader: it fetches (Fetch
 * v12 with this broker's id as replica id, the last fetched epoch and the current leader epoch of
 * each partition), and hands each answer to the partition's {@link FollowerReplica} — batches
 * appended verbatim, or a divergence truncated. Answers are applied under this fetcher's monitor,
 * so once {@link #remove} returns nothing more is written to that partition's log (it may be about
 * to lead it).
 */
public final class ReplicaFetcher implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ReplicaFetcher.class);
  private static final short FETCH_VERSION = 12;

  /** What a fetcher needs to know of its broker's configuration. */
  public record Settings(
      int brokerId,
      InetAddress bindAddress,
      int maxWaitMs,
      int minBytes,
      int maxBytes,
      int partitionMaxBytes,
      int socketTimeoutMs,
      long backoffMs) {}

  /**
   * The follower side of replication throttling: which partitions to leave out of the next fetch
   * (their quota is used up) and the bytes fetched for each.
   */
  public interface Throttle {
    Throttle NONE =
        new Throttle() {
          @Override
          public boolean holdBack(TopicPartition tp, long nowMs) {
            return false;
          }

          @Override
          public void fetched(TopicPartition tp, long bytes, long nowMs) {}
        };

    boolean holdBack(TopicPartition tp, long nowMs);

    void fetched(TopicPartition tp, long bytes, long nowMs);
  }

  /** How long a held-back partition waits before the throttle is asked again. */
  private static final long THROTTLE_RECHECK_MS = 100;

  private final Settings settings;
  private final Throttle throttle;
  private final int leaderId;
  private final Supplier<InetSocketAddress> leaderAddress;
  private final BiConsumer<TopicPartition, RuntimeException> onLogFailure;
  private final Map<TopicPartition, FollowerReplica<MemoryRecords>> partitions = new HashMap<>();
  private final Map<TopicPartition, Long> delayedUntil = new HashMap<>();
  private final Map<TopicPartition, FollowerReplica<MemoryRecords>> failed = new HashMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile BrokerLink link;

  public ReplicaFetcher(
      Settings settings,
      int leaderId,
      Supplier<InetSocketAddress> leaderAddress,
      BiConsumer<TopicPartition, RuntimeException> onLogFailure) {
    this(settings, Throttle.NONE, leaderId, leaderAddress, onLogFailure);
  }

  public ReplicaFetcher(
      Settings settings,
      Throttle throttle,
      int leaderId,
      Supplier<InetSocketAddress> leaderAddress,
      BiConsumer<TopicPartition, RuntimeException> onLogFailure) {
    this.settings = settings;
    this.throttle = throttle;
    this.leaderId = leaderId;
    this.leaderAddress = leaderAddress;
    this.onLogFailure = onLogFailure;
    this.thread = new Thread(this, "replica-fetcher-" + settings.brokerId() + "-from-" + leaderId);
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  public int leaderId() {
    return leaderId;
  }

  public synchronized void add(TopicPartition tp, FollowerReplica<MemoryRecords> follower) {
    partitions.put(tp, follower);
    delayedUntil.remove(tp);
    failed.remove(tp);
    notifyAll();
  }

  /** Stops fetching {@code tp}; returns once no answer for it is being applied. */
  public synchronized void remove(TopicPartition tp) {
    partitions.remove(tp);
    delayedUntil.remove(tp);
    failed.remove(tp);
  }

  public synchronized boolean isEmpty() {
    return partitions.isEmpty() && failed.isEmpty();
  }

  /** The follower of {@code tp}, also when its replication failed (see {@link #failed}). */
  public synchronized FollowerReplica<MemoryRecords> follower(TopicPartition tp) {
    FollowerReplica<MemoryRecords> f = partitions.get(tp);
    return f != null ? f : failed.get(tp);
  }

  /** The partitions whose replication stopped on an error this fetcher could not apply. */
  public synchronized Set<TopicPartition> failed() {
    return Set.copyOf(failed.keySet());
  }

  /**
   * Stops the thread and waits for it. Never by interrupting it: an interrupt in the middle of a
   * log write closes the file channel (ClosedByInterruptException) and takes the log dir offline.
   * Closing the connection ends a blocked fetch instead.
   */
  public void shutdown() {
    running = false;
    synchronized (this) {
      notifyAll();
    }
    BrokerLink current = link;
    if (current != null) {
      try {
        current.close();
      } catch (IOException ignored) {
        // already broken
      }
    }
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void run() {
    while (running) {
      try {
        Map<TopicPartition, FollowerReplica<MemoryRecords>> sent = new HashMap<>();
        FetchRequestData request = nextRequest(sent);
        if (request == null) {
          continue;
        }
        if (link == null) {
          InetSocketAddress to = leaderAddress.get();
          if (to == null) {
            pause(settings.backoffMs());
            continue;
          }
          link =
              new BrokerLink(
                  to,
                  settings.bindAddress(),
                  "replica-fetcher-" + settings.brokerId(),
                  settings.socketTimeoutMs());
        }
        FetchResponse response = (FetchResponse) link.send(ApiKeys.FETCH, FETCH_VERSION, request);
        apply(response.data(), sent);
      } catch (IOException e) {
        if (running) {
          log.info(
              "broker {}: fetch from leader {} failed ({}), retrying",
              settings.brokerId(),
              leaderId,
              e.toString());
          closeLink();
          pause(settings.backoffMs());
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.error("broker {}: replica fetcher from {} failed", settings.brokerId(), leaderId, e);
        closeLink();
        pause(settings.backoffMs());
      }
    }
    closeLink();
  }

  /** The next fetch, or null after waiting while there is nothing to fetch. */
  private synchronized FetchRequestData nextRequest(
      Map<TopicPartition, FollowerReplica<MemoryRecords>> sent) throws InterruptedException {
    long now = System.currentTimeMillis();
    Map<String, FetchRequestData.FetchTopic> topics = new HashMap<>();
    long nextDue = Long.MAX_VALUE;
    for (var e : partitions.entrySet()) {
      long due = delayedUntil.getOrDefault(e.getKey(), 0L);
      if (due > now) {
        nextDue = Math.min(nextDue, due);
        continue;
      }
      if (throttle.holdBack(e.getKey(), now)) {
        nextDue = Math.min(nextDue, now + THROTTLE_RECHECK_MS);
        continue;
      }
      FetchPosition pos = e.getValue().position();
      topics
          .computeIfAbsent(e.getKey().topic(), t -> new FetchRequestData.FetchTopic().setTopic(t))
          .partitions()
          .add(
              new FetchRequestData.FetchPartition()
                  .setPartition(e.getKey().partition())
                  .setFetchOffset(pos.fetchOffset())
                  .setLastFetchedEpoch(pos.lastFetchedEpoch())
                  .setCurrentLeaderEpoch(pos.currentLeaderEpoch())
                  .setPartitionMaxBytes(settings.partitionMaxBytes()));
      sent.put(e.getKey(), e.getValue());
    }
    if (topics.isEmpty()) {
      wait(nextDue == Long.MAX_VALUE ? 1000 : Math.max(1, nextDue - now));
      return null;
    }
    return new FetchRequestData()
        .setReplicaId(settings.brokerId())
        .setMaxWaitMs(settings.maxWaitMs())
        .setMinBytes(settings.minBytes())
        .setMaxBytes(settings.maxBytes())
        .setSessionId(0)
        .setSessionEpoch(-1)
        .setTopics(new ArrayList<>(topics.values()));
  }

  private synchronized void apply(
      FetchResponseData response, Map<TopicPartition, FollowerReplica<MemoryRecords>> sent) {
    if (response.errorCode() != Errors.NONE.code()) {
      log.warn(
          "broker {}: fetch from leader {} failed: {}",
          settings.brokerId(),
          leaderId,
          Errors.forCode(response.errorCode()));
      sent.keySet().forEach(this::delay);
      return;
    }
    for (FetchResponseData.FetchableTopicResponse t : response.responses()) {
      for (FetchResponseData.PartitionData pd : t.partitions()) {
        TopicPartition tp = new TopicPartition(t.topic(), pd.partitionIndex());
        FollowerReplica<MemoryRecords> follower = partitions.get(tp);
        if (follower == null || follower != sent.get(tp)) {
          continue; // removed or replaced while the fetch was out
        }
        try {
          applyOne(tp, follower, pd);
        } catch (RuntimeException e) {
          fail(tp, follower, e);
        }
      }
    }
  }

  private void applyOne(
      TopicPartition tp,
      FollowerReplica<MemoryRecords> follower,
      FetchResponseData.PartitionData pd) {
    Errors error = Errors.forCode(pd.errorCode());
    if (error == Errors.OFFSET_OUT_OF_RANGE && pd.logStartOffset() >= 0) {
      long at = follower.startAt(pd.logStartOffset());
      log.info("{}: behind the leader's log start, restarted at {}", tp, at);
      return;
    }
    if (error != Errors.NONE) {
      log.debug("{}: fetch from leader {} answered {}", tp, leaderId, error);
      delay(tp);
      return;
    }
    if (pd.divergingEpoch().epoch() >= 0 || pd.divergingEpoch().endOffset() >= 0) {
      long at = follower.onDiverging(pd.divergingEpoch().epoch(), pd.divergingEpoch().endOffset());
      log.info(
          "{}: diverged from leader {} after epoch {} offset {}, truncated to {}",
          tp,
          leaderId,
          pd.divergingEpoch().epoch(),
          pd.divergingEpoch().endOffset(),
          at);
      return;
    }
    MemoryRecords records = (MemoryRecords) pd.records();
    if (records != null) {
      throttle.fetched(tp, records.sizeInBytes(), System.currentTimeMillis());
    }
    follower.onRecords(
        records == null || records.sizeInBytes() == 0 ? null : records, pd.highWatermark());
  }

  /**
   * As Kafka's fetcher marks a partition failed: an answer this broker cannot apply (a storage
   * error or an unexpected exception, such as a bug meeting unusual data) stops replication of that
   * partition only, with one ERROR line naming it. It is not fetched again until its leader or
   * leader epoch changes (a new {@link #add}); meanwhile the leader drops this replica from the ISR
   * as it falls behind. Retrying would repeat the failure forever and look like slowness.
   */
  private void fail(
      TopicPartition tp, FollowerReplica<MemoryRecords> follower, RuntimeException e) {
    log.error(
        "broker {}: {}: replication from leader {} stopped at offset {}: cannot apply the"
            + " leader's data; not fetched again until its leader or leader epoch changes",
        settings.brokerId(),
        tp,
        leaderId,
        follower.position().fetchOffset(),
        e);
    partitions.remove(tp);
    delayedUntil.remove(tp);
    failed.put(tp, follower);
    onLogFailure.accept(tp, e);
  }

  private void delay(TopicPartition tp) {
    delayedUntil.put(tp, System.currentTimeMillis() + settings.backoffMs());
  }

  private synchronized void pause(long ms) {
    try {
      if (running) {
        wait(ms);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private void closeLink() {
    if (link != null) {
      try {
        link.close();
      } catch (IOException ignored) {
        // closing a broken connection
      }
      link = null;
    }
  }
}
