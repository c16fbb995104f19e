package dev.cairn.operator.broker;

import dev.cairn.operator.common.Names;
import dev.cairn.operator.common.PodView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Describes a broker cluster with the Kafka Admin API: the active controller ({@code
 * DescribeCluster}; broker ids are pod ordinals, so controller id N is pod {@code <name>-N}), the
 * registered brokers and their racks, every partition with its replicas, ISR and its topic's {@code
 * min.insync.replicas} ({@code DescribeTopics}, {@code DescribeConfigs}) and the reassignments in
 * progress ({@code ListPartitionReassignments}). A single broker is its own controller. Each call
 * is bounded by {@link #TIMEOUT_MS}; brokers that do not answer give a view with the controller
 * unknown and no partitions.
 */
public final class AdminBrokerProbe implements BrokerProbe {
  static final int TIMEOUT_MS = 3000;

  private final Function<BrokerCluster, String> bootstrap;

  /** Reaches the brokers through the cluster's client Service. */
  public AdminBrokerProbe() {
    this(BrokerWorkload::bootstrapServers);
  }

  /** Reaches the brokers at {@code bootstrap} (tests run brokers outside Kubernetes). */
  public AdminBrokerProbe(Function<BrokerCluster, String> bootstrap) {
    this.bootstrap = bootstrap;
  }

  @Override
  public BrokerView observe(BrokerCluster cluster, List<PodView> pods) {
    if (pods.stream().noneMatch(PodView::ready)) {
      return BrokerView.unknown(null);
    }
    try (Admin admin = open(bootstrap.apply(cluster))) {
      String controller = pods.size() == 1 ? pods.get(0).name() : null;
      DescribeClusterResult described = admin.describeCluster();
      Node node = described.controller().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      if (controller == null && node != null && !node.isEmpty()) {
        controller = Names.of(cluster) + "-" + node.id();
      }
      Collection<Node> nodes = described.nodes().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      Set<Integer> brokers = nodes.stream().map(Node::id).collect(Collectors.toSet());
      Set<TopicPartition> reassigning =
          admin
              .listPartitionReassignments()
              .reassignments()
              .get(TIMEOUT_MS, TimeUnit.MILLISECONDS)
              .keySet();
      Set<String> names =
          admin
              .listTopics(new ListTopicsOptions().listInternal(true))
              .names()
              .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      Map<String, TopicDescription> topics =
          admin.describeTopics(names).allTopicNames().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      Collection<ConfigResource> resources =
          names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
      Map<ConfigResource, Config> configs =
          admin.describeConfigs(resources).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      Map<String, Integer> minIsr =
          configs.entrySet().stream()
              .collect(
                  Collectors.toMap(
                      e -> e.getKey().name(),
                      e -> {
                        var entry = e.getValue().get("min.insync.replicas");
                        return entry == null ? 1 : Integer.parseInt(entry.value());
                      }));
      List<BrokerView.PartitionView> partitions = new ArrayList<>();
      for (TopicDescription t : topics.values()) {
        for (TopicPartitionInfo p : t.partitions()) {
          partitions.add(
              new BrokerView.PartitionView(
                  t.name(),
                  p.partition(),
                  p.replicas().stream().map(Node::id).toList(),
                  p.isr().size(),
                  p.leader() != null && !p.leader().isEmpty(),
                  minIsr.getOrDefault(t.name(), 1)));
        }
      }
      return new BrokerView(
          controller, partitions, brokers, ReplicaPlacement.racks(nodes), reassigning);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      return BrokerView.unknown(pods.size() == 1 ? pods.get(0).name() : null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return BrokerView.unknown(null);
    }
  }

  /** An Admin client whose every call gives up after {@link #TIMEOUT_MS}. */
  static Admin open(String bootstrapServers) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "cairn-operator");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    return Admin.create(props);
  }
}
