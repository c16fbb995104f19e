package dev.cairn.operator.cache;

import static dev.cairn.operator.testing.Await.await;
import static dev.cairn.operator.testing.Await.condition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.operator.common.ManagedResources;
import dev.cairn.operator.testing.LocalOperator;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A CacheCluster waits for its password Secret; an invalid redis.conf key applies nothing. */
@EnableKubernetesMockClient(crud = true)
class CacheClusterLifecycleTest {
  static KubernetesClient client;
  static LocalOperator operator;

  @BeforeAll
  static void start() {
    operator =
        LocalOperator.start(
            client,
            new CacheReconciler(
                new ManagedResources(new SimpleMeterRegistry()),
                Duration.ofMillis(200),
                Clock.systemUTC(),
                // the simulated pods' IPs lead nowhere: do not wait on them
                new CacheReplication(6379, 26379, Duration.ofMillis(50)),
                new CachePasswordRotation(6379, 26379, Duration.ofMillis(50))));
  }

  @AfterAll
  static void stop() {
    operator.close();
  }

  static CacheCluster cache(String ns) {
    CacheCluster c = new CacheCluster();
    c.setMetadata(new ObjectMetaBuilder().withName("redis").withNamespace(ns).build());
    c.getSpec().maxmemory = "64mb";
    return c;
  }

  @Test
  void waitsForThePasswordSecretThenRunsWithIt() {
    CacheCluster c = cache("auth");
    c.getSpec().auth = new CacheAuth();
    c.getSpec().auth.passwordSecretRef = new SecretKeySelector("password", "redis-auth", false);
    client.resource(c).create();
    await()
        .untilAsserted(() ->
            assertThat(condition(client, CacheCluster.class, "auth", "redis", "Ready"))
                .isNotNull()
                .satisfies(cond -> assertThat(cond.getReason()).isEqualTo("SecretNotFound")));
    assertThat(client.apps().statefulSets().inNamespace("auth").list().getItems()).isEmpty();

    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("redis-auth")
                .withNamespace("auth")
                .endMetadata()
                .withStringData(Map.of("password", "s3cret"))
                .build())
        .create();
    await()
        .untilAsserted(() -> {
          CacheCluster now =
              client.resources(CacheCluster.class).inNamespace("auth").withName("redis").get();
          assertThat(now.getStatus().isReady()).isTrue();
          assertThat(now.getStatus().endpoints).isEqualTo("redis.auth.svc:6379");
        });
    Container engine =
        client
            .apps()
            .statefulSets()
            .inNamespace("auth")
            .withName("redis")
            .get()
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(engine.getArgs()).contains("--requirepass", "$(CAIRN_PASSWORD)");
    assertThat(
            client
                .configMaps()
                .inNamespace("auth")
                .withName("redis-config")
                .get()
                .getData()
                .get("redis.conf"))
        .contains("maxmemory 64mb")
        .doesNotContain("s3cret");
    assertThat(CachePassword.held(c, client)).containsExactly("s3cret");

    // Rotated: the running servers (here unreachable) must be moved to it before it counts as
    // theirs; until then the operator keeps the old one to reach them with.
    client
        .secrets()
        .inNamespace("auth")
        .withName("redis-auth")
        .edit(s ->
            new SecretBuilder(s)
                .withStringData(null)
                .withData(Map.of("password", Base64.getEncoder().encodeToString("n3w".getBytes())))
                .build());
    await()
        .untilAsserted(() ->
            assertThat(condition(client, CacheCluster.class, "auth", "redis", "Ready"))
                .isNotNull()
                .satisfies(cond -> assertThat(cond.getReason()).isEqualTo("PasswordRotation")));
    assertThat(CachePassword.held(c, client)).containsExactly("s3cret", "n3w");
  }

  @Test
  void reservedRedisConfKeyIsRejectedAndNothingIsApplied() {
    CacheCluster c = cache("bad");
    c.getSpec().config = Map.of("port", "7000");
    client.resource(c).create();
    await()
        .untilAsserted(() ->
            assertThat(condition(client, CacheCluster.class, "bad", "redis", "Degraded"))
                .isNotNull()
                .satisfies(cond -> {
                  assertThat(cond.getReason()).isEqualTo("InvalidSpec");
                  assertThat(cond.getMessage()).contains("'port' is set by the operator");
                }));
    assertThat(client.apps().statefulSets().inNamespace("bad").list().getItems()).isEmpty();
    assertThat(client.configMaps().inNamespace("bad").list().getItems()).isEmpty();
  }

  @Test
  void keyTheCacheEngineRefusesIsRejectedAndNothingIsApplied() {
    CacheCluster c = cache("aof");
    // The cache engine has no cluster mode: a pod would crash-loop on it.
    c.getSpec().config = Map.of("cluster-enabled", "yes");
    client.resource(c).create();
    await()
        .untilAsserted(() ->
            assertThat(condition(client, CacheCluster.class, "aof", "redis", "Degraded"))
                .isNotNull()
                .satisfies(cond -> {
                  assertThat(cond.getReason()).isEqualTo("InvalidSpec");
                  assertThat(cond.getMessage())
                      .contains("redis.conf key 'cluster-enabled' is not supported");
                }));
    assertThat(client.apps().statefulSets().inNamespace("aof").list().getItems()).isEmpty();
    assertThat(client.configMaps().inNamespace("aof").list().getItems()).isEmpty();
    assertThat(client.services().inNamespace("aof").list().getItems()).isEmpty();
  }

  @Test
  void replicatedRunsServersAndSentinelsWithTheirServicesAndWaitsForAPrimary() {
    CacheCluster c = cache("repl");
    c.getSpec().mode = CacheMode.REPLICATED;
    client.resource(c).create();
    await()
        .untilAsserted(() -> {
          assertThat(client.apps().statefulSets().inNamespace("repl").withName("redis").get())
              .isNotNull()
              .satisfies(sts -> assertThat(sts.getSpec().getReplicas()).isEqualTo(3));
          assertThat(
                  client.apps().statefulSets().inNamespace("repl").withName("redis-sentinel").get())
              .isNotNull()
              .satisfies(sts -> assertThat(sts.getSpec().getReplicas()).isEqualTo(3));
        });
    await()
        .untilAsserted(() -> {
          assertThat(client.services().inNamespace("repl").withName("redis").get())
              .satisfies(s ->
                  assertThat(s.getSpec().getSelector())
                      .containsEntry(CacheSentinels.ROLE, CacheSentinels.PRIMARY));
          assertThat(client.services().inNamespace("repl").withName("redis-replicas").get())
              .satisfies(s ->
                  assertThat(s.getSpec().getSelector())
                      .containsEntry(CacheSentinels.ROLE, CacheSentinels.REPLICA));
          assertThat(client.services().inNamespace("repl").withName("redis-sentinel").get())
              .satisfies(s -> assertThat(s.getSpec().getPorts().get(0).getPort()).isEqualTo(26379));
        });
    assertThat(client.configMaps().inNamespace("repl").withName("redis-config").get().getData())
        .containsKey("sentinel.conf");
    // The simulated pods run no engines, so no sentinel names a primary: never Ready.
    await()
        .untilAsserted(() ->
            assertThat(condition(client, CacheCluster.class, "repl", "redis", "Ready"))
                .isNotNull()
                .satisfies(cond -> assertThat(cond.getReason()).isEqualTo("WaitingForPrimary")));

    // Back to standalone: the sentinels and the replicas' Service go, one server stays.
    CacheCluster now =
        client.resources(CacheCluster.class).inNamespace("repl").withName("redis").get();
    now.getSpec().mode = CacheMode.STANDALONE;
    client.resource(now).update();
    await()
        .untilAsserted(() -> {
          assertThat(
                  client.apps().statefulSets().inNamespace("repl").withName("redis-sentinel").get())
              .isNull();
          assertThat(client.services().inNamespace("repl").withName("redis-replicas").get())
              .isNull();
          assertThat(
                  client
                      .apps()
                      .statefulSets()
                      .inNamespace("repl")
                      .withName("redis")
                      .get()
                      .getSpec()
                      .getReplicas())
              .isEqualTo(1);
        });
  }
}
