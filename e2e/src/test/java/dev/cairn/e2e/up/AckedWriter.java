package dev.cairn.e2e.up;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Writes keys {@code <prefix>0, <prefix>1, ...}, each followed by {@code WAIT 1 1000}; a key counts
 * as acknowledged when one replica confirmed it. {@link #throughSentinels} keeps going through
 * failovers as an application would: each write borrows a connection from the JedisSentinelPool,
 * which follows the sentinels' {@code +switch-master}; a failed command is retried with the next
 * key. {@link #toOneServer} stops at the first failure of its one server.
 */
public final class AckedWriter implements AutoCloseable {
  private final Set<String> acked = ConcurrentHashMap.newKeySet();
  private final AtomicInteger failed = new AtomicInteger();
  private volatile String lastFailure = "none";
  private final AtomicBoolean writing = new AtomicBoolean(true);
  private final Thread thread;

  private final String prefix;

  private AckedWriter(String prefix, Supplier<Jedis> connect, boolean reconnect) {
    this.prefix = prefix;
    thread = new Thread(() -> run(connect, reconnect), "acked-writer-" + prefix);
    thread.start();
  }

  /** Keys {@code <prefix>0, <prefix>1, ...} through the pool's current primary. */
  public static AckedWriter throughSentinels(String prefix, JedisSentinelPool pool) {
    return new AckedWriter(prefix, pool::getResource, true);
  }

  /**
   * Keys {@code <prefix>0, <prefix>1, ...}, each on a new connection to the primary the pool's
   * sentinels name last: unlike a pooled connection, never one to a primary that was cut off, which
   * keeps answering (WAIT with 0 replicas is no error) and which the pool may hand out again.
   */
  public static AckedWriter toSentinelsPrimary(
      String prefix, JedisSentinelPool pool, JedisClientConfig config) {
    return new AckedWriter(prefix, () -> new Jedis(pool.getCurrentHostMaster(), config), true);
  }

  /** Keys {@code <prefix>0, <prefix>1, ...} to {@code host}:6379 until it fails. */
  public static AckedWriter toOneServer(String prefix, String host, JedisClientConfig config) {
    return new AckedWriter(prefix, () -> new Jedis(new HostAndPort(host, 6379), config), false);
  }

  private void run(Supplier<Jedis> connect, boolean reconnect) {
    int i = 0;
    while (writing.get()) {
      // Through the pool, a connection per write, as an application borrows one per request: a
      // primary cut off keeps answering on a connection held on to, and WAIT with 0 is no error.
      try (Jedis jedis = connect.get()) {
        do {
          String key = prefix + i++;
          jedis.set(key, "v");
          if (jedis.waitReplicas(1, 1000) >= 1) {
            acked.add(key);
          }
        } while (writing.get() && !reconnect);
      } catch (JedisException e) {
        failed.incrementAndGet();
        lastFailure = e.toString();
        if (!reconnect) {
          return;
        }
        sleep(Duration.ofMillis(100));
      }
    }
  }

  public int acked() {
    return acked.size();
  }

  /** Commands that failed (connection lost, READONLY, ...): the client-visible cost. */
  public int failed() {
    return failed.get();
  }

  /** What the last failed command threw, for a test's failure message. */
  public String lastFailure() {
    return lastFailure;
  }

  /** The acknowledged keys {@code jedis} does not have. */
  public List<String> missingFrom(Jedis jedis) {
    return acked.stream().filter(k -> !jedis.exists(k)).sorted().toList();
  }

  @Override
  public void close() throws InterruptedException {
    writing.set(false);
    thread.join(10_000);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
