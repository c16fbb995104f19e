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
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Describes a broker cluster with the Kafka Admin API: the active controller ({@code
 * DescribeCluster}; broker ids are pod ordinals, so controller id N is pod {@code <name>-N}) and
 * every partition with its ISR and its topic's {@code min.insync.replicas} ({@code DescribeTopics},
 * {@code DescribeConfigs}). A single broker is its own controller. Each call is bounded by {@link
 * #TIMEOUT_MS}; brokers that do not answer give a view with the controller unknown and no
 * partitions.
 */
public final class AdminBrokerProbe implements BrokerProbe {
  static final int TIMEOUT_MS = 3000;

  @Override
  public BrokerView observe(BrokerCluster cluster, List<PodView> pods) {
    if (pods.stream().noneMatch(PodView::ready)) {
      return new BrokerView(null, List.of());
    }
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BrokerWorkload.bootstrapServers(cluster));
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    try (Admin admin = Admin.create(props)) {
      String controller = pods.size() == 1 ? pods.get(0).name() : null;
      Node node = admin.describeCluster().controller().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      if (controller == null && node != null && !node.isEmpty()) {
        controller = Names.of(cluster) + "-" + node.id();
      }
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
                  p.replicas().size(),
                  p.isr().size(),
                  p.leader() != null && !p.leader().isEmpty(),
                  minIsr.getOrDefault(t.name(), 1)));
        }
      }
      return new BrokerView(controller, partitions);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      return new BrokerView(pods.size() == 1 ? pods.get(0).name() : null, List.of());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new BrokerView(null, List.of());
    }
  }
}
