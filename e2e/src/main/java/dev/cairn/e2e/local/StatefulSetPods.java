package dev.cairn.e2e.local;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The StatefulSet controller's pod and claim construction: pod {@code <sts>-<ordinal>} from the
 * template, with hostname and subdomain for its stable DNS name, a PVC {@code
 * <template>-<sts>-<ordinal>} per volumeClaimTemplate, and the revision hash of the template so
 * that updated and outdated pods can be told apart (with {@code updateStrategy: OnDelete}, a pod
 * only takes a new template when it is deleted and re-created).
 */
final class StatefulSetPods {
  static final String REVISION_LABEL = "controller-revision-hash";

  private StatefulSetPods() {}

  static String podName(StatefulSet sts, int ordinal) {
    return sts.getMetadata().getName() + "-" + ordinal;
  }

  /** Ordinal of a pod of {@code sts}, or -1 if the name is not one of its pods. */
  static int ordinalOf(StatefulSet sts, String podName) {
    String prefix = sts.getMetadata().getName() + "-";
    if (!podName.startsWith(prefix)) {
      return -1;
    }
    try {
      return Integer.parseInt(podName.substring(prefix.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A short hash of the pod template, as Kubernetes records in controller-revision-hash. */
  static String revision(StatefulSet sts) {
    try {
      byte[] template =
          Serialization.asJson(sts.getSpec().getTemplate()).getBytes(StandardCharsets.UTF_8);
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(template);
      return sts.getMetadata().getName() + "-" + HexFormat.of().formatHex(digest, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Pod pod(StatefulSet sts, int ordinal) {
    String name = podName(sts, ordinal);
    ObjectMeta template = sts.getSpec().getTemplate().getMetadata();
    Map<String, String> labels = new LinkedHashMap<>();
    if (template != null && template.getLabels() != null) {
      labels.putAll(template.getLabels());
    }
    labels.put("statefulset.kubernetes.io/pod-name", name);
    labels.put("apps.kubernetes.io/pod-index", Integer.toString(ordinal));
    labels.put(REVISION_LABEL, revision(sts));
    PodSpec spec = Serialization.clone(sts.getSpec().getTemplate().getSpec());
    spec.setHostname(name);
    spec.setSubdomain(sts.getSpec().getServiceName());
    spec.setNodeName("cairn-local");
    List<Volume> volumes =
        new ArrayList<>(spec.getVolumes() == null ? List.of() : spec.getVolumes());
    for (PersistentVolumeClaim claim : claimTemplates(sts)) {
      volumes.add(
          new VolumeBuilder()
              .withName(claim.getMetadata().getName())
              .withNewPersistentVolumeClaim(claimName(sts, claim, ordinal), false)
              .build());
    }
    spec.setVolumes(volumes);
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(sts.getMetadata().getNamespace())
        .withLabels(labels)
        .withAnnotations(template == null ? null : template.getAnnotations())
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion("apps/v1")
                .withKind("StatefulSet")
                .withName(sts.getMetadata().getName())
                .withUid(sts.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build())
        .endMetadata()
        .withSpec(spec)
        .build();
  }

  static List<PersistentVolumeClaim> claims(StatefulSet sts, int ordinal) {
    List<PersistentVolumeClaim> claims = new ArrayList<>();
    for (PersistentVolumeClaim template : claimTemplates(sts)) {
      claims.add(
          new PersistentVolumeClaimBuilder(template)
              .editOrNewMetadata()
              .withName(claimName(sts, template, ordinal))
              .withNamespace(sts.getMetadata().getNamespace())
              .endMetadata()
              .withNewStatus()
              .withPhase("Bound")
              .endStatus()
              .build());
    }
    return claims;
  }

  private static List<PersistentVolumeClaim> claimTemplates(StatefulSet sts) {
    return sts.getSpec().getVolumeClaimTemplates() == null
        ? List.of()
        : sts.getSpec().getVolumeClaimTemplates();
  }

  private static String claimName(StatefulSet sts, PersistentVolumeClaim template, int ordinal) {
    return template.getMetadata().getName() + "-" + podName(sts, ordinal);
  }
}
