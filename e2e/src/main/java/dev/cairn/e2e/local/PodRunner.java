package dev.cairn.e2e.local;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The StatefulSet controller and the kubelet of the local cluster, as one control loop that runs
 * every {@link #PERIOD}:
 *
 * <ol>
 *   <li>each StatefulSet has Pod objects {@code <name>-0 .. <name>-(replicas-1)} (and their PVCs);
 *       extra ordinals are deleted (scale down);
 *   <li>each Pod has a running process ({@link PodSandbox}); a Pod deleted from the API has its
 *       process stopped (SIGTERM, grace period, SIGKILL) before a Pod of the same name starts
 *       again, so a restarted engine never races its predecessor for the port or the data;
 *   <li>a process that exits is restarted with back-off (restartPolicy Always);
 *   <li>readiness probes decide the Pod's Ready condition; Pod and StatefulSet status follow;
 *   <li>the hosts file (cluster DNS) is rewritten from Pods and Services.
 * </ol>
 *
 * <p>Process starts and stops run on a worker pool so one slow shutdown does not stall the loop.
 */
public final class PodRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PodRunner.class);
  static final Duration PERIOD = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  private final KubernetesClient client;
  private final ImageCatalog images;
  private final PodAddresses addresses;
  private final HostsFile hosts;
  private final Path podsDir;
  private final Path volumesDir;
  private final Path logsDir;
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "pod-runner"));
  private final ExecutorService workers =
      Executors.newCachedThreadPool(r -> daemon(r, "pod-worker"));

  /** Sandboxes by pod key (ns/name); present from start request until the process is stopped. */
  private final Map<String, PodSandbox> sandboxes = new ConcurrentHashMap<>();

  /** Pod keys whose old process is still shutting down: no new process until it is gone. */
  private final Set<String> terminating = ConcurrentHashMap.newKeySet();

  private final Map<String, Instant> nextRestart = new HashMap<>();
  private final Map<String, Boolean> lastReady = new HashMap<>();
  private final GarbageCollector garbageCollector;
  private long passes;

  public PodRunner(KubernetesClient client, ImageCatalog images, Path stateDir, Path logsDir) {
    this.client = client;
    this.images = images;
    this.addresses = new PodAddresses(stateDir.resolve("pod-addresses.properties"));
    this.hosts = new HostsFile(stateDir.resolve("hosts"));
    this.podsDir = stateDir.resolve("pods");
    this.volumesDir = stateDir.resolve("volumes");
    this.logsDir = logsDir;
    this.garbageCollector = new GarbageCollector(client);
  }

  /** The hosts file engines and JVM clients resolve cluster names with. */
  public Path hostsFile() {
    return hosts.path();
  }

  /** Where each pod's process writes its output: {@code <logs>/<ns>_<pod>.log}. */
  public Path logFile(String namespace, String pod) {
    return logsDir.resolve(namespace + "_" + pod + ".log");
  }

  public void start() {
    loop.scheduleWithFixedDelay(this::syncSafely, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void syncSafely() {
    try {
      sync();
    } catch (IOException | RuntimeException e) {
      log.warn("pod runner sync failed: {}", e.toString());
    }
  }

  /** One pass of the control loop. */
  void sync() throws IOException {
    if (passes++ % 4 == 0) {
      garbageCollector.collect();
    }
    List<StatefulSet> statefulSets =
        client.apps().statefulSets().inAnyNamespace().list().getItems();
    List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
    Map<String, Pod> podsByKey = new HashMap<>();
    pods.forEach(p -> podsByKey.put(key(p), p));

    for (StatefulSet sts : statefulSets) {
      ensurePods(sts, podsByKey);
    }
    stopProcessesOfDeletedPods(podsByKey);
    pods = client.pods().inAnyNamespace().list().getItems();
    for (Pod pod : pods) {
      runPod(pod);
    }
    pods = client.pods().inAnyNamespace().list().getItems();
    for (StatefulSet sts : statefulSets) {
      updateStatefulSetStatus(sts, pods);
    }
    List<Service> services = client.services().inAnyNamespace().list().getItems();
    hosts.update(pods, services);
  }

  private void ensurePods(StatefulSet sts, Map<String, Pod> podsByKey) {
    String ns = sts.getMetadata().getNamespace();
    int replicas = Objects.requireNonNullElse(sts.getSpec().getReplicas(), 1);
    for (int ordinal = 0; ordinal < replicas; ordinal++) {
      String name = StatefulSetPods.podName(sts, ordinal);
      if (!podsByKey.containsKey(ns + "/" + name) && !terminating.contains(ns + "/" + name)) {
        for (PersistentVolumeClaim claim : StatefulSetPods.claims(sts, ordinal)) {
          if (client
                  .persistentVolumeClaims()
                  .inNamespace(ns)
                  .withName(claim.getMetadata().getName())
                  .get()
              == null) {
            client.persistentVolumeClaims().inNamespace(ns).resource(claim).create();
          }
        }
        client.pods().inNamespace(ns).resource(StatefulSetPods.pod(sts, ordinal)).create();
        log.info("statefulset {}/{} created pod {}", ns, sts.getMetadata().getName(), name);
      }
    }
    podsByKey.values().stream()
        .filter(p -> ns.equals(p.getMetadata().getNamespace()))
        .filter(p -> ownedBy(p, sts))
        .filter(p -> StatefulSetPods.ordinalOf(sts, p.getMetadata().getName()) >= replicas)
        .forEach(p -> {
          log.info(
              "statefulset {}/{} scaled down: deleting pod {}",
              ns,
              sts.getMetadata().getName(),
              p.getMetadata().getName());
          client.pods().inNamespace(ns).withName(p.getMetadata().getName()).delete();
        });
  }

  private void stopProcessesOfDeletedPods(Map<String, Pod> podsByKey) {
    for (Map.Entry<String, PodSandbox> e : sandboxes.entrySet()) {
      Pod pod = podsByKey.get(e.getKey());
      PodSandbox sandbox = e.getValue();
      if (pod == null || !pod.getMetadata().getUid().equals(sandbox.uid())) {
        String key = e.getKey();
        sandboxes.remove(key);
        terminating.add(key);
        lastReady.remove(key);
        workers.execute(() -> {
          try {
            sandbox.stop();
          } finally {
            terminating.remove(key);
          }
        });
      }
    }
  }

  private void runPod(Pod pod) throws IOException {
    String key = key(pod);
    if (terminating.contains(key) || pod.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    PodSandbox sandbox = sandboxes.get(key);
    if (sandbox == null) {
      String address =
          addresses.addressOf(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
      PodSandbox created =
          new PodSandbox(
              pod,
              address,
              podsDir
                  .resolve(pod.getMetadata().getNamespace())
                  .resolve(pod.getMetadata().getName()),
              volumesDir,
              logFile(pod.getMetadata().getNamespace(), pod.getMetadata().getName()));
      sandboxes.put(key, created);
      Path jar = images.jarFor(pod.getSpec().getContainers().get(0).getImage());
      workers.execute(() -> startOrReport(created, jar));
      publishStatus(pod, created, address, false);
      return;
    }
    if (!sandbox.started()) {
      return;
    }
    if (!sandbox.alive()) {
      Instant due =
          nextRestart.computeIfAbsent(key, k -> Instant.now().plus(backoff(sandbox.restarts())));
      if (Instant.now().isAfter(due)) {
        nextRestart.remove(key);
        Path jar = images.jarFor(pod.getSpec().getContainers().get(0).getImage());
        sandbox.restart(client, jar, hosts.path());
      }
    }
    boolean ready = sandbox.probeReady();
    if (!Objects.equals(lastReady.get(key), ready)
        || pod.getStatus() == null
        || pod.getStatus().getPodIP() == null) {
      publishStatus(
          pod,
          sandbox,
          addresses.addressOf(pod.getMetadata().getNamespace(), pod.getMetadata().getName()),
          ready);
      lastReady.put(key, ready);
      if (ready) {
        log.info("pod {} ready", key);
      }
    }
  }

  private void startOrReport(PodSandbox sandbox, Path jar) {
    try {
      sandbox.start(client, jar, hosts.path());
    } catch (IOException | RuntimeException e) {
      // E.g. its ConfigMap does not exist yet: the next pass after the back-off tries again.
      log.error("pod {} failed to start: {}", sandbox.name(), e.toString());
      try {
        Thread.sleep(backoff(1).toMillis());
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      sandboxes.remove(sandbox.name(), sandbox);
    }
  }

  private static Duration backoff(int restarts) {
    Duration d = Duration.ofSeconds(1L << Math.min(restarts, 4));
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }

  private void publishStatus(Pod pod, PodSandbox sandbox, String address, boolean ready) {
    String now = Instant.now().toString();
    String readyStatus = ready ? "True" : "False";
    List<PodCondition> conditions =
        List.of(
            new PodConditionBuilder()
                .withType("PodScheduled")
                .withStatus("True")
                .withLastTransitionTime(now)
                .build(),
            new PodConditionBuilder()
                .withType("Initialized")
                .withStatus("True")
                .withLastTransitionTime(now)
                .build(),
            new PodConditionBuilder()
                .withType("ContainersReady")
                .withStatus(readyStatus)
                .withLastTransitionTime(now)
                .build(),
            new PodConditionBuilder()
                .withType("Ready")
                .withStatus(readyStatus)
                .withLastTransitionTime(now)
                .build());
    PodStatus status =
        new PodStatusBuilder()
            .withPhase(sandbox.alive() || !sandbox.started() ? "Running" : "Failed")
            .withPodIP(address)
            .addNewPodIP(address)
            .withHostIP("127.0.0.1")
            .withStartTime(pod.getMetadata().getCreationTimestamp())
            .withConditions(conditions)
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName(pod.getSpec().getContainers().get(0).getName())
                    .withImage(pod.getSpec().getContainers().get(0).getImage())
                    .withReady(ready)
                    .withStarted(sandbox.alive())
                    .withRestartCount(sandbox.restarts())
                    .build())
            .build();
    pod.setStatus(status);
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
    } catch (KubernetesClientException e) {
      // The pod changed or went away meanwhile; the next pass sees the new state.
      log.debug("pod {} status not updated: {}", key(pod), e.getMessage());
    }
  }

  private void updateStatefulSetStatus(StatefulSet sts, List<Pod> pods) {
    String revision = StatefulSetPods.revision(sts);
    List<Pod> owned = pods.stream().filter(p -> ownedBy(p, sts)).toList();
    int ready = (int) owned.stream().filter(HostsFile::isReady).count();
    int updated =
        (int)
            owned.stream()
                .filter(p ->
                    revision.equals(
                        p.getMetadata().getLabels().get(StatefulSetPods.REVISION_LABEL)))
                .count();
    StatefulSetStatus status =
        new StatefulSetStatusBuilder()
            .withObservedGeneration(sts.getMetadata().getGeneration())
            .withReplicas(owned.size())
            .withReadyReplicas(ready)
            .withAvailableReplicas(ready)
            .withCurrentReplicas(owned.size())
            .withUpdatedReplicas(updated)
            .withCurrentRevision(revision)
            .withUpdateRevision(revision)
            .build();
    if (sameStatus(status, sts.getStatus())) {
      return;
    }
    sts.setStatus(status);
    try {
      client
          .apps()
          .statefulSets()
          .inNamespace(sts.getMetadata().getNamespace())
          .resource(sts)
          .updateStatus();
    } catch (KubernetesClientException e) {
      log.debug(
          "statefulset {} status not updated: {}", sts.getMetadata().getName(), e.getMessage());
    }
  }

  /** Compares the fields this runner sets; the API may add defaults that plain equals() sees. */
  private static boolean sameStatus(StatefulSetStatus a, StatefulSetStatus b) {
    return b != null
        && Objects.equals(a.getObservedGeneration(), b.getObservedGeneration())
        && Objects.equals(a.getReplicas(), b.getReplicas())
        && Objects.equals(a.getReadyReplicas(), b.getReadyReplicas())
        && Objects.equals(a.getAvailableReplicas(), b.getAvailableReplicas())
        && Objects.equals(a.getCurrentReplicas(), b.getCurrentReplicas())
        && Objects.equals(a.getUpdatedReplicas(), b.getUpdatedReplicas())
        && Objects.equals(a.getCurrentRevision(), b.getCurrentRevision())
        && Objects.equals(a.getUpdateRevision(), b.getUpdateRevision());
  }

  private static boolean ownedBy(Pod pod, StatefulSet sts) {
    return pod.getMetadata().getOwnerReferences() != null
        && pod.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> Objects.equals(o.getUid(), sts.getMetadata().getUid()));
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Stops the loop and every pod's process (SIGTERM, then SIGKILL after the grace period). */
  @Override
  public void close() {
    loop.shutdownNow();
    try {
      loop.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<PodSandbox> running = List.copyOf(sandboxes.values());
    sandboxes.clear();
    running.parallelStream().forEach(PodSandbox::stop);
    workers.shutdown();
    try {
      workers.awaitTermination(40, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
