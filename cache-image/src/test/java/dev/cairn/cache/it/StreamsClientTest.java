package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.testkit.EngineExtension;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;
import redis.clients.jedis.resps.StreamPendingSummary;

/**
 * Streams as applications use them, through Jedis and Lettuce: consumer-group workers sharing a
 * stream, a crashed worker's entries taken over with XAUTOCLAIM, readers blocked in XREAD and
 * XREADGROUP woken by another client's XADD (also from inside MULTI/EXEC), timeouts, and blocked
 * readers told when their group or key goes.
 */
class StreamsClientTest {
  @RegisterExtension
  static final EngineExtension<CacheEngine> cache =
      EngineExtension.of(() -> new CacheEngine(CacheConfig.forTest(0)));

  private Jedis jedis;
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @BeforeEach
  void connect() {
    jedis = client();
    jedis.flushAll();
  }

  @AfterEach
  void close() throws InterruptedException {
    jedis.close();
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  private static Jedis client() {
    return new Jedis("127.0.0.1", cache.engine().address().getPort());
  }

  /** Waits until {@code n} clients are blocked, so a write cannot race ahead of the reader. */
  private void awaitBlocked(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!jedis.info("clients").contains("blocked_clients:" + n + "\r")) {
      assertThat(System.nanoTime()).as("%d clients blocked", n).isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void consumerGroupWorkersShareTheStreamAndAcknowledgeEveryEntryOnce() throws Exception {
    int entries = 600;
    jedis.xgroupCreate("jobs", "workers", StreamEntryID.XGROUP_LAST_ENTRY, true);
    Map<String, String> processedBy = new ConcurrentHashMap<>();
    AtomicBoolean producing = new AtomicBoolean(true);
    List<Future<Integer>> workers = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      String name = "worker-" + w;
      workers.add(
          pool.submit(() -> {
            int done = 0;
            try (Jedis j = client()) {
              while (true) {
                var batch =
                    j.xreadGroup(
                        "workers",
                        name,
                        XReadGroupParams.xReadGroupParams().count(10).block(100),
                        Map.of("jobs", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
                if (batch == null || batch.isEmpty()) {
                  if (!producing.get() && j.xpending("jobs", "workers").getTotal() == 0) {
                    return done;
                  }
                  continue;
                }
                for (StreamEntry e : batch.get(0).getValue()) {
                  String previous = processedBy.putIfAbsent(e.getFields().get("job"), name);
                  assertThat(previous).as("job %s delivered twice", e.getID()).isNull();
                  assertThat(j.xack("jobs", "workers", e.getID())).isEqualTo(1);
                  done++;
                }
              }
            }
          }));
    }
    try (Jedis producer = client()) {
      for (int i = 0; i < entries; i++) {
        producer.xadd("jobs", XAddParams.xAddParams(), Map.of("job", Integer.toString(i)));
      }
    }
    producing.set(false);
    int total = 0;
    for (Future<Integer> w : workers) {
      total += w.get(60, TimeUnit.SECONDS);
    }
    assertThat(total).isEqualTo(entries);
    assertThat(processedBy).hasSize(entries);
    assertThat(new HashSet<>(processedBy.values())).hasSizeGreaterThan(1);
    StreamGroupInfo group = jedis.xinfoGroups("jobs").get(0);
    assertThat(group.getPending()).isZero();
    assertThat(group.getConsumers()).isEqualTo(3);
    assertThat(group.getGroupInfo()).containsEntry("entries-read", (long) entries);
    assertThat(group.getGroupInfo()).containsEntry("lag", 0L);
  }

  @Test
  void aCrashedWorkersEntriesAreTakenOverWithXautoclaim() throws Exception {
    jedis.xgroupCreate("jobs", "g", new StreamEntryID(0), true);
    for (int i = 0; i < 5; i++) {
      jedis.xadd("jobs", new StreamEntryID(i + 1, 0), Map.of("n", Integer.toString(i)));
    }
    var taken =
        jedis.xreadGroup(
            "g",
            "crashed",
            XReadGroupParams.xReadGroupParams().count(3),
            Map.of("jobs", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
    assertThat(taken.get(0).getValue()).hasSize(3);
    Thread.sleep(60);
    var claimed =
        jedis.xautoclaim(
            "jobs", "g", "rescuer", 50, new StreamEntryID(0), XAutoClaimParams.xAutoClaimParams());
    assertThat(claimed.getValue())
        .extracting(e -> e.getID().toString())
        .containsExactly("1-0", "2-0", "3-0");
    assertThat(claimed.getKey()).isEqualTo(new StreamEntryID(0));
    StreamPendingSummary pending = jedis.xpending("jobs", "g");
    assertThat(pending.getTotal()).isEqualTo(3);
    assertThat(pending.getConsumerMessageCount()).containsExactly(Map.entry("rescuer", 3L));
    assertThat(jedis.xack("jobs", "g", new StreamEntryID(1, 0), new StreamEntryID(2, 0)))
        .isEqualTo(2);
  }

  @Test
  void xreadBlockIsWokenByAnotherClientsXadd() throws Exception {
    jedis.xadd("events", new StreamEntryID(1, 0), Map.of("old", "1"));
    Future<List<Map.Entry<String, List<StreamEntry>>>> reader =
        pool.submit(() -> {
          try (Jedis j = client()) {
            return j.xread(
                XReadParams.xReadParams().block(10_000),
                Map.of("events", StreamEntryID.XREAD_NEW_ENTRY));
          }
        });
    awaitBlocked(1);
    long before = System.nanoTime();
    jedis.xadd("other", new StreamEntryID(9, 0), Map.of("x", "y")); // another key: still blocked
    StreamEntryID id = jedis.xadd("events", XAddParams.xAddParams(), Map.of("new", "2"));
    var got = reader.get(10, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(5));
    assertThat(got).hasSize(1);
    assertThat(got.get(0).getKey()).isEqualTo("events");
    assertThat(got.get(0).getValue()).extracting(StreamEntry::getID).containsExactly(id);
    assertThat(got.get(0).getValue().get(0).getFields()).isEqualTo(Map.of("new", "2"));
  }

  @Test
  void blockedReadersAreServedAfterExecInArrivalOrder() throws Exception {
    jedis.xgroupCreate("q", "g", StreamEntryID.XGROUP_LAST_ENTRY, true);
    Future<List<Map.Entry<String, List<StreamEntry>>>> first =
        pool.submit(() -> {
          try (Jedis j = client()) {
            return j.xreadGroup(
                "g",
                "a",
                XReadGroupParams.xReadGroupParams().count(1).block(10_000),
                Map.of("q", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
          }
        });
    awaitBlocked(1);
    Future<List<Map.Entry<String, List<StreamEntry>>>> second =
        pool.submit(() -> {
          try (Jedis j = client()) {
            return j.xreadGroup(
                "g",
                "b",
                XReadGroupParams.xReadGroupParams().block(10_000),
                Map.of("q", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
          }
        });
    awaitBlocked(2);
    Transaction tx = jedis.multi();
    tx.xadd("q", new StreamEntryID(1, 0), Map.of("n", "1"));
    tx.xadd("q", new StreamEntryID(2, 0), Map.of("n", "2"));
    tx.xadd("q", new StreamEntryID(3, 0), Map.of("n", "3"));
    assertThat(tx.exec()).hasSize(3);
    assertThat(first.get(10, TimeUnit.SECONDS).get(0).getValue())
        .extracting(e -> e.getID().toString())
        .containsExactly("1-0");
    assertThat(second.get(10, TimeUnit.SECONDS).get(0).getValue())
        .extracting(e -> e.getID().toString())
        .containsExactly("2-0", "3-0");
  }

  @Test
  void xreadTimesOutWithNullAndDoesNotBlockInsideMulti() {
    long start = System.nanoTime();
    assertThat(
            jedis.xread(
                XReadParams.xReadParams().block(150),
                Map.of("nothing", StreamEntryID.XREAD_NEW_ENTRY)))
        .isNull();
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(140));
    Transaction tx = jedis.multi();
    tx.xread(XReadParams.xReadParams().block(0), Map.of("nothing", StreamEntryID.XREAD_NEW_ENTRY));
    assertThat(tx.exec()).containsExactly((Object) null);
  }

  @Test
  void blockedGroupReadersLearnThatTheirGroupOrKeyIsGone() throws Exception {
    jedis.xgroupCreate("s", "g", StreamEntryID.XGROUP_LAST_ENTRY, true);
    jedis.xgroupCreate("s", "h", StreamEntryID.XGROUP_LAST_ENTRY, false);
    Future<?> onG = pool.submit(() -> blockedGroupRead("g"));
    awaitBlocked(1);
    jedis.xgroupDestroy("s", "g");
    assertThatThrownBy(() -> onG.get(10, TimeUnit.SECONDS))
        .hasRootCauseMessage(
            "NOGROUP the consumer group this client was blocked on no longer exists");
    Future<?> onH = pool.submit(() -> blockedGroupRead("h"));
    awaitBlocked(1);
    jedis.del("s");
    assertThatThrownBy(() -> onH.get(10, TimeUnit.SECONDS))
        .hasRootCauseMessage("UNBLOCKED the stream key no longer exists");
  }

  private Object blockedGroupRead(String group) {
    try (Jedis j = client()) {
      return j.xreadGroup(
          group,
          "c",
          XReadGroupParams.xReadGroupParams().block(10_000),
          Map.of("s", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
    }
  }

  @Test
  void lettuceConsumerGroupReadsWhatAnotherConnectionAdds() throws Exception {
    RedisClient lettuce =
        RedisClient.create("redis://127.0.0.1:" + cache.engine().address().getPort());
    try (StatefulRedisConnection<String, String> reader = lettuce.connect();
        StatefulRedisConnection<String, String> writer = lettuce.connect()) {
      writer
          .sync()
          .xgroupCreate(
              XReadArgs.StreamOffset.from("orders", "$"),
              "billing",
              io.lettuce.core.XGroupCreateArgs.Builder.mkstream());
      CompletableFuture<List<StreamMessage<String, String>>> read =
          reader
              .async()
              .xreadgroup(
                  Consumer.from("billing", "biller-1"),
                  XReadArgs.Builder.block(10_000).count(5),
                  XReadArgs.StreamOffset.lastConsumed("orders"))
              .toCompletableFuture();
      awaitBlocked(1);
      Map<String, String> order = new HashMap<>(Map.of("sku", "A-1", "qty", "3"));
      String id = writer.sync().xadd("orders", order);
      List<StreamMessage<String, String>> got = read.get(10, TimeUnit.SECONDS);
      assertThat(got).hasSize(1);
      assertThat(got.get(0).getId()).isEqualTo(id);
      assertThat(got.get(0).getBody()).isEqualTo(order);
      assertThat(writer.sync().xpending("orders", "billing").getCount()).isEqualTo(1);
      assertThat(writer.sync().xack("orders", "billing", id)).isEqualTo(1);
      assertThat(writer.sync().xrange("orders", io.lettuce.core.Range.create("-", "+")))
          .extracting(StreamMessage::getId)
          .containsExactly(id);
      assertThat(writer.sync().xlen("orders")).isEqualTo(1);
      List<Object> info = writer.sync().xinfoStream("orders");
      assertThat(info).contains("length", 1L, "groups");
    } finally {
      lettuce.shutdown(0, 1, TimeUnit.SECONDS);
    }
  }

  @Test
  void wrongUseGetsRedisErrors() {
    jedis.set("text", "x");
    assertThatThrownBy(() -> jedis.xadd("text", XAddParams.xAddParams(), Map.of("a", "b")))
        .isInstanceOf(JedisDataException.class)
        .hasMessageStartingWith("WRONGTYPE");
    jedis.xadd("s", new StreamEntryID(5, 0), Map.of("a", "b"));
    assertThatThrownBy(() -> jedis.xadd("s", new StreamEntryID(5, 0), Map.of("a", "b")))
        .hasMessage(
            "ERR The ID specified in XADD is equal or smaller than the target stream top item");
    assertThat(jedis.xrange("s", (StreamEntryID) null, (StreamEntryID) null)).hasSize(1);
    assertThat(jedis.type("s")).isEqualTo("stream");
    assertThat(jedis.objectEncoding("s")).isEqualTo("stream");
    Set<String> keys = new HashSet<>(jedis.keys("*"));
    assertThat(keys).isEqualTo(Set.of("text", "s"));
    assertThat(Collections.frequency(List.of(jedis.xlen("s")), 1L)).isEqualTo(1);
  }
}
