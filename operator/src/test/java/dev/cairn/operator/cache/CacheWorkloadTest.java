package dev.cairn.operator.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheWorkloadTest {
  static CacheCluster cache() {
    CacheCluster c = new CacheCluster();
    c.setMetadata(new ObjectMetaBuilder().withName("redis").withNamespace("ns").build());
    c.getSpec().maxmemory = "256mb";
    c.getSpec().maxmemoryPolicy = "allkeys-lru";
    return c;
  }

  @Test
  void redisConfCarriesMemorySettingsAndUserKeys() {
    CacheCluster c = cache();
    c.getSpec().config = Map.of("hz", "20");
    String conf = new CacheConfigMap().desired(c, null).getData().get("redis.conf");
    assertThat(conf)
        .contains("port 6379\n")
        .contains("maxmemory 256mb\n")
        .contains("maxmemory-policy allkeys-lru\n")
        .contains("admin-port 9121\n")
        .contains("hz 20\n");
  }

  @Test
  void persistenceDefaultsToTheAppendOnlyFileAndFollowsTheSpec() {
    CacheCluster c = cache();
    assertThat(new CacheConfigMap().desired(c, null).getData().get("redis.conf"))
        .contains("appendonly yes\n", "appendfsync everysec\n", "save \"\"\n");
    c.getSpec().persistence.aof = false;
    c.getSpec().persistence.aofFsync = "always";
    c.getSpec().persistence.rdbSave = List.of("3600 1", "300 100");
    assertThat(new CacheConfigMap().desired(c, null).getData().get("redis.conf"))
        .contains("appendonly no\n", "appendfsync always\n", "save 3600 1 300 100\n");
  }

  @Test
  void persistenceKeysInConfigAreRejectedInFavourOfTheSpec() {
    CacheCluster c = cache();
    c.getSpec().config = Map.of("appendonly", "no");
    assertThatThrownBy(c::workload).hasMessageContaining("spec.persistence.aof");
    c.getSpec().config = Map.of("save", "60 1");
    assertThatThrownBy(c::workload).hasMessageContaining("spec.persistence.rdbSave");
  }

  @Test
  void passwordComesFromTheSecretNeverTheConfigMap() {
    CacheCluster c = cache();
    c.getSpec().auth = new CacheAuth();
    c.getSpec().auth.passwordSecretRef = new SecretKeySelector("password", "redis-auth", false);
    Container ctr =
        new CacheStatefulSet()
            .desired(c, null)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(ctr.getArgs())
        .containsExactly("/etc/cairn/redis.conf", "--requirepass", "$(CAIRN_PASSWORD)");
    assertThat(ctr.getEnv())
        .anyMatch(e ->
            e.getName().equals("CAIRN_PASSWORD")
                && e.getValueFrom().getSecretKeyRef().getName().equals("redis-auth"));
    assertThat(new CacheConfigMap().desired(c, null).getData().get("redis.conf"))
        .doesNotContain("requirepass");
  }

  @Test
  void requirepassInConfigIsRejected() {
    CacheCluster c = cache();
    c.getSpec().config = Map.of("requirepass", "secret");
    assertThatThrownBy(c::workload).hasMessageContaining("use spec.auth.passwordSecretRef");
  }

  @Test
  void replicatedRunsThreeServersFromTheirPodIpAndSentinelsOnAWritableSeededConfig() {
    CacheCluster c = cache();
    c.getSpec().mode = CacheMode.REPLICATED;
    var servers = new CacheStatefulSet().desired(c, null);
    assertThat(servers.getSpec().getReplicas()).isEqualTo(3);
    assertThat(servers.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .containsExactly(
            "/etc/cairn/redis.conf",
            "--bind-source-addr",
            "$(POD_IP)",
            "--replicaof",
            "127.0.0.1",
            "1");

    var sentinels = CacheSentinels.statefulSet(c);
    assertThat(sentinels.getMetadata().getName()).isEqualTo("redis-sentinel");
    assertThat(sentinels.getSpec().getReplicas()).isEqualTo(3);
    assertThat(sentinels.getSpec().getSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/component", "sentinel")
        .isEqualTo(
            sentinels.getSpec().getTemplate().getMetadata().getLabels().entrySet().stream()
                .filter(
                    e -> sentinels.getSpec().getSelector().getMatchLabels().containsKey(e.getKey()))
                .collect(
                    java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    assertThat(sentinels.getSpec().getVolumeClaimTemplates()).isEmpty();
    Container sentinel = sentinels.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(sentinel.getArgs())
        .containsExactly(
            "--sentinel",
            "/var/lib/cairn/sentinel.conf",
            "--seed-config",
            "/etc/cairn/sentinel.conf");
    assertThat(sentinel.getVolumeMounts())
        .anyMatch(m -> m.getMountPath().equals("/var/lib/cairn") && !m.getReadOnly());
    assertThat(new CacheConfigMap().desired(c, null).getData().get("sentinel.conf"))
        .contains("port 26379\n", "admin-port 9121\n")
        .doesNotContain("monitor");
  }

  @Test
  void replicatedWithAuthFollowsItsPrimaryWithThePassword() {
    CacheCluster c = cache();
    c.getSpec().mode = CacheMode.REPLICATED;
    c.getSpec().auth = new CacheAuth();
    c.getSpec().auth.passwordSecretRef = new SecretKeySelector("password", "redis-auth", false);
    var servers = new CacheStatefulSet().desired(c, null);
    assertThat(servers.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .endsWith("--requirepass", "$(CAIRN_PASSWORD)", "--masterauth", "$(CAIRN_PASSWORD)");
    // The sentinels get the master's auth-pass from the operator, not from their pod.
    assertThat(CacheSentinels.statefulSet(c).getSpec().getTemplate().getSpec().getContainers())
        .allSatisfy(
            ctr -> assertThat(ctr.getEnv()).noneMatch(e -> e.getName().equals("CAIRN_PASSWORD")));
  }

  @Test
  void standaloneKeepsOneServerWithoutReplicationArguments() {
    CacheCluster c = cache();
    var servers = new CacheStatefulSet().desired(c, null);
    assertThat(servers.getSpec().getReplicas()).isEqualTo(1);
    assertThat(servers.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .containsExactly("/etc/cairn/redis.conf");
    assertThat(new CacheConfigMap().desired(c, null).getData()).doesNotContainKey("sentinel.conf");
  }

  @Test
  void replicatedNeedsAtLeastOneReplicaAndAQuorumItsSentinelsCanReach() {
    CacheCluster c = cache();
    c.getSpec().mode = CacheMode.REPLICATED;
    c.getSpec().replicas = 1;
    assertThatThrownBy(c::workload).hasMessageContaining("at least 2 replicas");
    c.getSpec().replicas = 2;
    c.getSpec().sentinel = new CacheSentinel();
    c.getSpec().sentinel.quorum = 4;
    assertThatThrownBy(c::workload).hasMessageContaining("sentinel.quorum (4)");
  }
}
