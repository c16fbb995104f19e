package dev.cairn.broker.server;

import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.broker.config.TopicConfigs;
import dev.cairn.broker.metadata.ClusterMetadata;
import dev.cairn.broker.metadata.Controller;
import dev.cairn.broker.metadata.MetadataImage;
import dev.cairn.broker.metadata.Reassignment;
import dev.cairn.broker.metadata.ReplicaAssignor;
import dev.cairn.broker.metadata.TopicAssignment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;

/**
 * Topic lifecycle shared by CreateTopics, auto-creation (Metadata, FindCoordinator), DeleteTopics
 * and CreatePartitions: validation with Kafka's rules and messages (thrown), replica assignment,
 * the coordinator write, and a future that completes once this broker's metadata image shows the
 * result (so the next request on this broker sees it) — or fails with REQUEST_TIMED_OUT after the
 * request's timeout, as Kafka's delayed admin operations do; a timeout of 0 does not wait. No
 * thread waits for it.
 */
public final class TopicAdmin {
  private final BrokerConfig config;
  private final ClusterMetadata metadata;
  private final Controller controller;

  public TopicAdmin(BrokerConfig config, ClusterMetadata metadata, Controller controller) {
    this.config = config;
    this.metadata = metadata;
    this.controller = controller;
  }

  /** What a create resolved to: the assignment and effective counts. */
  public record Created(TopicAssignment assignment, int partitions, short replicationFactor) {}

  /**
   * Validates and (unless {@code validateOnly}) creates a topic. {@code partitions} / {@code
   * replicationFactor} of -1 mean the broker defaults; {@code explicit} is a manual assignment
   * (then both counts must be -1).
   */
  public CompletableFuture<Created> create(
      String name,
      int partitions,
      int replicationFactor,
      Map<Integer, List<Integer>> explicit,
      Map<String, String> configs,
      boolean validateOnly,
      Duration wait)
      throws Exception {
    Topic.validate(name);
    MetadataImage image = metadata.image();
    if (image.topic(name) != null) {
      throw new TopicExistsException("Topic '" + name + "' already exists.");
    }
    for (String existing : image.topics().keySet()) {
      // '.' and '_' map to the same metric names, so Kafka refuses names differing only there.
      if (Topic.hasCollision(name, existing)) {
        throw new InvalidTopicException(
            "Topic '" + name + "' collides with existing topic: " + existing);
      }
    }
    for (Map.Entry<String, String> c : configs.entrySet()) {
      String error = TopicConfigs.validate(c.getKey(), c.getValue());
      if (error != null) {
        throw new InvalidConfigurationException(error);
      }
    }
    List<Integer> brokers = new ArrayList<>(image.brokers().keySet());
    brokers.sort(null);
    Map<Integer, List<Integer>> replicas;
    if (!explicit.isEmpty()) {
      if (partitions != -1 || replicationFactor != -1) {
        throw new InvalidRequestException(
            "Both numPartitions or replicationFactor and replicasAssignments were set. Both"
                + " cannot be used at the same time.");
      }
      replicas = checkExplicit(explicit, 0, brokers);
    } else {
      int p = partitions == -1 ? config.get(BrokerConfig.NUM_PARTITIONS) : partitions;
      int rf =
          replicationFactor == -1
              ? config.get(BrokerConfig.DEFAULT_REPLICATION_FACTOR)
              : replicationFactor;
      if (p <= 0) {
        throw new InvalidPartitionsException("Number of partitions must be larger than 0.");
      }
      replicas = assign(brokers, p, rf, 0);
    }
    int rf = replicas.values().iterator().next().size();
    TopicAssignment assignment = new TopicAssignment(Uuid.randomUuid(), replicas);
    Created created = new Created(assignment, replicas.size(), (short) rf);
    if (validateOnly) {
      return CompletableFuture.completedFuture(created);
    }
    metadata.createTopic(name, assignment, configs, controller.epoch());
    // The topic and its config are written in one multi-op but reach this broker through two
    // caches: answer once both show, so a DescribeConfigs right after sees the overrides.
    Map<String, String> stored = Map.copyOf(configs);
    return visible(
            i -> hasLeaders(i, name, replicas.size()) && i.topic(name).configs().equals(stored),
            wait)
        .thenApply(i -> created);
  }

  private CompletableFuture<MetadataImage> visible(
      java.util.function.Predicate<MetadataImage> condition, Duration wait) {
    return wait.isZero()
        ? CompletableFuture.completedFuture(metadata.image())
        : metadata.when(condition, wait);
  }

  private static boolean hasLeaders(MetadataImage image, String name, int partitions) {
    MetadataImage.TopicImage t = image.topic(name);
    return t != null
        && t.partitions().size() >= partitions
        && t.partitions().values().stream().allMatch(p -> p.state() != null);
  }

  /**
   * Kafka's placement: rack-aware when every live broker has a {@code broker.rack}, the
   * rack-unaware walk otherwise.
   */
  private Map<Integer, List<Integer>> assign(
      List<Integer> brokers, int partitions, int rf, int startPartition) {
    if (rf <= 0) {
      throw new InvalidReplicationFactorException("Replication factor must be larger than 0.");
    }
    int n = Math.max(1, brokers.size());
    ThreadLocalRandom r = ThreadLocalRandom.current();
    Map<Integer, String> racks = new TreeMap<>();
    metadata
        .image()
        .brokers()
        .forEach((id, b) -> {
          if (b.rack() != null && brokers.contains(id)) {
            racks.put(id, b.rack());
          }
        });
    if (!racks.isEmpty() && racks.size() == brokers.size()) {
      return ReplicaAssignor.assignRackAware(
          racks, partitions, rf, startPartition, r.nextInt(n), r.nextInt(n));
    }
    return ReplicaAssignor.assign(
        brokers, partitions, rf, startPartition, r.nextInt(n), r.nextInt(n));
  }

  private static Map<Integer, List<Integer>> checkExplicit(
      Map<Integer, List<Integer>> explicit, int firstPartition, List<Integer> brokers) {
    Map<Integer, List<Integer>> result = new TreeMap<>();
    int expected = firstPartition;
    Integer rf = null;
    for (Map.Entry<Integer, List<Integer>> e : new TreeMap<>(explicit).entrySet()) {
      if (e.getKey() != expected++) {
        throw new InvalidReplicaAssignmentException(
            "Partitions should be consecutive and start at " + firstPartition + ".");
      }
      List<Integer> r = e.getValue();
      checkReplicas(e.getKey(), r, brokers);
      if (rf != null && rf != r.size()) {
        throw new InvalidReplicaAssignmentException(
            "All partitions should have the same number of replicas.");
      }
      rf = r.size();
      result.put(e.getKey(), List.copyOf(r));
    }
    return result;
  }

  private static void checkReplicas(int partition, List<Integer> r, Collection<Integer> brokers) {
    if (r.isEmpty() || new HashSet<>(r).size() != r.size()) {
      throw new InvalidReplicaAssignmentException(
          "Duplicate or empty replica list for partition " + partition + ".");
    }
    for (int b : r) {
      if (!brokers.contains(b)) {
        throw new InvalidReplicaAssignmentException(
            "Unknown broker " + b + " in replica assignment for partition " + partition + ".");
      }
    }
  }

  /**
   * AlterPartitionReassignments for one partition: moves it to {@code target} (the controller does
   * it step by step), or with null cancels a reassignment in progress (back to its original
   * replicas). A change of replication factor needs {@code allowReplicationFactorChange}.
   */
  public void reassign(
      String topic, int partition, List<Integer> target, boolean allowReplicationFactorChange)
      throws Exception {
    MetadataImage image = metadata.image();
    MetadataImage.PartitionImage p = image.partition(new TopicPartition(topic, partition));
    if (p == null) {
      throw new UnknownTopicOrPartitionException(
          "Unable to find partition " + topic + "-" + partition);
    }
    Reassignment current = image.reassignments().get(new TopicPartition(topic, partition));
    if (target == null) {
      if (current == null) {
        throw new NoReassignmentInProgressException(
            "Unable to find an ongoing reassignment for " + topic + "-" + partition + ".");
      }
      metadata.writeReassignment(
          topic, partition, new Reassignment(current.original(), current.original()));
      return;
    }
    checkReplicas(partition, target, image.brokers().keySet());
    List<Integer> original = current == null ? p.replicas() : current.original();
    if (!allowReplicationFactorChange && target.size() != original.size()) {
      throw new InvalidReplicationFactorException(
          "The replication factor is changed from "
              + original.size()
              + " to "
              + target.size()
              + " but allowReplicationFactorChange is false.");
    }
    metadata.writeReassignment(topic, partition, new Reassignment(target, original));
  }

  /** Grows a topic to {@code total} partitions (never shrinks). */
  public CompletableFuture<?> createPartitions(
      String name, int total, List<List<Integer>> explicit, boolean validateOnly, Duration wait)
      throws Exception {
    MetadataImage image = metadata.image();
    MetadataImage.TopicImage t = image.topic(name);
    if (t == null) {
      throw new UnknownTopicOrPartitionException("The topic '" + name + "' does not exist.");
    }
    int current = t.partitions().size();
    if (total < current) {
      throw new InvalidPartitionsException(
          "Topic currently has "
              + current
              + " partitions, which is higher than the requested "
              + total
              + ".");
    }
    if (total == current) {
      throw new InvalidPartitionsException("Topic already has " + current + " partitions.");
    }
    List<Integer> brokers = new ArrayList<>(image.brokers().keySet());
    brokers.sort(null);
    int rf = t.partitions().values().iterator().next().replicas().size();
    Map<Integer, List<Integer>> added;
    if (explicit != null && !explicit.isEmpty()) {
      if (explicit.size() != total - current) {
        throw new InvalidReplicaAssignmentException(
            "Increasing the number of partitions by "
                + (total - current)
                + " but "
                + explicit.size()
                + " assignments provided.");
      }
      Map<Integer, List<Integer>> m = new TreeMap<>();
      for (int i = 0; i < explicit.size(); i++) {
        m.put(current + i, explicit.get(i));
      }
      added = checkExplicit(m, current, brokers);
    } else {
      added = assign(brokers, total - current, rf, current);
    }
    if (validateOnly) {
      return CompletableFuture.completedFuture(null);
    }
    metadata.addPartitions(name, added, controller.epoch());
    return visible(i -> hasLeaders(i, name, total), wait);
  }

  /**
   * Replaces a topic's config overrides after validating every key and value (INVALID_CONFIG naming
   * the first bad one); waits until this broker applies them.
   */
  public CompletableFuture<?> setConfigs(
      String name, Map<String, String> overrides, boolean validateOnly, Duration wait)
      throws Exception {
    if (metadata.image().topic(name) == null) {
      throw new UnknownTopicOrPartitionException("The topic '" + name + "' does not exist.");
    }
    for (Map.Entry<String, String> c : overrides.entrySet()) {
      String error = TopicConfigs.validate(c.getKey(), c.getValue());
      if (error != null) {
        throw new InvalidConfigurationException(error);
      }
    }
    if (validateOnly) {
      return CompletableFuture.completedFuture(null);
    }
    Map<String, String> copy = Map.copyOf(overrides);
    metadata.setTopicConfig(name, copy);
    return visible(i -> i.topic(name) != null && i.topic(name).configs().equals(copy), wait);
  }

  /** Deletes a topic; waits until this broker has seen the deletion and removed its logs. */
  public CompletableFuture<?> delete(String name, Duration wait) throws Exception {
    MetadataImage.TopicImage t = metadata.image().topic(name);
    if (t == null) {
      throw new UnknownTopicOrPartitionException("This server does not host this topic-partition.");
    }
    metadata.deleteTopic(name);
    return visible(i -> i.topic(name) == null && i.wasDeleted(name, t.id()), wait);
  }
}
