package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.testkit.EngineExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The same command script against Debian's redis-server and Cairn, reply by reply: values, integer
 * results, nil, and error texts must be identical. The script ({@code redis-differential.txt})
 * covers every data type's commands and their error paths.
 */
class RedisDifferentialTest {
  @RegisterExtension
  static final EngineExtension<CacheEngine> cache =
      EngineExtension.of(() -> new CacheEngine(CacheConfig.forTest(0)));

  private static ReferenceRedis redis;
  private static int redisPort;

  @BeforeAll
  static void startRedis() throws Exception {
    assumeTrue(ReferenceRedis.installed(), "redis-server not installed");
    redis = ReferenceRedis.start("--save", "");
    redisPort = redis.port();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void everyReplyMatchesRedis() throws IOException {
    List<String> script = script();
    List<String> differences = new ArrayList<>();
    int errors = 0;
    try (Jedis reference = new Jedis("127.0.0.1", redisPort);
        Jedis cairn = new Jedis("127.0.0.1", cache.engine().address().getPort())) {
      reference.flushAll();
      cairn.flushAll();
      for (String line : script) {
        String expected = run(reference, line);
        String actual = run(cairn, line);
        if (expected.startsWith("-")) {
          errors++;
        }
        if (!expected.equals(actual)) {
          differences.add(line + "\n    redis: " + expected + "\n    cairn: " + actual);
        }
      }
    }
    // the script must exercise both successes and error replies, or equality proves little
    assertThat(script).hasSizeGreaterThan(250);
    assertThat(errors).isGreaterThan(50).isLessThan(script.size() - 100);
    assertThat(differences).as(String.join("\n", differences)).isEmpty();
  }

  /**
   * The same script through {@code redis-cli -3} (RESP3: maps, sets, doubles, nulls as their own
   * types), compared as redis-cli prints it. Pub/sub lines are left out: redis-cli turns them into
   * a listening session.
   */
  @Test
  void resp3RepliesPrintTheSameInRedisCli() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-cli")), "redis-cli not installed");
    String input =
        script().stream()
            .filter(l -> !l.matches("(?i)(P?UNSUBSCRIBE|PUBLISH|PUBSUB).*"))
            .map(l -> l + "\nECHO ----")
            .collect(Collectors.joining("\n", "FLUSHALL\n", "\n"));
    String expected = redisCli(redisPort, input);
    String actual = redisCli(cache.engine().address().getPort(), input);
    assertThat(expected).contains("(double)", "1#", "(nil)");
    assertThat(actual).isEqualTo(expected);
  }

  /**
   * Keyspace notifications: with {@code notify-keyspace-events KEAn}, the script produces the same
   * events, in the same order, on both servers (event names, keys, "new" before a key's first
   * event, set-then-expire pairs, no event for a write that changed nothing).
   */
  @Test
  void keyspaceEventsMatchRedis() throws Exception {
    List<String> script = script();
    int[] ports = {redisPort, cache.engine().address().getPort()};
    List<List<String>> events = new ArrayList<>();
    for (int port : ports) {
      try (Jedis admin = new Jedis("127.0.0.1", port)) {
        admin.flushAll();
        admin.configSet("notify-keyspace-events", "KEAn");
      }
      List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
      java.util.concurrent.CountDownLatch subscribed = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
      var listener =
          new redis.clients.jedis.JedisPubSub() {
            @Override
            public void onPSubscribe(String pattern, int count) {
              subscribed.countDown();
            }

            @Override
            public void onPMessage(String pattern, String channel, String message) {
              if (message.equals("end-of-script")) {
                ended.countDown();
              } else {
                seen.add(channel.substring(channel.indexOf(':') + 1) + " " + message);
              }
            }
          };
      Jedis subscriber = new Jedis("127.0.0.1", port);
      Thread t = new Thread(() -> subscriber.psubscribe(listener, "__keyevent@*"));
      t.start();
      try (Jedis client = new Jedis("127.0.0.1", port)) {
        assertThat(subscribed.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        for (String line : script) {
          run(client, line);
        }
        client.set("end-of-script", "x");
        assertThat(ended.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        listener.punsubscribe();
        t.join(10_000);
        client.configSet("notify-keyspace-events", "");
      } finally {
        subscriber.close();
      }
      events.add(List.copyOf(seen));
    }
    assertThat(events.get(0)).hasSizeGreaterThan(150).contains("expire se", "sortstore dst");
    assertThat(events.get(1)).containsExactlyElementsOf(events.get(0));
  }

  private List<String> script() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/redis-differential.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#"))
          .toList();
    }
  }

  /** A redis-py session (the most used Python client) prints the same results against both. */
  @Test
  void redisPySessionMatches() throws Exception {
    Path python = Path.of("/usr/bin/python3");
    assumeTrue(
        new ProcessBuilder(python.toString(), "-c", "import redis").start().waitFor() == 0,
        "python3-redis not installed");
    Path script = Files.createTempFile("redis-py-session", ".py");
    try (InputStream in = getClass().getResourceAsStream("/redis-py-session.py")) {
      Files.write(script, in.readAllBytes());
    }
    try {
      String expected = python(python, script, redisPort);
      String actual = python(python, script, cache.engine().address().getPort());
      assertThat(expected).startsWith("[True, b'1'");
      assertThat(actual).isEqualTo(expected);
    } finally {
      Files.delete(script);
    }
  }

  private static String python(Path python, Path script, int port) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(python.toString(), script.toString(), Integer.toString(port))
            .redirectErrorStream(true);
    // Python randomises bytes hashing per process: sets would print in different orders
    pb.environment().put("PYTHONHASHSEED", "0");
    Process p = pb.start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("python timed out");
    }
    return text;
  }

  /** The script through redis-cli, its output to a file so a large reply never fills a pipe. */
  private static String redisCli(int port, String input) throws Exception {
    Path in = Files.createTempFile("redis-cli-in", ".txt");
    Path out = Files.createTempFile("redis-cli-out", ".txt");
    try {
      Files.writeString(in, input);
      Process p =
          new ProcessBuilder("redis-cli", "-3", "--no-raw", "-p", Integer.toString(port))
              .redirectErrorStream(true)
              .redirectInput(in.toFile())
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("redis-cli timed out");
      }
      return Files.readString(out);
    } finally {
      Files.delete(in);
      Files.delete(out);
    }
  }

  static String run(Jedis jedis, String line) {
    String[] words = line.split(" ");
    try {
      return render(
          jedis.sendCommand(
              () -> words[0].getBytes(StandardCharsets.UTF_8),
              Arrays.copyOfRange(words, 1, words.length)));
    } catch (JedisDataException e) {
      return "-" + e.getMessage();
    }
  }

  private static String render(Object reply) {
    return switch (reply) {
      case null -> "(nil)";
      case byte[] b -> '"' + new String(b, StandardCharsets.UTF_8) + '"';
      case List<?> list ->
          list.stream()
              .map(RedisDifferentialTest::render)
              .collect(Collectors.joining(", ", "[", "]"));
      default -> reply.toString();
    };
  }
}
