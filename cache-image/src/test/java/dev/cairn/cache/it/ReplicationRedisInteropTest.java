package dev.cairn.cache.it;

import static dev.cairn.cache.it.ReplicationChecks.caughtUp;
import static dev.cairn.cache.it.ReplicationChecks.client;
import static dev.cairn.cache.it.ReplicationChecks.field;
import static dev.cairn.cache.it.ReplicationChecks.info;
import static dev.cairn.cache.it.ReplicationChecks.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.aof.CacheProcesses;
import dev.cairn.common.faults.EngineProcess;
import dev.cairn.common.faults.FaultHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ClientKillParams;

/**
 * Replication between Debian's redis-server 7.0 and Cairn in both directions, and between two
 * Cairns: a full resync of the interoperability dataset (every type and encoding, several
 * databases, expiries), then writes of every type streamed, then the link cut and a partial
 * resynchronisation; the datasets are compared key by key each time the replica has caught up with
 * the primary's offset. WAIT counts the replica's acknowledgements; the replica refuses writes.
 */
class ReplicationRedisInteropTest {
  @TempDir Path dir;

  @RegisterExtension final FaultHarness faults = new FaultHarness();

  @Test
  void cairnReplicaKilledWithSigkillContinuesWithAPartialResyncFromItsRdbFile() throws Exception {
    CacheEngine primary = cairn(Map.of("repl-backlog-size", "16mb"));
    EngineProcess replica = faults.process("cache-replica");
    try (Jedis p = client(primary)) {
      InteropDataset.populate(p);
      CacheProcesses.start(replica, "--replicaof", "127.0.0.1", Integer.toString(port(primary)));
      try (Jedis r = CacheProcesses.client(replica)) {
        caughtUp(p, r);
        assertThat(r.save()).isEqualTo("OK");
        writesOfEveryType(p, "a");
        caughtUp(p, r);
      }
      replica.kill();
      writesOfEveryType(p, "b");
      replica.restart();
      try (Jedis r = CacheProcesses.client(replica)) {
        caughtUp(p, r);
        InteropDataset.assertSameData(p, r, true);
      }
      assertThat(field(p.info("stats"), "sync_full")).isEqualTo("1");
      assertThat(field(p.info("stats"), "sync_partial_ok")).isEqualTo("1");
    } finally {
      primary.stop(Duration.ZERO);
    }
  }

  @Test
  void redisReplicatesFromCairnFullThenPartial() throws Exception {
    CacheEngine cairn = cairn(Map.of());
    try (Jedis c = client(cairn)) {
      InteropDataset.populate(c);
      try (RedisProcess redis =
              RedisProcess.start(dir, "--replicaof", "127.0.0.1", Integer.toString(port(cairn)));
          Jedis r = redis.client()) {
        caughtUp(c, r);
        InteropDataset.assertSameData(c, r, true);

        writesOfEveryType(c, "a");
        caughtUp(c, r);
        InteropDataset.assertSameData(c, r, true);

        c.set("acked", "1");
        assertThat(c.waitReplicas(1, 5000)).isEqualTo(1);
        assertThat(c.role().get(0)).isEqualTo("master");
        assertThat(info(c, "connected_slaves")).isEqualTo("1");
        assertThat(info(c, "slave0")).contains("port=" + redis.port(), "state=online");
        assertThat(info(r, "master_replid")).isEqualTo(info(c, "master_replid"));

        r.clientKill(new ClientKillParams().type(ClientType.MASTER));
        writesOfEveryType(c, "b");
        caughtUp(c, r);
        InteropDataset.assertSameData(c, r, true);
        assertThat(Files.readString(dir.resolve("redis-" + redis.port() + ".log")))
            .contains("Master accepted a Partial Resynchronization");
        assertThat(field(c.info("stats"), "sync_partial_ok")).isEqualTo("1");
        assertThat(field(c.info("stats"), "sync_full")).isEqualTo("1");

        // the primary's side: TYPE replica closes the replica's connection and nothing else
        assertThat(c.clientKill(new ClientKillParams().type(ClientType.REPLICA))).isEqualTo(1);
        assertThat(c.ping()).isEqualTo("PONG");
        writesOfEveryType(c, "c");
        caughtUp(c, r);
        InteropDataset.assertSameData(c, r, true);
        assertThat(field(c.info("stats"), "sync_partial_ok")).isEqualTo("2");
      }
    } finally {
      cairn.stop(Duration.ZERO);
    }
  }

  @Test
  void cairnReplicatesFromRedisFullThenPartialThenIsPromoted() throws Exception {
    try (RedisProcess redis = RedisProcess.start(dir, "--repl-diskless-sync-delay", "0");
        Jedis r = redis.client()) {
      InteropDataset.populate(r);
      CacheEngine cairn = cairn(Map.of("replicaof", "127.0.0.1 " + redis.port()));
      try (Jedis c = client(cairn)) {
        caughtUp(r, c);
        InteropDataset.assertSameData(r, c, true);
        assertThat(info(c, "role")).isEqualTo("slave");
        assertThat(info(c, "master_link_status")).isEqualTo("up");

        writesOfEveryType(r, "a");
        caughtUp(r, c);
        InteropDataset.assertSameData(r, c, true);
        r.set("acked", "1");
        assertThat(r.waitReplicas(1, 5000)).isEqualTo(1);

        assertThatThrownBy(() -> c.set("mine", "x"))
            .isInstanceOf(JedisDataException.class)
            .hasMessage("READONLY You can't write against a read only replica.");

        r.clientKill(new ClientKillParams().type(ClientType.REPLICA));
        writesOfEveryType(r, "b");
        caughtUp(r, c);
        InteropDataset.assertSameData(r, c, true);
        assertThat(Files.readString(dir.resolve("redis-" + redis.port() + ".log")))
            .containsPattern("Partial resynchronization request from .* accepted");

        // killing the link from the replica's side: only the link goes, then a partial resync
        try (Jedis other = client(cairn)) {
          assertThat(other.ping()).isEqualTo("PONG");
          assertThat(c.clientKill(new ClientKillParams().type(ClientType.MASTER))).isEqualTo(1);
          assertThat(other.ping()).isEqualTo("PONG");
        }
        writesOfEveryType(r, "c");
        caughtUp(r, c);
        InteropDataset.assertSameData(r, c, true);
        assertThat(field(r.info("stats"), "sync_partial_ok")).isEqualTo("2");

        String redisId = info(r, "master_replid");
        assertThat(c.replicaofNoOne()).isEqualTo("OK");
        assertThat(info(c, "role")).isEqualTo("master");
        assertThat(info(c, "master_replid2")).isEqualTo(redisId);
        assertThat(c.set("mine", "x")).isEqualTo("OK");
      } finally {
        cairn.stop(Duration.ZERO);
      }
    }
  }

  @Test
  void cairnReplicatesFromCairnWithALengthPrefixedSnapshot() throws Exception {
    CacheEngine primary =
        cairn(Map.of("repl-diskless-sync", "no", "enable-debug-command", "local"));
    CacheEngine replica = cairn(Map.of());
    try (Jedis p = client(primary);
        Jedis c = client(replica)) {
      InteropDataset.populate(p);
      assertThat(c.replicaof("127.0.0.1", port(primary))).isEqualTo("OK");
      caughtUp(p, c);
      InteropDataset.assertSameData(p, c, true);
      writesOfEveryType(p, "a");
      p.set("acked", "1");
      assertThat(p.waitReplicas(1, 5000)).isEqualTo(1);
      caughtUp(p, c);
      InteropDataset.assertSameData(p, c, true);
      List<Object> role = c.role();
      assertThat(role.get(0)).isEqualTo("slave");
      assertThat(role.get(3)).isEqualTo("connected");
      // WAIT with more replicas than there are answers when its timeout passes
      long start = System.nanoTime();
      assertThat(p.waitReplicas(2, 300)).isEqualTo(1);
      assertThat(System.nanoTime() - start).isGreaterThan(250_000_000L);

      // a replica hides a key past its expiry but deletes it only on the primary's DEL
      p.select(0);
      c.select(0);
      p.sendCommand(() -> "DEBUG".getBytes(), "SET-ACTIVE-EXPIRE", "0");
      p.set("soon", "x");
      p.pexpire("soon", 100);
      caughtUp(p, c);
      long keys = p.dbSize();
      Thread.sleep(200);
      assertThat(c.get("soon")).isNull();
      assertThat(c.exists("soon")).isFalse();
      assertThat(c.dbSize()).isEqualTo(keys);
      assertThat(p.get("soon")).isNull(); // the primary expires it and propagates DEL
      caughtUp(p, c);
      assertThat(c.dbSize()).isEqualTo(keys - 1);
    } finally {
      replica.stop(Duration.ZERO);
      primary.stop(Duration.ZERO);
    }
  }

  @Test
  void redisCliRdbTakesASnapshotThroughSync() throws Exception {
    CacheEngine cairn = cairn(Map.of());
    try (Jedis c = client(cairn)) {
      InteropDataset.populate(c);
      Path rdb = dir.resolve("cli.rdb");
      assertThat(run("redis-cli", "-p", Integer.toString(port(cairn)), "--rdb", rdb.toString()))
          .contains("Transfer finished with success");
      run("redis-check-rdb", rdb.toString());
      try (RedisProcess redis = RedisProcess.start(dir, "--dbfilename", "cli.rdb");
          Jedis r = redis.client()) {
        InteropDataset.assertSameData(c, r, true);
      }
    } finally {
      cairn.stop(Duration.ZERO);
    }
  }

  /** Runs a Redis tool to completion; its output, which must end with exit status 0. */
  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  /** Writes of every type, a transaction and a deletion, in two databases. */
  static void writesOfEveryType(Jedis j, String tag) {
    j.select(0);
    j.set("str:" + tag, "v");
    j.incrBy("int:small", 5);
    j.append("empty", tag);
    j.rpush("list:small", tag, tag + tag);
    j.lpop("list:big");
    j.sadd("set:strings", tag);
    j.srem("set:int16", "300");
    j.spop("set:bigints");
    j.zadd("zset:small", 9.5, tag);
    j.zincrby("zset:big", 2.5, "member:3");
    j.hset("hash:small", "f:" + tag, tag);
    j.hdel("hash:big", "field:7");
    j.hincrByFloat("hash:small", "n", 0.5);
    j.expire("str:" + tag, 100_000);
    j.del("int:neg");
    Transaction t = j.multi();
    t.set("tx:" + tag, "1");
    t.incr("tx:" + tag);
    t.rpush("tx:list:" + tag, "x");
    t.exec();
    j.select(3);
    j.set("db3:" + tag, "three");
    j.rpush("db3:list", tag);
    j.select(0);
  }

  private CacheEngine cairn(Map<String, String> extra) throws Exception {
    return ReplicationChecks.cairn(dir, extra);
  }
}
