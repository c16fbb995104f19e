package dev.cairn.e2e.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.Jedis;

/**
 * The platform as a user meets it: the examples applied to the local cluster with the real operator
 * and engines, then real clients and day-2 operations. Logs of every process stay under {@code
 * e2e/target/e2e-*}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndTest {
  private static final Duration READY = Duration.ofMinutes(3);
  private static final String NS = "default";

  private LocalPlatform platform;
  private KubernetesClient client;

  @BeforeAll
  void start() throws Exception {
    Path module = Path.of(System.getProperty("user.dir"));
    Path home = module.resolve("target/e2e-" + System.currentTimeMillis());
    platform = LocalPlatform.start(module.getParent(), home, 0);
    client = platform.client();
    platform.applyExamples();
    // Everything else depends on this: fail the whole class at once if the examples never get
    // Ready.
    platform.awaitAllReady(READY, line -> System.out.println("e2e: " + line));
  }

  @AfterAll
  void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  @Order(1)
  void everyExampleBecomesReady() {
    assertThat(CairnResources.list(client))
        .extracting(CairnResources::id)
        .contains(
            "Ensemble/my-ensemble",
            "BrokerCluster/my-brokers",
            "Topic/orders",
            "CacheCluster/my-cache");
  }

  @Test
  @Order(2)
  void zooKeeperClientCreatesAndWatchesOnTheEnsemble() throws Exception {
    try (ZooKeeper zk = connectZooKeeper()) {
      zk.create(
          "/e2e",
          "v1".getBytes(StandardCharsets.UTF_8),
          ZooDefs.Ids.OPEN_ACL_UNSAFE,
          CreateMode.PERSISTENT);
      CountDownLatch changed = new CountDownLatch(1);
      zk.getData(
          "/e2e",
          e -> {
            if (e.getType() == Watcher.Event.EventType.NodeDataChanged) {
              changed.countDown();
            }
          },
          null);
      zk.setData("/e2e", "v2".getBytes(StandardCharsets.UTF_8), 0);
      assertThat(changed.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(new String(zk.getData("/e2e", false, null), StandardCharsets.UTF_8))
          .isEqualTo("v2");
    }
  }

  @Test
  @Order(3)
  void kafkaClientsProduceAndConsumeOnTheTopic() throws Exception {
    List<String> sent = produce("orders", "order-", 50);
    assertThat(consumeAll("orders")).containsAll(sent);
  }

  @Test
  @Order(4)
  void jedisUsesTheCacheWithItsPassword() {
    String host = podIps("my-cache").get(0);
    try (Jedis jedis = new Jedis(host, 6379)) {
      jedis.auth("change-me");
      assertThat(jedis.set("e2e", "value")).isEqualTo("OK");
      assertThat(jedis.get("e2e")).isEqualTo("value");
    }
  }

  @Test
  @Order(5)
  void hostCommandLineClientsReachWhatTheEnginesAdvertise() throws Exception {
    String broker = podIps("my-brokers").get(0);
    assertThat(run("kcat", "-b", broker + ":9092", "-L", "-t", "orders"))
        .contains("broker 0 at " + broker + ":9092")
        .contains("topic \"orders\" with 3 partitions");
    String cache = podIps("my-cache").get(0);
    assertThat(
            run(
                "redis-cli",
                "-h",
                cache,
                "-p",
                "6379",
                "-a",
                "change-me",
                "--no-auth-warning",
                "get",
                "e2e"))
        .isEqualTo("value\n");
    String ensemble = podIps("my-ensemble").get(0);
    assertThat(
            run("/usr/share/zookeeper/bin/zkCli.sh", "-server", ensemble + ":2181", "get", "/e2e"))
        .contains("v2");
  }

  /** Runs a command-line client to completion (bounded) and returns its standard output. */
  private static String run(String... command) throws Exception {
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    CompletableFuture<byte[]> output =
        CompletableFuture.supplyAsync(() -> {
          try {
            return process.getInputStream().readAllBytes();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
    }
    assertThat(process.exitValue()).as(String.join(" ", command)).isZero();
    return new String(output.get(), StandardCharsets.UTF_8);
  }

  @Test
  @Order(5)
  void prometheusScrapesEveryPodAndTheOperatorWithTheAlertRules() throws Exception {
    Set<String> annotated =
        client.pods().inAnyNamespace().list().getItems().stream()
            .filter(p -> p.getMetadata().getAnnotations() != null)
            .filter(
                p -> "true".equals(p.getMetadata().getAnnotations().get("prometheus.io/scrape")))
            .map(p -> p.getMetadata().getName())
            .collect(Collectors.toSet());
    assertThat(annotated).hasSizeGreaterThanOrEqualTo(3);
    try (LocalPrometheus prometheus = platform.startPrometheus(LocalPlatform.freePort())) {
      HttpClient http = HttpClient.newHttpClient();
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(() -> {
            List<Map<String, Object>> up =
                prometheusQuery(http, prometheus.url().resolve("api/v1/query?query=up"));
            Set<String> podsUp = new HashSet<>();
            boolean operatorUp = false;
            for (Map<String, Object> series : up) {
              Map<?, ?> labels = (Map<?, ?>) series.get("metric");
              boolean isUp = "1".equals(((List<?>) series.get("value")).get(1));
              if (isUp && "cairn-operator".equals(labels.get("job"))) {
                operatorUp = true;
              } else if (isUp && labels.get("app_kubernetes_io_component") != null) {
                podsUp.add(String.valueOf(labels.get("pod")));
              }
            }
            assertThat(podsUp).isEqualTo(annotated);
            assertThat(operatorUp).as("the operator's target is up").isTrue();
          });
      HttpResponse<String> rules =
          http.send(
              HttpRequest.newBuilder(prometheus.url().resolve("api/v1/rules")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(rules.body()).contains("\"name\":\"cairn-operator\"", "CairnResourceDegraded");
    }
  }

  /** The result vector of an instant query, through Prometheus's HTTP API. */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> prometheusQuery(HttpClient http, URI query)
      throws Exception {
    HttpResponse<String> r =
        http.send(HttpRequest.newBuilder(query).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, Object> body = Serialization.unmarshal(r.body(), Map.class);
    return (List<Map<String, Object>>) ((Map<String, Object>) body.get("data")).get("result");
  }

  @Test
  @Order(2)
  void everyEnsembleServerServesAndOneLeads() {
    List<String> modes = podIps("my-ensemble").stream().map(ip -> srvrMode(ip)).toList();
    assertThat(modes).containsExactlyInAnyOrder("leader", "follower", "follower");
    GenericKubernetesResource ensemble = ensemble();
    Map<String, Object> status = status(ensemble);
    assertThat(status.get("leader")).asString().startsWith("my-ensemble-");
    assertThat(status.get("quorumSize")).isEqualTo(2);
    assertThat(members(ensemble)).extracting(m -> m.get("role")).containsOnly("leader", "follower");
  }

  /**
   * A config change makes the operator roll the three servers one at a time, followers first and
   * the leader last, while a Curator client keeps creating nodes: no operation may fail (Curator's
   * retry policy absorbs ConnectionLoss while its server restarts) and every acknowledged create is
   * there afterwards.
   */
  @Test
  @Order(6)
  void configChangeRollsTheEnsembleUnderCuratorLoadKeepingEveryAcknowledgedWrite()
      throws Exception {
    String leader = (String) status(ensemble()).get("leader");
    Map<String, String> before = new HashMap<>();
    podsOf("my-ensemble")
        .forEach(p -> before.put(p.getMetadata().getName(), p.getMetadata().getUid()));
    List<String> restarted = new CopyOnWriteArrayList<>();
    String connect =
        String.join(",", podIps("my-ensemble").stream().map(ip -> ip + ":2181").toList());
    try (Watch deletions =
            client
                .pods()
                .inNamespace(NS)
                .withLabel("app.kubernetes.io/instance", "my-ensemble")
                .watch(PlatformScenario.deletionsInto(restarted));
        CuratorLoad load = CuratorLoad.start(connect, "/roll-load")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledged().size() >= 50);
      editSpec("Ensemble", "my-ensemble", spec -> configOf(spec).put("maxClientCnxns", "300"));
      await()
          .atMost(READY)
          .until(() ->
              podsOf("my-ensemble").size() == 3
                  && podsOf("my-ensemble").stream()
                      .noneMatch(p ->
                          p.getMetadata().getUid().equals(before.get(p.getMetadata().getName())))
                  && podReady("my-ensemble"));
      platform.awaitAllReady(READY, line -> System.out.println("e2e: " + line));
      int atEnd = load.acknowledged().size();
      await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledged().size() >= atEnd + 50);
      load.stop();
      assertThat(load.failures()).isEmpty();
      assertThat(restarted).hasSize(3).doesNotHaveDuplicates().last().isEqualTo(leader);
      try (ZooKeeper zk = connectZooKeeper()) {
        for (Map.Entry<String, byte[]> write : load.acknowledged().entrySet()) {
          assertThat(zk.getData(write.getKey(), false, null))
              .as(write.getKey())
              .isEqualTo(write.getValue());
        }
      }
    }
    List<String> modes = podIps("my-ensemble").stream().map(ip -> srvrMode(ip)).toList();
    assertThat(modes).containsExactlyInAnyOrder("leader", "follower", "follower");
  }

  private GenericKubernetesResource ensemble() {
    return client
        .genericKubernetesResources(CairnResources.kind(client, "Ensemble"))
        .inNamespace(NS)
        .withName("my-ensemble")
        .get();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> status(GenericKubernetesResource r) {
    return (Map<String, Object>) r.getAdditionalProperties().get("status");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> members(GenericKubernetesResource r) {
    return (List<Map<String, Object>>) status(r).get("members");
  }

  /** The Mode: line of ZooKeeper's srvr on {@code ip}:2181. */
  private static String srvrMode(String ip) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(ip, 2181), 2000);
      s.setSoTimeout(2000);
      s.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return answer
          .lines()
          .filter(l -> l.startsWith("Mode: "))
          .map(l -> l.substring(6).trim())
          .findFirst()
          .orElse(answer.trim());
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  /**
   * 3 → 5 → 3 servers under Curator load, through reconfig one server at a time: no operation fails
   * beyond ConnectionLoss retries, every acknowledged write is there, and the first three servers
   * are never restarted.
   */
  @Test
  @Order(7)
  void theEnsembleScalesToFiveAndBackToThreeUnderCuratorLoad() throws Exception {
    Map<String, String> uids = new HashMap<>();
    podsOf("my-ensemble")
        .forEach(p -> uids.put(p.getMetadata().getName(), p.getMetadata().getUid()));
    String connect =
        String.join(",", podIps("my-ensemble").stream().map(ip -> ip + ":2181").toList());
    try (CuratorLoad load = CuratorLoad.start(connect, "/scale-load")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledged().size() >= 50);
      for (int replicas : List.of(5, 3)) {
        editSpec("Ensemble", "my-ensemble", spec -> spec.put("replicas", replicas));
        await()
            .atMost(READY)
            .pollInterval(Duration.ofSeconds(1))
            .until(() ->
                voters(connect) == replicas
                    && podsOf("my-ensemble").size() == replicas
                    && "True".equals(CairnResources.condition(ensemble(), "Ready").status()));
        int now = load.acknowledged().size();
        await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledged().size() >= now + 50);
      }
      load.stop();
      assertThat(load.failures()).isEmpty();
      try (ZooKeeper zk = connectZooKeeper()) {
        for (Map.Entry<String, byte[]> write : load.acknowledged().entrySet()) {
          assertThat(zk.getData(write.getKey(), false, null))
              .as(write.getKey())
              .isEqualTo(write.getValue());
        }
      }
    }
    Map<String, String> after = new HashMap<>();
    podsOf("my-ensemble")
        .forEach(p -> after.put(p.getMetadata().getName(), p.getMetadata().getUid()));
    assertThat(after).as("the first three servers were never restarted").isEqualTo(uids);
    assertThat(members(ensemble())).hasSize(3);
  }

  /** The voting servers in the ensemble's committed configuration, as a client reads it. */
  private static int voters(String connect) {
    try (ZooKeeper zk = connectZooKeeper(connect)) {
      zk.sync("/zookeeper/config", (rc, path, ctx) -> {}, null);
      String config = new String(zk.getConfig(false, null), StandardCharsets.UTF_8);
      return (int)
          config.lines().filter(l -> l.startsWith("server.") && !l.contains(":observer")).count();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  @Order(8)
  void deletedBrokerPodComesBackWithItsRecords() throws Exception {
    List<String> sent = produce("orders", "before-restart-", 30);
    String before = podUid("my-brokers");
    client
        .pods()
        .inNamespace(NS)
        .withName(podsOf("my-brokers").get(0).getMetadata().getName())
        .delete();
    await()
        .atMost(READY)
        .until(() -> !podUid("my-brokers").equals(before) && podReady("my-brokers"));
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(() -> assertThat(consumeAll("orders")).containsAll(sent));
  }

  /**
   * The example cache persists by default (append-only file on its volume): a new pod has it all.
   */
  @Test
  @Order(8)
  void deletedCachePodComesBackWithItsKeys() {
    Map<String, String> written = new HashMap<>();
    try (Jedis jedis = new Jedis(podIps("my-cache").get(0), 6379)) {
      jedis.auth("change-me");
      for (int i = 0; i < 200; i++) {
        jedis.set("persisted:" + i, "value-" + i);
        written.put("persisted:" + i, "value-" + i);
      }
      jedis.hset("persisted:hash", Map.of("a", "1", "b", "2"));
      jedis.rpush("persisted:list", "x", "y", "z");
      jedis.setex("persisted:ttl", 3600, "expires later");
    }
    String before = podUid("my-cache");
    client
        .pods()
        .inNamespace(NS)
        .withName(podsOf("my-cache").get(0).getMetadata().getName())
        .delete();
    await().atMost(READY).until(() -> !podUid("my-cache").equals(before) && podReady("my-cache"));
    try (Jedis jedis = new Jedis(podIps("my-cache").get(0), 6379)) {
      jedis.auth("change-me");
      written.forEach((k, v) -> assertThat(jedis.get(k)).as(k).isEqualTo(v));
      assertThat(jedis.hgetAll("persisted:hash")).isEqualTo(Map.of("a", "1", "b", "2"));
      assertThat(jedis.lrange("persisted:list", 0, -1)).containsExactly("x", "y", "z");
      assertThat(jedis.ttl("persisted:ttl")).isBetween(3000L, 3600L);
    }
  }

  @Test
  @Order(9)
  void deletingTheCacheClusterStopsItsProcessAndRemovesItsObjects() {
    String ip = podIps("my-cache").get(0);
    ResourceDefinitionContext kind = CairnResources.kind(client, "CacheCluster");
    client.genericKubernetesResources(kind).inNamespace(NS).withName("my-cache").delete();
    await().atMost(Duration.ofMinutes(1)).until(() -> podsOf("my-cache").isEmpty());
    await().atMost(Duration.ofMinutes(1)).until(() -> !listening(ip, 6379));
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() ->
            client
                .apps()
                .statefulSets()
                .inNamespace(NS)
                .withLabel("app.kubernetes.io/instance", "my-cache")
                .list()
                .getItems()
                .isEmpty());
  }

  private ZooKeeper connectZooKeeper() throws Exception {
    return connectZooKeeper(
        String.join(",", podIps("my-ensemble").stream().map(ip -> ip + ":2181").toList()));
  }

  private static ZooKeeper connectZooKeeper(String connect) throws Exception {
    CompletableFuture<Void> connected = new CompletableFuture<>();
    ZooKeeper zk =
        new ZooKeeper(
            connect,
            10_000,
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.complete(null);
              }
            });
    connected.get(20, TimeUnit.SECONDS);
    return zk;
  }

  private String bootstrap() {
    return String.join(",", podIps("my-brokers").stream().map(ip -> ip + ":9092").toList());
  }

  private List<String> produce(String topic, String prefix, int count) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    List<String> sent = new ArrayList<>();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < count; i++) {
        String value = prefix + i + "-" + System.nanoTime();
        RecordMetadata meta =
            producer
                .send(new ProducerRecord<>(topic, Integer.toString(i), value))
                .get(30, TimeUnit.SECONDS);
        assertThat(meta.offset()).isNotNegative();
        sent.add(value);
      }
    }
    return sent;
  }

  private List<String> consumeAll(String topic) {
    return PlatformScenario.consumeValues(bootstrap(), topic, Duration.ofSeconds(30));
  }

  private static Map<String, Object> configOf(Map<String, Object> spec) {
    return PlatformScenario.configOf(spec);
  }

  private void editSpec(
      String kind, String name, java.util.function.Consumer<Map<String, Object>> edit) {
    PlatformScenario.editSpec(client, kind, NS, name, edit);
  }

  private List<Pod> podsOf(String instance) {
    return client
        .pods()
        .inNamespace(NS)
        .withLabel("app.kubernetes.io/instance", instance)
        .list()
        .getItems();
  }

  private List<String> podIps(String instance) {
    await()
        .atMost(READY)
        .until(() ->
            !podsOf(instance).isEmpty()
                && podsOf(instance).stream()
                    .allMatch(p -> p.getStatus() != null && p.getStatus().getPodIP() != null));
    return podsOf(instance).stream().map(p -> p.getStatus().getPodIP()).toList();
  }

  private String podUid(String instance) {
    List<Pod> pods = podsOf(instance);
    return pods.isEmpty() ? "" : pods.get(0).getMetadata().getUid();
  }

  private boolean podReady(String instance) {
    List<Pod> pods = podsOf(instance);
    return !pods.isEmpty()
        && pods.stream()
            .allMatch(p ->
                p.getStatus() != null
                    && p.getStatus().getConditions() != null
                    && p.getStatus().getConditions().stream()
                        .anyMatch(
                            c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())));
  }

  private static boolean listening(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
