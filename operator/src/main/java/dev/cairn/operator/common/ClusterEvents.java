package dev.cairn.operator.common;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events (core/v1) on a Cairn resource, for what a person running {@code kubectl
 * describe} should see besides the conditions: a refused change, a reassignment started. The caller
 * records one event per change of state, not one per reconcile. An event that cannot be written is
 * logged and dropped: the condition carries the same message.
 */
public final class ClusterEvents {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterEvents.class);
  private static final String COMPONENT = "cairn-operator";

  private ClusterEvents() {}

  public static void warning(
      KubernetesClient client, HasMetadata involved, String reason, String message) {
    record(client, involved, "Warning", reason, message);
  }

  public static void normal(
      KubernetesClient client, HasMetadata involved, String reason, String message) {
    record(client, involved, "Normal", reason, message);
  }

  private static void record(
      KubernetesClient client, HasMetadata involved, String type, String reason, String message) {
    String now = Instant.now().toString();
    String namespace = involved.getMetadata().getNamespace();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withGenerateName(involved.getMetadata().getName() + ".")
            .withNamespace(namespace)
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(involved.getApiVersion())
                    .withKind(involved.getKind())
                    .withName(involved.getMetadata().getName())
                    .withNamespace(namespace)
                    .withUid(involved.getMetadata().getUid())
                    .build())
            .withType(type)
            .withReason(reason)
            .withMessage(message)
            .withCount(1)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .build();
    try {
      client.v1().events().inNamespace(namespace).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warn(
          "{} {}/{}: event {} not recorded: {}",
          involved.getKind(),
          namespace,
          involved.getMetadata().getName(),
          reason,
          e.getMessage());
    }
  }
}
