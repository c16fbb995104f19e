package dev.cairn.broker.api;

import dev.cairn.broker.group.GroupCoordinator;
import dev.cairn.broker.group.OffsetRecords;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopic;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetCommit, OffsetFetch (v0-7 single group, v8+ batched groups) and OffsetDelete. A partition
 * without a committed offset is answered with offset -1 and no error, as Kafka does; with {@code
 * require_stable} (v7+, read_committed consumers) a partition whose offset an unfinished
 * transaction holds is UNSTABLE_OFFSET_COMMIT. Commits for topics that do not exist are
 * UNKNOWN_TOPIC_OR_PARTITION and never reach the group (Kafka filters them the same way before its
 * group coordinator). A commit is answered once {@code __consumer_offsets}' ISR holds it ({@link
 * GroupCoordinator#commit}).
 */
public final class OffsetHandlers {
  private final GroupCoordinator groups;
  private final Predicate<String> topicExists;

  public OffsetHandlers(GroupCoordinator groups, Predicate<String> topicExists) {
    this.groups = groups;
    this.topicExists = topicExists;
  }

  public ApiHandler<OffsetCommitRequestData> commit() {
    return (ctx, r) -> {
      List<GroupCoordinator.Commit> commits = new ArrayList<>();
      Map<TopicPartition, Errors> result = new LinkedHashMap<>();
      for (OffsetCommitRequestData.OffsetCommitRequestTopic t : r.topics()) {
        boolean known = topicExists.test(t.name());
        for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
          TopicPartition tp = new TopicPartition(t.name(), p.partitionIndex());
          if (!known) {
            result.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
            continue;
          }
          commits.add(
              new GroupCoordinator.Commit(
                  tp, p.committedOffset(), p.committedLeaderEpoch(), p.committedMetadata()));
        }
      }
      CompletableFuture<Map<TopicPartition, Errors>> written =
          commits.isEmpty()
              ? CompletableFuture.completedFuture(Map.of())
              : groups.commit(
                  r.groupId(),
                  r.memberId(),
                  r.groupInstanceId(),
                  r.generationIdOrMemberEpoch(),
                  commits);
      // Answered when the ISR holds the offsets: no request thread waits meanwhile.
      return written.thenApply(w -> {
        result.putAll(w);
        Map<String, OffsetCommitResponseTopic> topics = new LinkedHashMap<>();
        result.forEach((tp, e) ->
            topics
                .computeIfAbsent(tp.topic(), n -> new OffsetCommitResponseTopic().setName(n))
                .partitions()
                .add(
                    new OffsetCommitResponsePartition()
                        .setPartitionIndex(tp.partition())
                        .setErrorCode(e.code())));
        return new OffsetCommitResponseData().setTopics(new ArrayList<>(topics.values()));
      });
    };
  }

  public ApiHandler<OffsetFetchRequestData> fetch() {
    return (ctx, r) -> {
      OffsetFetchResponseData response = new OffsetFetchResponseData();
      if (ctx.version() < 8) {
        List<TopicPartition> wanted = null;
        if (r.topics() != null) {
          wanted = new ArrayList<>();
          for (OffsetFetchRequestData.OffsetFetchRequestTopic t : r.topics()) {
            for (int p : t.partitionIndexes()) {
              wanted.add(new TopicPartition(t.name(), p));
            }
          }
        }
        Errors owner = groups.ownership(r.groupId());
        if (owner != Errors.NONE) {
          return CompletableFuture.completedFuture(response.setErrorCode(owner.code()));
        }
        Map<String, OffsetFetchResponseTopic> topics = new LinkedHashMap<>();
        groups
            .fetchOffsets(r.groupId(), wanted)
            .forEach((tp, v) -> {
              OffsetFetchResponsePartition out =
                  new OffsetFetchResponsePartition()
                      .setPartitionIndex(tp.partition())
                      .setCommittedOffset(v == null ? -1 : v.offset())
                      .setCommittedLeaderEpoch(v == null ? -1 : v.leaderEpoch())
                      .setMetadata(v == null ? "" : v.metadata());
              if (r.requireStable() && groups.hasPendingTransactionalOffset(r.groupId(), tp)) {
                out.setCommittedOffset(-1).setErrorCode(Errors.UNSTABLE_OFFSET_COMMIT.code());
              }
              topics
                  .computeIfAbsent(tp.topic(), n -> new OffsetFetchResponseTopic().setName(n))
                  .partitions()
                  .add(out);
            });
        return CompletableFuture.completedFuture(
            response.setTopics(new ArrayList<>(topics.values())));
      }
      for (OffsetFetchRequestData.OffsetFetchRequestGroup g : r.groups()) {
        response.groups().add(fetchGroup(g, r.requireStable()));
      }
      return CompletableFuture.completedFuture(response);
    };
  }

  public ApiHandler<OffsetDeleteRequestData> delete() {
    return (ctx, r) -> {
      List<TopicPartition> partitions = new ArrayList<>();
      r.topics()
          .forEach(t ->
              t.partitions()
                  .forEach(p -> partitions.add(new TopicPartition(t.name(), p.partitionIndex()))));
      return groups
          .deleteOffsets(r.groupId(), partitions)
          .thenApply(deletion -> {
            OffsetDeleteResponseData response =
                new OffsetDeleteResponseData().setErrorCode(deletion.error().code());
            deletion
                .partitions()
                .forEach((tp, e) -> {
                  OffsetDeleteResponseTopic topic = response.topics().find(tp.topic());
                  if (topic == null) {
                    topic = new OffsetDeleteResponseTopic().setName(tp.topic());
                    response.topics().add(topic);
                  }
                  topic
                      .partitions()
                      .add(
                          new OffsetDeleteResponsePartition()
                              .setPartitionIndex(tp.partition())
                              .setErrorCode(e.code()));
                });
            return response;
          });
    };
  }

  private OffsetFetchResponseGroup fetchGroup(
      OffsetFetchRequestData.OffsetFetchRequestGroup g, boolean requireStable) {
    OffsetFetchResponseGroup out = new OffsetFetchResponseGroup().setGroupId(g.groupId());
    Errors owner = groups.ownership(g.groupId());
    if (owner != Errors.NONE) {
      return out.setErrorCode(owner.code());
    }
    List<TopicPartition> wanted = null;
    if (g.topics() != null) {
      wanted = new ArrayList<>();
      for (OffsetFetchRequestData.OffsetFetchRequestTopics t : g.topics()) {
        for (int p : t.partitionIndexes()) {
          wanted.add(new TopicPartition(t.name(), p));
        }
      }
    }
    Map<String, OffsetFetchResponseTopics> topics = new LinkedHashMap<>();
    for (Map.Entry<TopicPartition, OffsetRecords.Value> e :
        groups.fetchOffsets(g.groupId(), wanted).entrySet()) {
      OffsetRecords.Value v = e.getValue();
      OffsetFetchResponsePartitions partition =
          new OffsetFetchResponsePartitions()
              .setPartitionIndex(e.getKey().partition())
              .setCommittedOffset(v == null ? -1 : v.offset())
              .setCommittedLeaderEpoch(v == null ? -1 : v.leaderEpoch())
              .setMetadata(v == null ? "" : v.metadata());
      if (requireStable && groups.hasPendingTransactionalOffset(g.groupId(), e.getKey())) {
        // As Kafka: a read_committed consumer retries until the transaction ends.
        partition.setCommittedOffset(-1).setErrorCode(Errors.UNSTABLE_OFFSET_COMMIT.code());
      }
      topics
          .computeIfAbsent(e.getKey().topic(), n -> new OffsetFetchResponseTopics().setName(n))
          .partitions()
          .add(partition);
    }
    return out.setTopics(new ArrayList<>(topics.values()));
  }
}
