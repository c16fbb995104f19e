package dev.cairn.e2e.local;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the kubelet does for one pod of the local cluster: lays out its volumes as directories,
 * computes its environment (including the downward API), starts its container's engine as a process
 * on the pod's loopback address, probes its readiness, and stops it with SIGTERM then SIGKILL after
 * the grace period.
 *
 * <p>Container paths do not exist on the host, so every mount path is mapped to a host directory
 * and rewritten wherever it appears: in the container's args and env values and inside the files of
 * ConfigMap and Secret volumes (an engine's config file names its data directory); so is the
 * wildcard address 0.0.0.0, which becomes the pod's own ({@link #onPodAddress}). A persistent
 * volume claim is a directory under the cluster's state directory that outlives the pod, as a PVC
 * does.
 */
final class PodSandbox {
  private static final Logger log = LoggerFactory.getLogger(PodSandbox.class);
  private static final Pattern VAR_REF = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
  private static final Duration MAX_GRACE = Duration.ofSeconds(30);
  private static final Pattern WILDCARD = Pattern.compile("(?<![0-9.])0\\.0\\.0\\.0(?![0-9.])");

  private final Pod pod;
  private final String address;
  private final Path podDir;
  private final Path volumesDir;
  private final Path logFile;
  private Process process;
  private int restarts;

  PodSandbox(Pod pod, String address, Path podDir, Path volumesDir, Path logFile) {
    this.pod = pod;
    this.address = address;
    this.podDir = podDir;
    this.volumesDir = volumesDir;
    this.logFile = logFile;
  }

  String name() {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  String uid() {
    return pod.getMetadata().getUid();
  }

  int restarts() {
    return restarts;
  }

  /** Lays out volumes and starts the container; {@code jar} is the engine the image names. */
  synchronized void start(KubernetesClient client, Path jar, Path hostsFile) throws IOException {
    Container container = pod.getSpec().getContainers().get(0);
    Map<String, Path> mounts = mountVolumes(client, container);
    Map<String, String> env = environment(client, container, mounts);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Djdk.net.hosts.file=" + hostsFile.toAbsolutePath());
    command.add("-Dsun.net.inetaddr.ttl=1");
    command.add("-Dsun.net.inetaddr.negative.ttl=0");
    // In a container the JVM sizes its heap from the cgroup memory limit; here, from the spec.
    if (container.getResources() != null
        && container.getResources().getLimits() != null
        && container.getResources().getLimits().containsKey("memory")) {
      BigDecimal limit =
          Quantity.getAmountInBytes(container.getResources().getLimits().get("memory"));
      command.add("-XX:MaxRAM=" + limit.toBigInteger());
    }
    List<String> entrypoint = container.getCommand() == null ? List.of() : container.getCommand();
    int jarFlag = entrypoint.indexOf("-jar");
    List<String> appArgs = new ArrayList<>();
    if (jarFlag >= 0) {
      command.addAll(entrypoint.subList(1, jarFlag));
      appArgs.addAll(
          entrypoint.subList(Math.min(jarFlag + 2, entrypoint.size()), entrypoint.size()));
    }
    if (container.getArgs() != null) {
      appArgs.addAll(container.getArgs());
    }
    command.add("-jar");
    command.add(jar.toAbsolutePath().toString());
    for (String arg : appArgs) {
      command.add(localize(expand(arg, env), mounts));
    }
    Files.createDirectories(logFile.toAbsolutePath().getParent());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(podDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    builder.environment().putAll(env);
    process = builder.start();
    log.info(
        "pod {} started {} (pid {}, address {})",
        name(),
        jar.getFileName(),
        process.pid(),
        address);
  }

  synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  synchronized boolean started() {
    return process != null;
  }

  /** Restarts a container whose process exited, as restartPolicy Always does. */
  synchronized void restart(KubernetesClient client, Path jar, Path hostsFile) throws IOException {
    restarts++;
    log.warn(
        "pod {} container exited with {}, restarting ({} restarts)",
        name(),
        process.exitValue(),
        restarts);
    start(client, jar, hostsFile);
  }

  /** SIGTERM, then SIGKILL once the pod's grace period (capped) has passed. */
  synchronized void stop() {
    if (process == null || !process.isAlive()) {
      return;
    }
    Long graceSeconds = pod.getSpec().getTerminationGracePeriodSeconds();
    Duration grace = graceSeconds == null ? MAX_GRACE : Duration.ofSeconds(graceSeconds);
    if (grace.compareTo(MAX_GRACE) > 0) {
      grace = MAX_GRACE;
    }
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("pod {} did not stop within {} s, killing", name(), grace.toSeconds());
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    log.info("pod {} stopped (exit {})", name(), process.isAlive() ? "?" : process.exitValue());
  }

  /** Runs the container's readinessProbe once: HTTP GET or TCP connect; no probe = alive. */
  boolean probeReady() {
    if (!alive()) {
      return false;
    }
    Container container = pod.getSpec().getContainers().get(0);
    Probe probe = container.getReadinessProbe();
    if (probe == null) {
      return true;
    }
    try {
      if (probe.getHttpGet() != null) {
        HTTPGetAction get = probe.getHttpGet();
        int port = port(container, get.getPort());
        String path = get.getPath() == null ? "/" : get.getPath();
        HttpURLConnection http =
            (HttpURLConnection)
                URI.create("http://" + address + ":" + port + path).toURL().openConnection();
        http.setConnectTimeout(1000);
        http.setReadTimeout(1000);
        int status = http.getResponseCode();
        http.disconnect();
        return status >= 200 && status < 400;
      }
      if (probe.getTcpSocket() != null) {
        try (Socket socket = new Socket()) {
          socket.connect(
              new InetSocketAddress(address, port(container, probe.getTcpSocket().getPort())),
              1000);
          return true;
        }
      }
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  private static int port(Container container, IntOrString port) {
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    return container.getPorts().stream()
        .filter(p -> port.getStrVal().equals(p.getName()))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException("no container port named " + port.getStrVal()))
        .getContainerPort();
  }

  /**
   * Creates a host directory (or file, for subPath mounts) per volume mount: mountPath → host path.
   */
  private Map<String, Path> mountVolumes(KubernetesClient client, Container container)
      throws IOException {
    Map<String, Volume> volumes = new LinkedHashMap<>();
    if (pod.getSpec().getVolumes() != null) {
      pod.getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
    }
    Map<String, Path> mounts = new LinkedHashMap<>();
    List<VolumeMount> volumeMounts =
        container.getVolumeMounts() == null ? List.of() : container.getVolumeMounts();
    // Directories first, so files of ConfigMap volumes can have every mount path rewritten.
    Map<VolumeMount, Path> roots = new LinkedHashMap<>();
    for (VolumeMount mount : volumeMounts) {
      Volume volume = volumes.get(mount.getName());
      Path root = volumeRoot(mount.getName(), volume);
      Path target =
          mount.getSubPath() == null || mount.getSubPath().isEmpty()
              ? root
              : root.resolve(mount.getSubPath());
      roots.put(mount, root);
      mounts.put(mount.getMountPath(), target);
    }
    for (VolumeMount mount : volumeMounts) {
      fill(client, volumes.get(mount.getName()), roots.get(mount), mounts);
    }
    return mounts;
  }

  private Path volumeRoot(String name, Volume volume) throws IOException {
    Path root;
    if (volume == null || volume.getPersistentVolumeClaim() != null) {
      // volumeClaimTemplates: the claim of pod <sts>-<n> is <template>-<sts>-<n>.
      String claim =
          volume == null
              ? name + "-" + pod.getMetadata().getName()
              : volume.getPersistentVolumeClaim().getClaimName();
      root = volumesDir.resolve(pod.getMetadata().getNamespace()).resolve(claim);
    } else {
      root = podDir.resolve("volumes").resolve(name);
    }
    Files.createDirectories(root);
    return root;
  }

  private void fill(KubernetesClient client, Volume volume, Path root, Map<String, Path> mounts)
      throws IOException {
    if (volume == null) {
      return;
    }
    String ns = pod.getMetadata().getNamespace();
    if (volume.getConfigMap() != null) {
      ConfigMap map =
          client.configMaps().inNamespace(ns).withName(volume.getConfigMap().getName()).get();
      if (map == null) {
        throw new IOException("configmap " + volume.getConfigMap().getName() + " not found");
      }
      Map<String, String> data = map.getData() == null ? Map.of() : map.getData();
      writeItems(root, data, volume.getConfigMap().getItems(), mounts);
    } else if (volume.getSecret() != null) {
      Secret secret =
          client.secrets().inNamespace(ns).withName(volume.getSecret().getSecretName()).get();
      if (secret == null) {
        throw new IOException("secret " + volume.getSecret().getSecretName() + " not found");
      }
      Map<String, String> data = new LinkedHashMap<>();
      if (secret.getData() != null) {
        secret
            .getData()
            .forEach((k, v) ->
                data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
      }
      if (secret.getStringData() != null) {
        data.putAll(secret.getStringData());
      }
      writeItems(root, data, volume.getSecret().getItems(), mounts);
    }
  }

  private void writeItems(
      Path root, Map<String, String> data, List<KeyToPath> items, Map<String, Path> mounts)
      throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    if (items == null || items.isEmpty()) {
      data.forEach(files::put);
    } else {
      for (KeyToPath item : items) {
        if (data.containsKey(item.getKey())) {
          files.put(item.getPath(), data.get(item.getKey()));
        }
      }
    }
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path target = root.resolve(file.getKey());
      Files.createDirectories(target.getParent());
      Files.writeString(target, localize(file.getValue(), mounts), StandardCharsets.UTF_8);
    }
  }

  /**
   * The container's environment: its env entries (with $(VAR) expansion) and downward API fields.
   */
  private Map<String, String> environment(
      KubernetesClient client, Container container, Map<String, Path> mounts) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOSTNAME", pod.getMetadata().getName());
    if (container.getEnv() != null) {
      for (EnvVar var : container.getEnv()) {
        String value;
        if (var.getValueFrom() == null) {
          value = var.getValue() == null ? "" : localize(expand(var.getValue(), env), mounts);
        } else if (var.getValueFrom().getFieldRef() != null) {
          value = field(var.getValueFrom().getFieldRef());
        } else if (var.getValueFrom().getSecretKeyRef() != null) {
          var ref = var.getValueFrom().getSecretKeyRef();
          Secret secret =
              client
                  .secrets()
                  .inNamespace(pod.getMetadata().getNamespace())
                  .withName(ref.getName())
                  .get();
          String encoded =
              secret == null || secret.getData() == null
                  ? null
                  : secret.getData().get(ref.getKey());
          value =
              encoded == null
                  ? ""
                  : new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } else if (var.getValueFrom().getConfigMapKeyRef() != null) {
          var ref = var.getValueFrom().getConfigMapKeyRef();
          ConfigMap map =
              client
                  .configMaps()
                  .inNamespace(pod.getMetadata().getNamespace())
                  .withName(ref.getName())
                  .get();
          value =
              map == null || map.getData() == null
                  ? ""
                  : map.getData().getOrDefault(ref.getKey(), "");
        } else {
          value = "";
        }
        env.put(var.getName(), value);
      }
    }
    return env;
  }

  private String field(ObjectFieldSelector selector) {
    return switch (selector.getFieldPath()) {
      case "status.podIP", "status.podIPs" -> address;
      case "status.hostIP" -> "127.0.0.1";
      case "metadata.name" -> pod.getMetadata().getName();
      case "metadata.namespace" -> pod.getMetadata().getNamespace();
      case "metadata.uid" -> pod.getMetadata().getUid();
      case "spec.nodeName" -> "cairn-local";
      case "spec.serviceAccountName" -> String.valueOf(pod.getSpec().getServiceAccountName());
      default -> {
        String path = selector.getFieldPath();
        Matcher label =
            Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]").matcher(path);
        if (label.matches()) {
          Map<String, String> values =
              "labels".equals(label.group(1))
                  ? pod.getMetadata().getLabels()
                  : pod.getMetadata().getAnnotations();
          yield values == null ? "" : values.getOrDefault(label.group(2), "");
        }
        throw new IllegalArgumentException(
            "downward API field " + path + " is not supported locally");
      }
    };
  }

  /** Kubernetes' $(VAR) expansion in args and env: unknown references stay as written. */
  static String expand(String text, Map<String, String> env) {
    Matcher m = VAR_REF.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
    }
    m.appendTail(out);
    return out.toString().replace("$$(", "$(");
  }

  /** What the container sees as {@code text}, on this host: its mount paths and its address. */
  private String localize(String text, Map<String, Path> mounts) {
    return onPodAddress(rewritePaths(text, mounts), address);
  }

  /**
   * Replaces the wildcard address by the pod's. In its own network namespace a pod that binds
   * 0.0.0.0 binds only its own address; here every pod shares the host's, so the same bind would
   * take the port on every pod's address and the second pod of a StatefulSet could not start.
   */
  static String onPodAddress(String text, String address) {
    return WILDCARD.matcher(text).replaceAll(Matcher.quoteReplacement(address));
  }

  /** Replaces container mount paths by their host directories, longest path first. */
  static String rewritePaths(String text, Map<String, Path> mounts) {
    String out = text;
    List<String> paths = new ArrayList<>(mounts.keySet());
    paths.sort(Comparator.comparingInt(String::length).reversed());
    for (String mountPath : paths) {
      String host = mounts.get(mountPath).toAbsolutePath().toString();
      out = replacePathPrefix(out, mountPath, host);
    }
    return out;
  }

  private static String replacePathPrefix(String text, String mountPath, String host) {
    String trimmed =
        mountPath.endsWith("/") ? mountPath.substring(0, mountPath.length() - 1) : mountPath;
    // Only whole path components: /data must not rewrite /database.
    Pattern p =
        Pattern.compile("(?<![A-Za-z0-9_./-])" + Pattern.quote(trimmed) + "(?=$|[/\\s,;:=\"'])");
    return p.matcher(text).replaceAll(Matcher.quoteReplacement(host));
  }
}
