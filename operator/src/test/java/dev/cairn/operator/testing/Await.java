package dev.cairn.operator.testing;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** Polled assertions: scenario tests wait for a state, never sleep. */
public final class Await {
  private Await() {}

  public static ConditionFactory await() {
    return Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50));
  }

  /** The resource's condition of that type, or null. */
  public static <T extends CustomResource<?, ?>> Condition condition(
      KubernetesClient client, Class<T> type, String ns, String name, String conditionType) {
    T r = client.resources(type).inNamespace(ns).withName(name).get();
    if (r == null || r.getStatus() == null) {
      return null;
    }
    var status = (dev.cairn.operator.common.ClusterStatus) r.getStatus();
    return status.condition(conditionType);
  }

  public static boolean ownedBy(HasMetadata owned, HasMetadata owner) {
    return owned.getMetadata().getOwnerReferences().stream()
        .anyMatch(ref ->
            ref.getUid().equals(owner.getMetadata().getUid())
                && ref.getKind().equals(owner.getKind()));
  }
}
