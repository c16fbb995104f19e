package dev.cairn.e2e.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A replicated CacheCluster with a password (examples/replicated/cache-replicated-auth.yaml) in the
 * local cluster, used by a JedisSentinelPool with the password as applications do: the servers
 * require it and replicate with it, the sentinels monitor and fail over with it, the operator
 * probes with it, the client Service follows the primary through a failover; then the same cluster
 * rolled to a new image and config under load.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicatedCacheAuthEndToEndTest {
  private static final String PASSWORD = "change-me-too";
  private static final JedisClientConfig SERVERS =
      DefaultJedisClientConfig.builder().password(PASSWORD).timeoutMillis(2000).build();
  private static final JedisClientConfig SENTINELS =
      DefaultJedisClientConfig.builder().timeoutMillis(2000).build();

  private ReplicatedCache cache;
  private LocalPlatform platform;

  @BeforeAll
  void start() throws Exception {
    cache = ReplicatedCache.start("cache-replicated-auth.yaml", "my-secure-cache");
    platform = cache.platform();
  }

  @AfterAll
  void stop() {
    if (cache != null) {
      cache.close();
    }
  }

  @Test
  @Order(1)
  void deletedPrimaryFailsOverAndTheSentinelPoolReadsBackEveryAcknowledgedWrite() throws Exception {
    Pod primary = cache.primaryPod();
    String primaryIp = primary.getStatus().getPodIP();
    assertThat(cache.status().get("primary")).isEqualTo(primary.getMetadata().getName());
    // The client Service's name resolves to the ready pods the role label selects, once the local
    // cluster's DNS (its hosts file) has caught up with the label: not necessarily yet at Ready.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(cache.serviceAddresses(cache.name)).containsExactly(primaryIp));
    try (Jedis anonymous = new Jedis(primaryIp, 6379, 2000)) {
      assertThat(catchThrowable(() -> anonymous.set("x", "y")))
          .isInstanceOf(JedisDataException.class)
          .hasMessageContaining("NOAUTH");
    }
    // The operator authenticated its INFO: the status lists both replicas online.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() ->
            assertThat(cache.replicas())
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.get("state")).isEqualTo("online")));

    // The pool writes through the deletion: the pod comes back at once at the same address, as a
    // replica of no one (read-only) until the sentinels have promoted a replica; the pool moves
    // to that one at +switch-master.
    try (JedisSentinelPool pool =
            new JedisSentinelPool(cache.name, cache.sentinels(), SERVERS, SENTINELS);
        AckedWriter writer = AckedWriter.throughSentinels("k", pool)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> writer.acked() >= 100);
      Pod promoted = cache.deleteAndAwaitAnotherPrimary(primary);
      int before = writer.acked();
      await().atMost(Duration.ofSeconds(30)).until(() -> writer.acked() >= before + 100);
      writer.close();
      String promotedIp = promoted.getStatus().getPodIP();
      assertThat(pool.getCurrentHostMaster().getHost()).isEqualTo(promotedIp);
      // The operator moves the role label, and with it the client Service, to the new primary.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> {
            assertThat(cache.status().get("primary")).isEqualTo(promoted.getMetadata().getName());
            assertThat(cache.status().get("lastFailover")).isNotNull();
            assertThat(cache.serviceAddresses(cache.name)).containsExactly(promotedIp);
          });
      try (Jedis jedis = pool.getResource()) {
        assertThat(jedis.info("replication")).contains("role:master");
        assertThat(writer.missingFrom(jedis))
            .as("WAIT-acknowledged keys lost of %d", writer.acked())
            .isEmpty();
      }
      System.out.printf(
          "e2e: failover with auth: %d writes acknowledged, %d failed%n",
          writer.acked(), writer.failed());
    }
  }

  /**
   * A new image tag and a config value under the same write load: the replicas restart first, the
   * primary is handed over by a planned failover before its pod restarts, then the sentinels
   * restart one at a time; no acknowledged write is lost.
   */
  @Test
  @Order(2)
  void rollingRestartHandsThePrimaryOverAndLosesNoAcknowledgedWrite() throws Exception {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> {
          assertThat(cache.condition("Ready")).isEqualTo("True");
          assertThat(cache.replicas())
              .hasSize(2)
              .allSatisfy(r -> assertThat(r.get("state")).isEqualTo("online"));
        });
    String primaryBefore = cache.primaryPod().getMetadata().getName();
    long started = System.nanoTime();
    try (JedisSentinelPool pool =
            new JedisSentinelPool(cache.name, cache.sentinels(), SERVERS, SENTINELS);
        AckedWriter writer = AckedWriter.throughSentinels("roll-", pool)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> writer.acked() >= 100);

      GenericKubernetesResource resource = cache.resource();
      @SuppressWarnings("unchecked")
      Map<String, Object> spec =
          (Map<String, Object>) resource.getAdditionalProperties().get("spec");
      spec.put("image", "cairn/cache:e2e-roll");
      spec.put("config", Map.of("hz", "20"));
      platform.client().resource(resource).update();

      await()
          .atMost(Duration.ofSeconds(240))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(() -> {
            assertThat(cache.podsOutdated()).isEmpty();
            assertThat(cache.condition("Ready")).isEqualTo("True");
          });
      int before = writer.acked();
      await().atMost(Duration.ofSeconds(30)).until(() -> writer.acked() >= before + 100);
      writer.close();

      Pod primary = cache.primaryPod();
      assertThat(primary.getMetadata().getName()).isNotEqualTo(primaryBefore);
      assertThat(Files.readString(cache.home.resolve("logs/operator.log")))
          .contains("planned failover away from " + primaryBefore);
      try (Jedis jedis = new Jedis(primary.getStatus().getPodIP(), 6379, SERVERS)) {
        assertThat(jedis.configGet("hz")).containsEntry("hz", "20");
        assertThat(writer.missingFrom(jedis))
            .as("WAIT-acknowledged keys lost of %d", writer.acked())
            .isEmpty();
      }
      System.out.printf(
          "e2e: rolling restart in %d s: %d writes acknowledged, %d failed%n",
          Duration.ofNanos(System.nanoTime() - started).toSeconds(),
          writer.acked(),
          writer.failed());
    }
  }
}
