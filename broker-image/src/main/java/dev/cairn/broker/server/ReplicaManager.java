package dev.cairn.broker.server;

import dev.cairn.broker.log.LogAppendInfo;
import dev.cairn.broker.log.LogManager;
import dev.cairn.broker.log.UnifiedLog;
import dev.cairn.broker.metadata.MetadataImage;
import dev.cairn.broker.metadata.PartitionState;
import dev.cairn.broker.replication.Partition;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * Which partitions this broker leads, kept in step with the metadata image: when the controller
 * names this broker leader of a partition (or a new leader epoch), the partition's log is opened or
 * created, stamped with its topic id and a {@link Partition} installed; a local log is deleted only
 * when its topic was deleted or replaced (see {@link #removeStrayLogs}). Produce and fetch go
 * through here so "not the leader" and "no such partition" are decided in one place. Listeners hear
 * about every append (long-polling fetches).
 */
public final class ReplicaManager implements Consumer<MetadataImage> {
  private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);

  private final int brokerId;
  private final LogManager logs;
  private final Map<TopicPartition, Partition> leaders = new ConcurrentHashMap<>();
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
  private volatile MetadataImage image = MetadataImage.EMPTY;

  public ReplicaManager(int brokerId, LogManager logs) {
    this.brokerId = brokerId;
    this.logs = logs;
    logs.onDirOffline((dir, partitions) -> goOffline(partitions));
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
          if (current == null || current.leaderEpoch() != st.leaderEpoch()) {
            becomeLeader(tp, t.id(), st, p.replicas().size());
          } else {
            updateIsr(current, st);
          }
        } else if (current != null) {
          resign(tp);
        }
      }
    }
    for (TopicPartition tp : leaders.keySet()) {
      if (next.partition(tp) == null) {
        resign(tp);
      }
    }
  }

  /**
   * Deletes a local log only on a positive signal, as Kafka does: its topic was deleted (the
   * coordinator records the deleted id) or the topic of that name now has another id (deleted and
   * re-created while this broker was away). A topic merely missing from the coordinator — an empty
   * or restored ensemble, a wrong {@code zookeeper.connect} — leaves the log alone, said once. Logs
   * written before topic ids were recorded adopt their topic's current id.
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
      TopicPartition tp, Uuid topicId, PartitionState st, int replicationFactor) {
    try {
      UnifiedLog l = logs.getOrCreate(tp);
      l.assignTopicId(topicId);
      Partition p =
          new Partition(
              tp, l, brokerId, st.leaderEpoch(), new HashSet<>(st.isr()), replicationFactor);
      leaders.put(tp, p);
      log.info("{}: leader at epoch {}, log end offset {}", tp, st.leaderEpoch(), l.logEndOffset());
      for (Consumer<Partition> listener : leadershipListeners) {
        listener.accept(p);
      }
    } catch (IOException | RuntimeException e) {
      log.error("{}: could not become leader", tp, e);
    }
  }

  private void resign(TopicPartition tp) {
    leaders.remove(tp);
    log.info("{}: no longer leader", tp);
    resignListeners.forEach(l -> l.accept(tp));
    // Produces waiting for replication learn they lost it.
    highWatermarkListeners.forEach(l -> l.accept(tp));
  }

  private void updateIsr(Partition p, PartitionState st) {
    try {
      p.onIsrChange(new HashSet<>(st.isr()));
      highWatermarkListeners.forEach(l -> l.accept(p.topicPartition()));
    } catch (IOException | RuntimeException e) {
      log.error("{}: could not apply ISR {}", p.topicPartition(), st.isr(), e);
    }
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

  public LogAppendInfo appendToLeader(TopicPartition tp, MemoryRecords records, short acks) {
    Partition p = leaderPartition(tp);
    LogAppendInfo info;
    try {
      info = p.appendAsLeader(records, acks);
    } catch (IOException e) {
      throw logs.failed(p.log(), e);
    }
    appendListeners.forEach(l -> l.accept(tp));
    highWatermarkListeners.forEach(l -> l.accept(tp));
    return info;
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
}
