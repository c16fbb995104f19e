package dev.cairn.operator.broker;

import dev.cairn.operator.common.DataVolume;
import dev.cairn.operator.common.EngineKind;
import dev.cairn.operator.common.InvalidSpecException;
import dev.cairn.operator.common.Labels;
import dev.cairn.operator.common.Names;
import dev.cairn.operator.common.NativeConfig;
import dev.cairn.operator.common.PodSettings;
import dev.cairn.operator.common.Ports;
import dev.cairn.operator.common.Storage;
import dev.cairn.operator.common.Workload;
import dev.cairn.operator.ensemble.EnsembleWorkload;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A BrokerCluster as a broker workload. server.properties gets what every broker shares (listeners,
 * log.dirs, zookeeper.connect); what differs per pod comes as {@code --override} arguments that
 * Kubernetes expands from the pod's environment: {@code broker.id=$(POD_INDEX)}, {@code
 * advertised.listeners} on {@code $(POD_IP)} (reachable from anywhere in the cluster without DNS),
 * {@code broker.rack} from the node label named by {@code rackTopologyKey} (through the pod label
 * Kubernetes copies from the node's topology labels).
 *
 * <p>Each log directory is its own volume {@code data-<i>} mounted at {@code
 * /var/lib/cairn/data-<i>}; the log lives in a {@code log} subdirectory so a file system's own
 * entries (lost+found) never look like a partition.
 */
public final class BrokerWorkload {
  /** server.properties keys a user may set, and the reserved ones with the field that sets them. */
  public static final NativeConfig SERVER_PROPERTIES =
      new NativeConfig(
          "server.properties",
          "=",
          Set.of(
              "auto.create.topics.enable",
              "default.replication.factor",
              "delete.topic.enable",
              "group.initial.rebalance.delay.ms",
              "group.max.session.timeout.ms",
              "group.max.size",
              "group.min.session.timeout.ms",
              "log.cleaner.delete.retention.ms",
              "log.cleaner.enable",
              "log.cleanup.policy",
              "log.flush.interval.messages",
              "log.flush.interval.ms",
              "log.flush.scheduler.interval.ms",
              "log.index.interval.bytes",
              "log.index.size.max.bytes",
              "log.retention.bytes",
              "log.retention.check.interval.ms",
              "log.retention.hours",
              "log.retention.minutes",
              "log.retention.ms",
              "log.roll.hours",
              "log.roll.ms",
              "log.segment.bytes",
              "message.max.bytes",
              "min.insync.replicas",
              "num.io.threads",
              "num.network.threads",
              "num.partitions",
              "num.recovery.threads.per.data.dir",
              "offsets.retention.minutes",
              "offsets.topic.num.partitions",
              "offsets.topic.replication.factor",
              "offsets.topic.segment.bytes",
              "producer.id.expiration.ms",
              "replica.lag.time.max.ms",
              "socket.receive.buffer.bytes",
              "socket.request.max.bytes",
              "socket.send.buffer.bytes",
              "unclean.leader.election.enable",
              "zookeeper.connection.timeout.ms",
              "zookeeper.session.timeout.ms"),
          Map.ofEntries(
              Map.entry("broker.id", "the pod ordinal (set by the operator)"),
              Map.entry("listeners", "spec.listeners"),
              Map.entry("advertised.listeners", "spec.listeners (the pod IP is advertised)"),
              Map.entry("log.dirs", "spec.storage.logDirs"),
              Map.entry("log.dir", "spec.storage.logDirs"),
              Map.entry("zookeeper.connect", "spec.ensembleRef"),
              Map.entry("broker.rack", "spec.rackTopologyKey"),
              Map.entry("cairn.admin.host", "nothing (the admin port serves probes and metrics)"),
              Map.entry("cairn.admin.port", "nothing (the admin port is 9404)")));

  private static final String OFFSETS_REPLICATION_FACTOR = "offsets.topic.replication.factor";

  private BrokerWorkload() {}

  public static Workload of(BrokerCluster cluster) {
    BrokerClusterSpec spec = cluster.getSpec();
    List<Listener> listeners = spec.listeners == null ? List.of() : spec.listeners;
    checkListeners(listeners);
    List<Storage> logDirs = spec.storage == null ? List.of() : spec.storage.logDirs;
    if (logDirs == null || logDirs.isEmpty()) {
      throw new InvalidSpecException("spec.storage.logDirs needs at least one volume");
    }

    List<DataVolume> volumes = new ArrayList<>();
    for (int i = 0; i < logDirs.size(); i++) {
      volumes.add(new DataVolume("data-" + i, logDirs.get(i), EngineKind.DATA_DIR + "/data-" + i));
    }
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put(
        "listeners",
        listeners.stream()
            .map(l -> l.name + "://0.0.0.0:" + l.port)
            .collect(Collectors.joining(",")));
    keys.put(
        "log.dirs",
        volumes.stream().map(v -> v.mountPath() + "/log").collect(Collectors.joining(",")));
    if (spec.ensembleRef != null) {
      keys.put("zookeeper.connect", ensembleConnect(cluster));
    }
    // Committed offsets must outlive a broker, as Kafka's default of 3 makes them: a cluster of
    // several brokers replicates __consumer_offsets over up to three unless spec.config says else.
    if (spec.replicas > 1
        && (spec.config == null || !spec.config.containsKey(OFFSETS_REPLICATION_FACTOR))) {
      keys.put(OFFSETS_REPLICATION_FACTOR, Integer.toString(Math.min(3, spec.replicas)));
    }
    keys.put("cairn.admin.host", "0.0.0.0");
    keys.put("cairn.admin.port", Integer.toString(EngineKind.BROKER.adminPort()));
    String properties = SERVER_PROPERTIES.render(keys, spec.config);

    List<String> args = new ArrayList<>();
    args.add("--override");
    args.add("broker.id=$(POD_INDEX)");
    args.add("--override");
    args.add(
        "advertised.listeners="
            + listeners.stream()
                .map(l -> l.name + "://$(POD_IP):" + l.port)
                .collect(Collectors.joining(",")));
    List<EnvVar> env = new ArrayList<>();
    PodSettings pod = spec.template;
    if (spec.rackTopologyKey != null && !spec.rackTopologyKey.isBlank()) {
      env.add(
          new EnvVarBuilder()
              .withName("BROKER_RACK")
              .withNewValueFrom()
              .withNewFieldRef()
              .withFieldPath("metadata.labels['" + spec.rackTopologyKey + "']")
              .endFieldRef()
              .endValueFrom()
              .build());
      args.add("--override");
      args.add("broker.rack=$(BROKER_RACK)");
      pod = spreadOverRacks(cluster, spec.rackTopologyKey, pod);
    }

    List<ContainerPort> ports = new ArrayList<>();
    List<ServicePort> clientPorts = new ArrayList<>();
    for (Listener l : listeners) {
      String portName = l.name.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
      ports.add(Ports.container(portName, l.port));
      clientPorts.add(Ports.service(portName, l.port));
    }
    return new Workload(
        EngineKind.BROKER,
        spec.image == null || spec.image.isBlank() ? EngineKind.BROKER.defaultImage() : spec.image,
        spec.replicas,
        spec.resources,
        pod,
        volumes,
        properties,
        args,
        env,
        ports,
        clientPorts);
  }

  /** bootstrap.servers through the client Service and the first listener. */
  public static String bootstrapServers(BrokerCluster cluster) {
    return Names.serviceHost(cluster, Names.of(cluster))
        + ":"
        + cluster.getSpec().listeners.get(0).port;
  }

  /** The referenced ensemble's connect string (its client Service, a stable name). */
  static String ensembleConnect(BrokerCluster cluster) {
    String ensemble = cluster.getSpec().ensembleRef.name;
    return ensemble
        + "."
        + cluster.getMetadata().getNamespace()
        + ".svc:"
        + EnsembleWorkload.CLIENT_PORT;
  }

  private static void checkListeners(List<Listener> listeners) {
    if (listeners.isEmpty()) {
      throw new InvalidSpecException("spec.listeners needs at least one listener");
    }
    Set<String> names = new HashSet<>();
    Set<Integer> ports = new HashSet<>();
    for (Listener l : listeners) {
      if (!names.add(l.name)) {
        throw new InvalidSpecException("listener name '" + l.name + "' is used twice");
      }
      if (!ports.add(l.port)) {
        throw new InvalidSpecException("listener port " + l.port + " is used twice");
      }
      if (l.port == EngineKind.BROKER.adminPort()) {
        throw new InvalidSpecException(
            "listener port " + l.port + " is the broker's admin (metrics/health) port");
      }
    }
  }

  /** Without the user's own spread constraints, spread brokers evenly over the rack label. */
  private static PodSettings spreadOverRacks(BrokerCluster cluster, String key, PodSettings given) {
    if (given != null && given.topologySpreadConstraints != null) {
      return given;
    }
    PodSettings pod = new PodSettings();
    if (given != null) {
      pod.affinity = given.affinity;
      pod.tolerations = given.tolerations;
      pod.nodeSelector = given.nodeSelector;
      pod.priorityClassName = given.priorityClassName;
    }
    pod.topologySpreadConstraints =
        List.of(
            new TopologySpreadConstraintBuilder()
                .withMaxSkew(1)
                .withTopologyKey(key)
                .withWhenUnsatisfiable("ScheduleAnyway")
                .withNewLabelSelector()
                .withMatchLabels(Labels.selector(cluster, EngineKind.BROKER))
                .endLabelSelector()
                .build());
    return pod;
  }
}
