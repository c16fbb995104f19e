package dev.cairn.operator.broker;

import dev.cairn.operator.common.Names;
import dev.cairn.operator.common.PodView;
import dev.cairn.operator.common.RoleProbe;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;

/**
 * Finds the active controller with the Kafka Admin API ({@code DescribeCluster}); broker ids are
 * pod ordinals, so controller id N is pod {@code <name>-N}. A single broker is its own controller.
 * Bounded by {@link #TIMEOUT_MS}.
 */
public final class ControllerProbe implements RoleProbe {
  static final int TIMEOUT_MS = 3000;

  @Override
  public String holder(HasMetadata primary, List<PodView> pods) {
    if (pods.size() == 1) {
      return pods.get(0).name();
    }
    if (pods.stream().noneMatch(PodView::ready)) {
      return null;
    }
    Properties props = new Properties();
    props.put(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        BrokerWorkload.bootstrapServers((BrokerCluster) primary));
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    try (Admin admin = Admin.create(props)) {
      Node controller = admin.describeCluster().controller().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      return controller == null || controller.isEmpty()
          ? null
          : Names.of(primary) + "-" + controller.id();
    } catch (ExecutionException | TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
