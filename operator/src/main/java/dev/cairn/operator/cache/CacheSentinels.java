package dev.cairn.operator.cache;

import dev.cairn.operator.common.ClusterStatefulSet;
import dev.cairn.operator.common.EngineKind;
import dev.cairn.operator.common.Labels;
import dev.cairn.operator.common.Names;
import dev.cairn.operator.common.Ports;
import dev.cairn.operator.common.Workload;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Map;

/**
 * The sentinels of a replicated CacheCluster and the Kubernetes objects around the cache servers
 * that only replication needs. Names: StatefulSet and Service {@code <name>-sentinel}, replicas'
 * Service {@code <name>-replicas}; the master name the sentinels monitor is the CacheCluster's
 * name.
 *
 * <p>The sentinel rewrites its config file, and a ConfigMap volume is read-only, so the pod starts
 * the sentinel on {@code /var/lib/cairn/sentinel.conf} of an emptyDir seeded from the ConfigMap's
 * {@code sentinel.conf} ({@code --seed-config}). The seed holds no {@code monitor} line: the
 * primary's pod IP is not known when the ConfigMap is written, and the sentinel resolves no host
 * names, so the operator sends {@code SENTINEL MONITOR} with the current primary's address to every
 * sentinel that does not monitor it ({@link CacheReplication}).
 */
public final class CacheSentinels {
  public static final int PORT = 26379;
  public static final String COMPONENT = "sentinel";

  /** The label the operator puts on cache server pods: {@link #PRIMARY} or {@link #REPLICA}. */
  public static final String ROLE = "cairn.dev/role";

  public static final String PRIMARY = "primary";
  public static final String REPLICA = "replica";
  static final String CONFIG_KEY = "sentinel.conf";
  static final String STATE_FILE = EngineKind.DATA_DIR + "/sentinel.conf";

  private CacheSentinels() {}

  public static String name(CacheCluster cache) {
    return Names.of(cache) + "-sentinel";
  }

  public static String service(CacheCluster cache) {
    return name(cache);
  }

  public static String replicasService(CacheCluster cache) {
    return Names.of(cache) + "-replicas";
  }

  /** The labels the sentinel pods are selected by. */
  public static Map<String, String> selector(CacheCluster cache) {
    Map<String, String> labels = Labels.selector(cache, EngineKind.CACHE);
    labels.put(Labels.COMPONENT, COMPONENT);
    return labels;
  }

  /** The seed sentinel.conf: server settings only, the monitor comes from the operator. */
  static String config() {
    return String.join(
        "\n",
        "# Seed of the sentinel's own config file; the operator sends SENTINEL MONITOR.",
        "port " + PORT,
        "bind 0.0.0.0",
        "admin-bind 0.0.0.0",
        "admin-port " + EngineKind.CACHE.adminPort(),
        "");
  }

  /**
   * The sentinels as a workload: what their pod template is built from, and whose config hash and
   * image tell which sentinel pods the operator must restart.
   */
  static Workload workload(CacheCluster cache) {
    CacheClusterSpec spec = cache.getSpec();
    return new Workload(
        EngineKind.CACHE,
        spec.image == null || spec.image.isBlank() ? EngineKind.CACHE.defaultImage() : spec.image,
        spec.sentinels().count,
        null,
        spec.template,
        List.of(),
        config(),
        List.of(),
        List.of(),
        List.of(Ports.container("sentinel", PORT)),
        List.of());
  }

  /** The StatefulSet of the sentinels, the cache servers' pod template made a sentinel's. */
  public static StatefulSet statefulSet(CacheCluster cache) {
    StatefulSet sts = ClusterStatefulSet.build(cache, workload(cache));
    Map<String, String> selector = selector(cache);
    sts.getMetadata().setName(name(cache));
    sts.getMetadata().getLabels().putAll(selector);
    sts.getSpec().setServiceName(service(cache));
    sts.getSpec().getSelector().setMatchLabels(selector);
    sts.getSpec().getTemplate().getMetadata().getLabels().putAll(selector);
    // Sentinels keep no data worth a volume across pods: a restarted one is given the monitor
    // again and learns epochs, replicas and peers from the hello messages.
    sts.getSpec().setVolumeClaimTemplates(List.of());
    PodSpec pod = sts.getSpec().getTemplate().getSpec();
    pod.getVolumes()
        .add(new VolumeBuilder().withName("state").withNewEmptyDir().endEmptyDir().build());
    Container c = pod.getContainers().get(0);
    c.setName(COMPONENT);
    c.setArgs(
        List.of(
            "--sentinel", STATE_FILE, "--seed-config", EngineKind.CONFIG_DIR + "/" + CONFIG_KEY));
    c.getVolumeMounts()
        .add(
            new VolumeMountBuilder()
                .withName("state")
                .withMountPath(EngineKind.DATA_DIR)
                .withReadOnly(false)
                .build());
    return sts;
  }

  /** {@code <name>-sentinel}: what Sentinel-aware clients are given. */
  public static Service sentinelService(CacheCluster cache) {
    return service(cache, service(cache), selector(cache), "sentinel", PORT);
  }

  /** {@code <name>-replicas}: reads from the replicas. */
  public static Service replicasService(CacheCluster cache, Map<String, String> serverSelector) {
    Map<String, String> selector = new java.util.LinkedHashMap<>(serverSelector);
    selector.put(ROLE, REPLICA);
    return service(cache, replicasService(cache), selector, "redis", CacheWorkload.PORT);
  }

  private static Service service(
      CacheCluster cache, String name, Map<String, String> selector, String port, int number) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(cache.getMetadata().getNamespace())
        .withLabels(Labels.all(cache, EngineKind.CACHE))
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(selector)
        .withPorts(Ports.service(port, number))
        .endSpec()
        .build();
  }
}
