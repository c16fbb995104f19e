package dev.cairn.operator.common;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The StatefulSet of a cluster resource. {@code podManagementPolicy: Parallel} because the engines
 * find each other themselves and need not start in order; {@code updateStrategy: OnDelete} because
 * the operator rolls pods itself ({@link RollingRestart}), one at a time and the leader last, which
 * the StatefulSet controller cannot do.
 *
 * <p>The container sets only {@code args} ({@code /etc/cairn/<config> <args>}), never {@code
 * command}: the image's entrypoint ({@code java <the image's JVM options> -jar
 * /opt/cairn/cairn-<engine>.jar}) stays in force, so the JVM flags each engine image is tuned with
 * apply. The pod runs as a non-root user on a read-only root file system with every capability
 * dropped; {@code /tmp} is an emptyDir because the JVM writes there. The admin port is the
 * container port {@code metrics}: Prometheus scrapes it and the probes call {@code /readyz} (the
 * engine is serving) and {@code /healthz} (the process is alive) on it. The pod template carries
 * the config hash, so a config change shows up as a template change that {@link RollingRestart}
 * acts on.
 */
public abstract class ClusterStatefulSet<P extends HasMetadata & CairnCluster>
    extends CRUDKubernetesDependentResource<StatefulSet, P> {
  static final long RUN_AS_USER = 1000;

  protected ClusterStatefulSet() {
    super(StatefulSet.class);
  }

  @Override
  public StatefulSet desired(P primary, Context<P> context) {
    return build(primary, primary.workload());
  }

  /** The desired StatefulSet of {@code primary} running {@code w}. */
  public static StatefulSet build(HasMetadata primary, Workload w) {
    EngineKind engine = w.engine();
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("prometheus.io/scrape", "true");
    annotations.put("prometheus.io/port", Integer.toString(engine.adminPort()));
    annotations.put("prometheus.io/path", "/metrics");
    annotations.put(Workload.CONFIG_HASH, w.configHash());

    PodSpecBuilder pod =
        new PodSpecBuilder()
            .withServiceAccountName(Names.of(primary))
            .withNewSecurityContext()
            .withRunAsNonRoot(true)
            .withRunAsUser(RUN_AS_USER)
            .withRunAsGroup(RUN_AS_USER)
            .withFsGroup(RUN_AS_USER)
            .withNewSeccompProfile()
            .withType("RuntimeDefault")
            .endSeccompProfile()
            .endSecurityContext()
            .withContainers(container(w))
            .addNewVolume()
            .withName("config")
            .withNewConfigMap()
            .withName(Names.config(primary))
            .endConfigMap()
            .endVolume()
            .addToVolumes(
                new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
    PodSettings settings = w.pod();
    if (settings != null) {
      pod.withAffinity(settings.affinity)
          .withTolerations(settings.tolerations)
          .withNodeSelector(settings.nodeSelector)
          .withTopologySpreadConstraints(settings.topologySpreadConstraints)
          .withPriorityClassName(settings.priorityClassName);
    }

    return new StatefulSetBuilder()
        .withNewMetadata()
        .withName(Names.of(primary))
        .withNamespace(primary.getMetadata().getNamespace())
        .withLabels(Labels.all(primary, engine))
        .endMetadata()
        .withNewSpec()
        .withReplicas(w.replicas())
        .withServiceName(Names.headless(primary))
        .withPodManagementPolicy("Parallel")
        .withNewUpdateStrategy()
        .withType("OnDelete")
        .endUpdateStrategy()
        .withNewSelector()
        .withMatchLabels(Labels.selector(primary, engine))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Labels.all(primary, engine))
        .withAnnotations(annotations)
        .endMetadata()
        .withSpec(pod.build())
        .endTemplate()
        .withVolumeClaimTemplates(claims(primary, w))
        .endSpec()
        .build();
  }

  private static Container container(Workload w) {
    EngineKind engine = w.engine();
    List<String> args = new ArrayList<>();
    args.add(engine.configPath());
    args.addAll(w.args());
    List<EnvVar> env = new ArrayList<>();
    env.add(fieldEnv("POD_NAME", "metadata.name"));
    env.add(fieldEnv("POD_NAMESPACE", "metadata.namespace"));
    env.add(fieldEnv("POD_IP", "status.podIP"));
    env.add(fieldEnv("POD_INDEX", "metadata.labels['apps.kubernetes.io/pod-index']"));
    env.addAll(w.env());
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount("config", EngineKind.CONFIG_DIR, true));
    mounts.add(mount("tmp", "/tmp", false));
    for (DataVolume v : w.volumes()) {
      mounts.add(mount(v.name(), v.mountPath(), false));
    }
    return new ContainerBuilder()
        .withName(engine.component())
        .withImage(w.image())
        .withImagePullPolicy("IfNotPresent")
        .withArgs(args)
        .withEnv(env)
        .withPorts(w.ports())
        .addToPorts(
            new ContainerPortBuilder()
                .withName("metrics")
                .withContainerPort(engine.adminPort())
                .withProtocol("TCP")
                .build())
        .withResources(w.resources())
        .withVolumeMounts(mounts)
        .withReadinessProbe(probe("/readyz", 5, 3))
        .withLivenessProbe(probe("/healthz", 30, 6))
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .build();
  }

  private static List<PersistentVolumeClaim> claims(HasMetadata primary, Workload w) {
    List<PersistentVolumeClaim> claims = new ArrayList<>();
    for (DataVolume v : w.volumes()) {
      claims.add(
          new PersistentVolumeClaimBuilder()
              .withNewMetadata()
              .withName(v.name())
              .withLabels(Labels.selector(primary, w.engine()))
              .endMetadata()
              .withNewSpec()
              .withAccessModes("ReadWriteOnce")
              .withStorageClassName(v.storage().storageClassName)
              .withNewResources()
              .addToRequests("storage", new Quantity(v.storage().size))
              .endResources()
              .endSpec()
              .build());
    }
    return claims;
  }

  private static Probe probe(String path, int initialDelaySeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withNewPort("metrics")
        .endHttpGet()
        .withInitialDelaySeconds(initialDelaySeconds)
        .withPeriodSeconds(5)
        .withTimeoutSeconds(3)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  private static EnvVar fieldEnv(String name, String fieldPath) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath(fieldPath)
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  private static VolumeMount mount(String name, String path, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(name)
        .withMountPath(path)
        .withReadOnly(readOnly)
        .build();
  }
}
