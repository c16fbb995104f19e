package dev.cairn.e2e.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;

/**
 * A replicated CacheCluster (examples/replicated/) in the local cluster: a writer acknowledges each
 * write with WAIT 1 through the primary, the primary's pod is deleted under that load, the
 * sentinels promote a replica, the operator moves the {@code cairn.dev/role=primary} label and with
 * it the client Service, and every WAIT-acknowledged write is on the new primary.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicatedCacheEndToEndTest {
  private static final String NAME = "my-replicated-cache";

  private ReplicatedCache cache;

  @BeforeAll
  void start() throws Exception {
    cache = ReplicatedCache.start("cache-replicated.yaml", NAME);
  }

  @AfterAll
  void stop() {
    if (cache != null) {
      cache.close();
    }
  }

  @Test
  void deletedPrimaryIsFailedOverAndNoWaitAcknowledgedWriteIsLost() throws Exception {
    Pod primary = cache.primaryPod();
    assertThat(cache.status().get("primary")).isEqualTo(primary.getMetadata().getName());
    // The client Service's name resolves to the ready pods the role label selects, once the local
    // cluster's DNS (its hosts file) has caught up with the label: not necessarily yet at Ready.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() ->
            assertThat(cache.serviceAddresses(NAME))
                .containsExactly(primary.getStatus().getPodIP()));

    Set<String> acked = ConcurrentHashMap.newKeySet();
    AtomicBoolean writing = new AtomicBoolean(true);
    String ip = primary.getStatus().getPodIP();
    Thread writer =
        new Thread(() -> {
          int i = 0;
          try (Jedis jedis = new Jedis(ip, 6379, 2000)) {
            while (writing.get()) {
              String key = "k" + i++;
              jedis.set(key, "v");
              if (jedis.waitReplicas(1, 1000) >= 1) {
                acked.add(key);
              }
            }
          } catch (RuntimeException e) {
            // the primary went away: what was acknowledged until then is what must survive
          }
        });
    writer.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> acked.size() >= 100);

    Pod promoted = cache.deleteAndAwaitAnotherPrimary(primary);
    writing.set(false);
    writer.join(5000);

    String newIp = promoted.getStatus().getPodIP();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> {
          assertThat(cache.status().get("primary")).isEqualTo(promoted.getMetadata().getName());
          assertThat(cache.status().get("lastFailover")).isNotNull();
          assertThat(cache.serviceAddresses(NAME)).containsExactly(newIp);
        });
    try (Jedis jedis = new Jedis(newIp, 6379, 5000)) {
      assertThat(jedis.info("replication")).contains("role:master");
      List<String> missing = acked.stream().filter(k -> !jedis.exists(k)).toList();
      assertThat(missing).as("WAIT-acknowledged keys lost of %d", acked.size()).isEmpty();
    }
  }
}
