package dev.cairn.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodRunnerTest {
  private static final String NS = "default";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private LocalCluster cluster;
  private KubernetesClient client;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeEach
  void start() throws IOException {
    ImageCatalog images = new ImageCatalog(Map.of("workload", Workload.jar(dir)));
    cluster = LocalCluster.start(0, images, dir.resolve("state"), dir.resolve("logs"));
    client = cluster.client();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void statefulSetPodsRunOnTheirOwnAddressesWithMountsDnsAndReadiness() throws Exception {
    createWorkload(2);
    await().atMost(WAIT).until(() -> readyReplicas() == 2);

    Pod pod0 = client.pods().inNamespace(NS).withName("app-0").get();
    Pod pod1 = client.pods().inNamespace(NS).withName("app-1").get();
    String ip0 = pod0.getStatus().getPodIP();
    assertThat(ip0).startsWith("127.0.1.").isNotEqualTo(pod1.getStatus().getPodIP());
    assertThat(pod0.getSpec().getSubdomain()).isEqualTo("app-headless");

    // Same port on both pods, both binding 0.0.0.0: each binds its own loopback address, as in
    // its own network namespace.
    String info = get(ip0, "/info");
    assertThat(info).contains("starts=1", "pod=app-0", "ip=" + ip0);
    // The config file's /var/lib/app was rewritten to the claim's host directory.
    Path claimDir = dir.resolve("state/volumes/default/data-app-0");
    assertThat(info).contains("data=" + claimDir.toAbsolutePath());
    assertThat(client.persistentVolumeClaims().inNamespace(NS).withName("data-app-0").get())
        .isNotNull();

    String hosts = Files.readString(cluster.hostsFile());
    assertThat(hosts)
        .contains(ip0 + " app-0.app-headless.default.svc.cluster.local")
        .contains(ip0 + " app-client.default.svc.cluster.local")
        .contains(pod1.getStatus().getPodIP() + " app-client.default.svc.cluster.local");
    assertThat(Files.readString(cluster.pods().logFile(NS, "app-0"))).isNotNull();
  }

  @Test
  void deletedPodComesBackWithItsAddressAndData() throws Exception {
    createWorkload(1);
    await().atMost(WAIT).until(() -> readyReplicas() == 1);
    Pod before = client.pods().inNamespace(NS).withName("app-0").get();
    String ip = before.getStatus().getPodIP();

    client.pods().inNamespace(NS).withName("app-0").delete();
    await()
        .atMost(WAIT)
        .until(() -> {
          Pod p = client.pods().inNamespace(NS).withName("app-0").get();
          return p != null
              && !p.getMetadata().getUid().equals(before.getMetadata().getUid())
              && HostsFile.isReady(p);
        });
    Pod after = client.pods().inNamespace(NS).withName("app-0").get();
    assertThat(after.getStatus().getPodIP()).isEqualTo(ip);
    await().atMost(WAIT).untilAsserted(() -> assertThat(get(ip, "/info")).contains("starts=2"));
  }

  @Test
  void scaleDownAndDeletionStopProcessesAndCollectGarbage() throws Exception {
    StatefulSet sts = createWorkload(2);
    await().atMost(WAIT).until(() -> readyReplicas() == 2);
    String ip1 = client.pods().inNamespace(NS).withName("app-1").get().getStatus().getPodIP();

    sts = client.apps().statefulSets().inNamespace(NS).withName("app").get();
    sts.getSpec().setReplicas(1);
    client.apps().statefulSets().inNamespace(NS).resource(sts).update();
    await().atMost(WAIT).until(() -> client.pods().inNamespace(NS).withName("app-1").get() == null);
    await().atMost(WAIT).until(() -> !answers(ip1));

    String ip0 = client.pods().inNamespace(NS).withName("app-0").get().getStatus().getPodIP();
    client.apps().statefulSets().inNamespace(NS).withName("app").delete();
    await().atMost(WAIT).until(() -> client.pods().inNamespace(NS).list().getItems().isEmpty());
    await().atMost(WAIT).until(() -> !answers(ip0));
    // The ConfigMap was owned by the StatefulSet: collected too.
    await()
        .atMost(WAIT)
        .until(() -> client.configMaps().inNamespace(NS).withName("app-config").get() == null);
  }

  private StatefulSet createWorkload(int replicas) {
    StatefulSet sts =
        new StatefulSetBuilder()
            .withNewMetadata()
            .withName("app")
            .withNamespace(NS)
            .endMetadata()
            .withNewSpec()
            .withReplicas(replicas)
            .withServiceName("app-headless")
            .withPodManagementPolicy("Parallel")
            .withNewUpdateStrategy()
            .withType("OnDelete")
            .endUpdateStrategy()
            .withNewSelector()
            .withMatchLabels(Map.of("app", "app"))
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(Map.of("app", "app"))
            .endMetadata()
            .withNewSpec()
            .withTerminationGracePeriodSeconds(5L)
            .addNewContainer()
            .withName("workload")
            .withImage("example.org/cairn/workload:1.0")
            .withArgs("--bind", "0.0.0.0", "--port", "7070", "--config", "/etc/app/app.conf")
            .addNewEnv()
            .withName("POD_IP")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("status.podIP")
            .endFieldRef()
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("POD_NAME")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.name")
            .endFieldRef()
            .endValueFrom()
            .endEnv()
            .addNewVolumeMount()
            .withName("config")
            .withMountPath("/etc/app")
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("data")
            .withMountPath("/var/lib/app")
            .endVolumeMount()
            .withNewReadinessProbe()
            .withNewHttpGet()
            .withPath("/readyz")
            .withPort(new IntOrString(7070))
            .endHttpGet()
            .endReadinessProbe()
            .endContainer()
            .addNewVolume()
            .withName("config")
            .withNewConfigMap()
            .withName("app-config")
            .endConfigMap()
            .endVolume()
            .endSpec()
            .endTemplate()
            .addNewVolumeClaimTemplate()
            .withNewMetadata()
            .withName("data")
            .endMetadata()
            .withNewSpec()
            .withAccessModes("ReadWriteOnce")
            .withNewResources()
            .withRequests(Map.of("storage", new Quantity("1Gi")))
            .endResources()
            .endSpec()
            .endVolumeClaimTemplate()
            .endSpec()
            .build();
    StatefulSet created = client.apps().statefulSets().inNamespace(NS).resource(sts).create();
    client
        .configMaps()
        .inNamespace(NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("app-config")
                .withNamespace(NS)
                .withOwnerReferences(
                    new OwnerReferenceBuilder()
                        .withApiVersion("apps/v1")
                        .withKind("StatefulSet")
                        .withName("app")
                        .withUid(created.getMetadata().getUid())
                        .build())
                .endMetadata()
                .withData(Map.of("app.conf", "data=/var/lib/app/db\n"))
                .build())
        .create();
    client
        .services()
        .inNamespace(NS)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("app-client")
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withSelector(Map.of("app", "app"))
                .addNewPort()
                .withPort(7070)
                .endPort()
                .endSpec()
                .build())
        .create();
    return created;
  }

  private int readyReplicas() {
    StatefulSet sts = client.apps().statefulSets().inNamespace(NS).withName("app").get();
    return sts == null || sts.getStatus() == null || sts.getStatus().getReadyReplicas() == null
        ? 0
        : sts.getStatus().getReadyReplicas();
  }

  private String get(String ip, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://" + ip + ":7070" + path))
                .timeout(Duration.ofSeconds(2))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private boolean answers(String ip) {
    try {
      get(ip, "/readyz");
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
