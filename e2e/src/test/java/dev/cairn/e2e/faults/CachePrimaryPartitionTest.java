package dev.cairn.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.common.faults.EngineProcess;
import dev.cairn.common.faults.FaultHarness;
import dev.cairn.e2e.up.AckedWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisSentinelPool;

/**
 * Cairn's replication and Sentinel under a partition, in real processes: a primary, two replicas
 * and three sentinels, each on its own address; a writer acknowledges each write with {@code WAIT
 * 1}, each on a connection to the primary a JedisSentinelPool's sentinels name. The primary is cut
 * off from the sentinels and its replicas (not from the writer, which keeps writing to it until the
 * sentinels tell it otherwise): a replica is promoted, the pool moves to it; healed, the old
 * primary rejoins as a replica of the new one; no acknowledged write is lost.
 */
class CachePrimaryPartitionTest {
  private static final String NAME = "harnessed";
  private static final JedisClientConfig CLIENT =
      DefaultJedisClientConfig.builder().timeoutMillis(2000).build();
  private static final Duration AWAIT = Duration.ofSeconds(45);

  @RegisterExtension final FaultHarness faults = new FaultHarness();

  @Test
  void aPrimaryCutOffIsReplacedAndRejoinsAsAReplicaWithNoAcknowledgedWriteLost() throws Exception {
    List<EngineProcess> servers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      servers.add(faults.process("cache-" + i));
    }
    InetSocketAddress primary = start(servers.get(0));
    for (EngineProcess replica : servers.subList(1, 3)) {
      start(replica, "--replicaof", primary.getHostString(), Integer.toString(Engines.CACHE_PORT));
    }
    List<EngineProcess> sentinels = new ArrayList<>();
    Set<HostAndPort> sentinelAddresses = new java.util.HashSet<>();
    for (int i = 0; i < 3; i++) {
      EngineProcess s = faults.process("sentinel-" + i);
      InetSocketAddress a = Engines.startSentinel(s, NAME, primary);
      sentinels.add(s);
      sentinelAddresses.add(new HostAndPort(a.getHostString(), a.getPort()));
    }
    // Every sentinel must know both replicas and the other sentinels before the cut.
    for (HostAndPort s : sentinelAddresses) {
      try (Jedis sentinel = new Jedis(s, CLIENT)) {
        await()
            .atMost(AWAIT)
            .ignoreExceptions()
            .until(() ->
                sentinel.sentinelReplicas(NAME).size() == 2
                    && sentinel.sentinelSentinels(NAME).size() == 2);
      }
    }

    try (JedisSentinelPool pool = new JedisSentinelPool(NAME, sentinelAddresses, CLIENT, CLIENT);
        AckedWriter writer = AckedWriter.toSentinelsPrimary("k", pool, CLIENT)) {
      await().atMost(AWAIT).until(() -> writer.acked() >= 200);

      List<InetAddress> others =
          servers.subList(1, 3).stream().map(EngineProcess::address).collect(Collectors.toList());
      sentinels.forEach(s -> others.add(s.address()));
      faults.partition(List.of(servers.get(0).address()), others);
      long cut = System.nanoTime();
      await()
          .atMost(AWAIT)
          .ignoreExceptions()
          .until(() -> !pool.getCurrentHostMaster().getHost().equals(primary.getHostString()));
      HostAndPort promoted = pool.getCurrentHostMaster();
      int before = writer.acked();
      await()
          .atMost(AWAIT)
          .untilAsserted(() ->
              assertThat(writer.acked())
                  .as(() ->
                      "acknowledged through "
                          + promoted
                          + "; failed "
                          + writer.failed()
                          + ", last: "
                          + writer.lastFailure()
                          + "; "
                          + info(promoted))
                  .isGreaterThanOrEqualTo(before + 200));
      long failover = Duration.ofNanos(System.nanoTime() - cut).toMillis();

      faults.heal();
      HostAndPort old = new HostAndPort(primary.getHostString(), primary.getPort());
      // A new connection each time: the old primary closes its clients when it is demoted.
      await()
          .atMost(AWAIT)
          .ignoreExceptions()
          .until(() -> {
            List<Object> role = role(old);
            return role.get(0).equals("slave")
                && role.get(1).equals(promoted.getHost())
                && role.get(3).equals("connected");
          });
      writer.close();
      long offset = Long.parseLong(role(promoted).get(1).toString());
      await()
          .atMost(AWAIT)
          .ignoreExceptions()
          .until(() -> offset <= Long.parseLong(role(old).get(4).toString()));
      try (Jedis now = new Jedis(promoted, CLIENT);
          Jedis rejoined = new Jedis(old, CLIENT)) {
        assertThat(writer.missingFrom(now))
            .as("WAIT-acknowledged keys lost of %d", writer.acked())
            .isEmpty();
        assertThat(writer.missingFrom(rejoined)).as("on the old primary, rejoined").isEmpty();
      }
      System.out.printf(
          "faults: primary cut off: %d writes acknowledged, %d failed, %d ms until the pool wrote"
              + " 200 more through the new primary%n",
          writer.acked(), writer.failed(), failover);
    }
  }

  private static List<Object> role(HostAndPort server) {
    try (Jedis jedis = new Jedis(server, CLIENT)) {
      return jedis.role();
    }
  }

  private static String info(HostAndPort server) {
    try (Jedis jedis = new Jedis(server, CLIENT)) {
      return jedis.info("replication").replace("\r\n", " ");
    } catch (RuntimeException e) {
      return e.toString();
    }
  }

  /** A cache that connects to its primary from its own address, so partitions cut it off. */
  private static InetSocketAddress start(EngineProcess server, String... flags) {
    List<String> all =
        new ArrayList<>(List.of("--bind-source-addr", server.address().getHostAddress()));
    all.addAll(List.of(flags));
    return Engines.startCache(server, all.toArray(String[]::new));
  }
}
