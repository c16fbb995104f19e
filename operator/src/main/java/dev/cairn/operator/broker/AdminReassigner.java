package dev.cairn.operator.broker;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.common.TopicPartition;

/** {@link Reassigner} over kafka-clients' Admin, the request kafka-reassign-partitions.sh sends. */
public final class AdminReassigner implements Reassigner {
  private final Function<BrokerCluster, String> bootstrap;

  /** Reaches the brokers through the cluster's client Service. */
  public AdminReassigner() {
    this(BrokerWorkload::bootstrapServers);
  }

  /** Reaches the brokers at {@code bootstrap} (tests run brokers outside Kubernetes). */
  public AdminReassigner(Function<BrokerCluster, String> bootstrap) {
    this.bootstrap = bootstrap;
  }

  @Override
  public void reassign(BrokerCluster cluster, Map<TopicPartition, List<Integer>> targets) {
    Map<TopicPartition, Optional<NewPartitionReassignment>> request =
        targets.entrySet().stream()
            .collect(
                Collectors.toMap(
                    Map.Entry::getKey,
                    e -> Optional.of(new NewPartitionReassignment(e.getValue()))));
    try (Admin admin = AdminBrokerProbe.open(bootstrap.apply(cluster))) {
      admin
          .alterPartitionReassignments(request)
          .all()
          .get(AdminBrokerProbe.TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("no answer within " + AdminBrokerProbe.TIMEOUT_MS + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
