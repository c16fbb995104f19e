package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.testkit.EngineExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Lua scripts ({@code script-differential.txt}) run with EVAL against Debian's redis-server 7.0.15
 * and Cairn, in RESP2 and RESP3: every reply — the Redis↔Lua conversions, the sandbox's errors, the
 * Lua 5.1 library, cjson, cmsgpack, bit, struct, shebang flags, error texts with their script and
 * line — must be identical.
 */
class ScriptDifferentialTest {
  @RegisterExtension
  static final EngineExtension<CacheEngine> cache =
      EngineExtension.of(() -> new CacheEngine(CacheConfig.forTest(0)));

  @RegisterExtension static final ReferenceRedis.PerClass redis = new ReferenceRedis.PerClass();

  /** One script with its numkeys and arguments. */
  record Case(String script, List<String> args) {}

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void everyScriptRepliesAsInRedis(int protocol) throws IOException {
    List<Case> cases = cases();
    List<String> differences = new ArrayList<>();
    int errors = 0;
    try (Jedis reference = connect(redis.port(), protocol);
        Jedis cairn = connect(cache.engine().address().getPort(), protocol)) {
      reference.flushAll();
      cairn.flushAll();
      for (Case c : cases) {
        String expected = eval(reference, c);
        String actual = eval(cairn, c);
        if (expected.startsWith("-")) {
          errors++;
        }
        if (!expected.equals(actual)) {
          differences.add(
              c.script() + " " + c.args() + "\n    redis: " + expected + "\n    cairn: " + actual);
        }
      }
    }
    assertThat(cases).hasSizeGreaterThan(200);
    assertThat(errors).isGreaterThan(40).isLessThan(cases.size() - 100);
    assertThat(differences).as(String.join("\n", differences)).isEmpty();
  }

  private static Jedis connect(int port, int protocol) {
    return new Jedis(
        new HostAndPort("127.0.0.1", port),
        DefaultJedisClientConfig.builder()
            .protocol(protocol == 3 ? RedisProtocol.RESP3 : RedisProtocol.RESP2)
            .build());
  }

  private List<Case> cases() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/script-differential.txt")) {
      List<Case> cases = new ArrayList<>();
      List<String> args = null;
      StringBuilder body = new StringBuilder();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
        if (line.startsWith("--- ")) {
          if (args != null) {
            cases.add(new Case(body.toString().stripTrailing(), args));
          }
          args = Arrays.asList(line.substring(4).trim().split(" "));
          body.setLength(0);
        } else if (args != null) {
          body.append(line).append('\n');
        }
      }
      if (args != null) {
        cases.add(new Case(body.toString().stripTrailing(), args));
      }
      return cases;
    }
  }

  private static String eval(Jedis jedis, Case c) {
    String[] argv = new String[c.args().size() + 1];
    argv[0] = c.script();
    for (int i = 0; i < c.args().size(); i++) {
      argv[i + 1] = c.args().get(i);
    }
    try {
      return render(jedis.sendCommand(Protocol.Command.EVAL, argv));
    } catch (JedisDataException e) {
      return "-" + e.getMessage();
    }
  }

  static String render(Object reply) {
    return switch (reply) {
      case null -> "(nil)";
      case byte[] b -> '"' + new String(b, StandardCharsets.ISO_8859_1) + '"';
      case List<?> list ->
          list.stream()
              .map(ScriptDifferentialTest::render)
              .collect(Collectors.joining(", ", "[", "]"));
      case Map<?, ?> map ->
          map.entrySet().stream()
              .map(e -> render(e.getKey()) + "=" + render(e.getValue()))
              .sorted()
              .collect(Collectors.joining(", ", "{", "}"));
      case redis.clients.jedis.util.KeyValue<?, ?> kv ->
          render(kv.getKey()) + "=" + render(kv.getValue());
      default -> reply.getClass().getSimpleName() + ":" + reply;
    };
  }
}
