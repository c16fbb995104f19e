package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.testkit.EngineExtension;
import dev.cairn.common.testkit.FreePorts;
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

  private static Process redis;
  private static int redisPort;

  @BeforeAll
  static void startRedis() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-server")), "redis-server not installed");
    redisPort = FreePorts.next();
    redis =
        new ProcessBuilder(
                "redis-server",
                "--port",
                Integer.toString(redisPort),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try (Jedis j = new Jedis("127.0.0.1", redisPort)) {
        j.ping();
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException("redis-server did not start on port " + redisPort, e);
        }
        Thread.sleep(50);
      }
    }
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (redis != null) {
      redis.destroy();
      redis.waitFor();
    }
  }

  @Test
  void everyReplyMatchesRedis() throws IOException {
    List<String> script;
    try (InputStream in = getClass().getResourceAsStream("/redis-differential.txt")) {
      script =
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .lines()
              .filter(l -> !l.isBlank() && !l.startsWith("#"))
              .toList();
    }
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
    String input;
    try (InputStream in = getClass().getResourceAsStream("/redis-differential.txt")) {
      input =
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .lines()
              .filter(l -> !l.isBlank() && !l.startsWith("#"))
              .filter(l -> !l.matches("(?i)(P?UNSUBSCRIBE|PUBLISH|PUBSUB).*"))
              .map(l -> l + "\nECHO ----")
              .collect(Collectors.joining("\n", "FLUSHALL\n", "\n"));
    }
    String expected = redisCli(redisPort, input);
    String actual = redisCli(cache.engine().address().getPort(), input);
    assertThat(expected).contains("(double)", "1#", "(nil)");
    assertThat(actual).isEqualTo(expected);
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

  private static String redisCli(int port, String input) throws Exception {
    Process p =
        new ProcessBuilder("redis-cli", "-3", "--no-raw", "-p", Integer.toString(port))
            .redirectErrorStream(true)
            .start();
    try (var out = p.getOutputStream()) {
      out.write(input.getBytes(StandardCharsets.UTF_8));
    }
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("redis-cli timed out");
    }
    return text;
  }

  private static String run(Jedis jedis, String line) {
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
