package dev.cairn.operator.topic;

import dev.cairn.operator.broker.ReplicaPlacement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * {@link TopicAdmin} over kafka-clients' Admin API (CreateTopics, CreatePartitions,
 * IncrementalAlterConfigs, DeleteTopics, DescribeTopics, DescribeConfigs, DescribeCluster), the
 * same calls {@code kafka-topics.sh} makes, and the reassignment calls of {@code
 * kafka-reassign-partitions.sh} (AlterPartitionReassignments, ListPartitionReassignments). Every
 * call waits at most {@link #TIMEOUT_MS}.
 */
public final class KafkaTopicAdmin implements TopicAdmin {
  static final int TIMEOUT_MS = 10_000;

  private final Admin admin;

  private KafkaTopicAdmin(Admin admin) {
    this.admin = admin;
  }

  public static TopicAdmin connect(String bootstrapServers) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "cairn-operator");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    return new KafkaTopicAdmin(Admin.create(props));
  }

  @Override
  public Optional<ObservedTopic> describe(String topic) {
    TopicDescription description;
    try {
      description =
          await("describe topic " + topic, admin.describeTopics(List.of(topic)).allTopicNames())
              .get(topic);
    } catch (TopicAdminException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return Optional.empty();
      }
      throw e;
    }
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config =
        await("describe configs of " + topic, admin.describeConfigs(List.of(resource)).all())
            .get(resource);
    Map<String, String> own = new TreeMap<>();
    for (ConfigEntry entry : config.entries()) {
      if (entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
        own.put(entry.name(), entry.value());
      }
    }
    ConfigEntry minIsr = config.get("min.insync.replicas");
    int replicas =
        description.partitions().isEmpty() ? 0 : description.partitions().get(0).replicas().size();
    List<ObservedTopic.PartitionReplicas> assignment =
        description.partitions().stream()
            .map(p ->
                new ObservedTopic.PartitionReplicas(
                    p.partition(),
                    p.replicas().stream().map(Node::id).toList(),
                    p.isr().stream().map(Node::id).toList(),
                    p.leader() == null || p.leader().isEmpty() ? -1 : p.leader().id()))
            .toList();
    Collection<Node> nodes = await("describe the cluster", admin.describeCluster().nodes());
    Set<Integer> brokers = nodes.stream().map(Node::id).collect(Collectors.toSet());
    Set<TopicPartition> partitions =
        description.partitions().stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .collect(Collectors.toSet());
    boolean reassigning =
        !await(
                "list reassignments of " + topic,
                admin.listPartitionReassignments(partitions).reassignments())
            .isEmpty();
    return Optional.of(
        new ObservedTopic(
            description.topicId() == null ? null : description.topicId().toString(),
            description.partitions().size(),
            replicas,
            own,
            assignment,
            brokers,
            ReplicaPlacement.racks(nodes),
            minIsr == null || minIsr.value() == null ? 1 : Integer.parseInt(minIsr.value()),
            reassigning));
  }

  @Override
  public void reassign(String topic, Map<Integer, List<Integer>> targets) {
    Map<TopicPartition, Optional<NewPartitionReassignment>> request = new HashMap<>();
    targets.forEach((partition, replicas) ->
        request.put(
            new TopicPartition(topic, partition),
            Optional.of(new NewPartitionReassignment(replicas))));
    await(
        "reassign " + targets.size() + " partition(s) of " + topic,
        admin.alterPartitionReassignments(request).all());
  }

  @Override
  public void create(String topic, int partitions, int replicas, Map<String, String> config) {
    NewTopic newTopic = new NewTopic(topic, partitions, (short) replicas).configs(config);
    await("create topic " + topic, admin.createTopics(List.of(newTopic)).all());
  }

  @Override
  public void growPartitions(String topic, int partitions) {
    await(
        "grow " + topic + " to " + partitions + " partitions",
        admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(partitions))).all());
  }

  @Override
  public void alterConfigs(String topic, Map<String, String> set, Set<String> reset) {
    List<AlterConfigOp> ops = new ArrayList<>();
    set.forEach(
        (k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
    reset.forEach(
        k -> ops.add(new AlterConfigOp(new ConfigEntry(k, null), AlterConfigOp.OpType.DELETE)));
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    await("alter configs of " + topic, admin.incrementalAlterConfigs(Map.of(resource, ops)).all());
  }

  @Override
  public void delete(String topic) {
    try {
      await("delete topic " + topic, admin.deleteTopics(List.of(topic)).all());
    } catch (TopicAdminException e) {
      if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
        throw e;
      }
    }
  }

  @Override
  public void close() {
    admin.close(java.time.Duration.ofSeconds(2));
  }

  private static <T> T await(String what, KafkaFuture<T> future) {
    try {
      return future.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new TopicAdminException(
          "Could not " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new TopicAdminException(
          "Could not " + what + ": no answer within " + TIMEOUT_MS + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TopicAdminException("Interrupted while trying to " + what, e);
    }
  }
}
