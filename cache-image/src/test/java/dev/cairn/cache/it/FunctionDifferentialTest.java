package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.testkit.EngineExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
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
 * FUNCTION LOAD / FCALL / FCALL_RO / LIST / STATS / DELETE / FLUSH / DUMP / RESTORE against
 * Debian's redis-server 7.0.15 and Cairn, command by command, in RESP2 and RESP3; and a library
 * dumped by redis-server restored into Cairn (the payload format is Redis's).
 */
class FunctionDifferentialTest {
  @RegisterExtension
  static final EngineExtension<CacheEngine> cache =
      EngineExtension.of(() -> new CacheEngine(CacheConfig.forTest(0)));

  @RegisterExtension static final ReferenceRedis.PerClass redis = new ReferenceRedis.PerClass();

  static final String LIB =
      """
      #!lua name=mylib
      local function get(keys, args)
        return redis.call('get', keys[1])
      end
      redis.register_function('myget', get)
      """;

  static final String LIB2 =
      """
      #!lua name=lib2
      redis.register_function{function_name='myset', callback=function(keys, args)
        return redis.call('set', keys[1], args[1]) end, flags={'allow-oom'}, description='sets a key'}
      """;

  static final String LIB3 =
      """
      #!lua name=lib3
      redis.register_function{function_name='ro', callback=function(keys, args)
        return redis.call('get', keys[1]) end, flags={'no-writes'}}
      """;

  static final String FAILING =
      """
      #!lua name=failing
      redis.register_function('boom', function(keys, args)
        local x = 1
        error('boom in function')
      end)
      redis.register_function('callerr', function(keys, args)
        return redis.call('incr', keys[1])
      end)
      redis.register_function('writes', function(keys, args)
        return redis.call('set', keys[1], 'x')
      end)
      """;

  static List<String[]> commands() {
    List<String[]> c = new ArrayList<>();
    c.add(new String[] {"FUNCTION", "LOAD", LIB});
    c.add(new String[] {"FUNCTION", "LOAD", LIB});
    c.add(new String[] {"FUNCTION", "LOAD", "REPLACE", LIB});
    c.add(new String[] {"FUNCTION", "LOAD", "BOGUS", LIB});
    c.add(new String[] {"FUNCTION", "LOAD"});
    c.add(new String[] {"FUNCTION", "LOAD", LIB2});
    c.add(new String[] {"FUNCTION", "LOAD", LIB3});
    c.add(new String[] {"FUNCTION", "LOAD", FAILING});
    c.add(new String[] {"FCALL", "myset", "1", "k", "v"});
    c.add(new String[] {"FCALL", "myget", "1", "k"});
    c.add(new String[] {"FCALL_RO", "ro", "1", "k"});
    c.add(new String[] {"FCALL_RO", "myset", "1", "k", "v"});
    c.add(new String[] {"FCALL_RO", "writes", "1", "k"});
    c.add(new String[] {"FCALL_RO", "ro", "1", "k"});
    c.add(new String[] {"FCALL", "nosuch", "0"});
    c.add(new String[] {"FCALL", "myget", "x"});
    c.add(new String[] {"FCALL", "myget", "5"});
    c.add(new String[] {"FCALL", "myget", "-1"});
    c.add(new String[] {"FCALL", "boom", "0"});
    c.add(new String[] {"FCALL", "callerr", "1", "k"});
    c.add(new String[] {"FUNCTION", "LIST", "LIBRARYNAME", "mylib"});
    c.add(new String[] {"FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "lib2"});
    c.add(new String[] {"FUNCTION", "LIST", "LIBRARYNAME", "lib3"});
    c.add(new String[] {"FUNCTION", "LIST", "LIBRARYNAME", "nomatch*"});
    c.add(new String[] {"FUNCTION", "LIST", "LIBRARYNAME"});
    c.add(new String[] {"FUNCTION", "LIST", "BOGUS"});
    c.add(new String[] {"FUNCTION", "STATS"});
    c.add(new String[] {"FUNCTION", "DELETE", "nosuch"});
    c.add(new String[] {"FUNCTION", "DELETE", "failing"});
    c.add(new String[] {"FCALL", "boom", "0"});
    c.add(new String[] {"FUNCTION", "KILL"});
    c.add(new String[] {"FUNCTION", "RESTORE", "garbage"});
    c.add(new String[] {"FUNCTION", "FLUSH", "BOGUS"});
    c.add(new String[] {"FUNCTION", "BOGUS"});
    c.add(new String[] {"FUNCTION", "LOAD", "return 1"});
    c.add(new String[] {"FUNCTION", "LOAD", "#!lua\nreturn 1"});
    c.add(new String[] {"FUNCTION", "LOAD", "#!lua name=x foo=bar\nreturn 1"});
    c.add(new String[] {"FUNCTION", "LOAD", "#!lua name=x name=y\nreturn 1"});
    c.add(new String[] {"FUNCTION", "LOAD", "#!js name=x\nreturn 1"});
    // engine and function names are case-insensitive
    c.add(
        new String[] {
          "FUNCTION",
          "LOAD",
          "#!LUA name=upper\nredis.register_function('upperf', function() return 1 end)"
        });
    c.add(new String[] {"FCALL", "UPPERF", "0"});
    c.add(
        new String[] {
          "FUNCTION",
          "LOAD",
          "#!lua name=upper2\nredis.register_function('UpperF', function() return 2 end)"
        });
    c.add(
        new String[] {
          "FUNCTION",
          "LOAD",
          "REPLACE",
          "#!lua name=upper\nredis.register_function('UPPERF', function() return 3 end)"
        });
    c.add(new String[] {"FCALL", "upperf", "0"});
    c.add(new String[] {"FUNCTION", "LOAD", "#!lua name=x-y\nreturn 1"});
    c.add(new String[] {"FUNCTION", "LOAD", "#!lua name=x\nreturn 1"});
    c.add(new String[] {"FUNCTION", "LOAD", "#!lua name=x\nredis.register_function('f', 1)"});
    c.add(new String[] {"FUNCTION", "LOAD", "#!lua name=x\nredis.register_function(1, 2, 3)"});
    c.add(new String[] {"FUNCTION", "LOAD", "#!lua name=x\nredis.register_function{}"});
    c.add(
        new String[] {
          "FUNCTION", "LOAD", "#!lua name=x\nredis.register_function{function_name='f'}"
        });
    c.add(
        new String[] {
          "FUNCTION",
          "LOAD",
          "#!lua name=x\nredis.register_function{function_name='f', callback=function() end, flags={'bogus'}}"
        });
    c.add(
        new String[] {
          "FUNCTION",
          "LOAD",
          "#!lua name=x\nredis.register_function{function_name='f', callback=function() end, what=1}"
        });
    c.add(
        new String[] {
          "FUNCTION", "LOAD", "#!lua name=x\nredis.register_function('bad-name', function() end)"
        });
    c.add(
        new String[] {
          "FUNCTION",
          "LOAD",
          "#!lua name=x\nredis.register_function('f', function() end)\nredis.register_function('f', function() end)"
        });
    c.add(
        new String[] {
          "FUNCTION", "LOAD", "#!lua name=x\nredis.register_function('myget', function() end)"
        });
    c.add(new String[] {"FUNCTION", "LOAD", "#!lua name=x\nredis.call('get', 'k')"});
    c.add(new String[] {"FUNCTION", "LOAD", "#!lua name=x\nlocal n = string.len('x')"});
    c.add(new String[] {"FUNCTION", "LOAD", "#!lua name=x\nreturn +"});
    c.add(new String[] {"FUNCTION", "LOAD", "#!lua name=x\nerror('at load')"});
    c.add(new String[] {"EVAL", "return redis.register_function", "0"});
    c.add(new String[] {"FUNCTION", "DELETE", "mylib"});
    c.add(new String[] {"FCALL", "myget", "1", "k"});
    c.add(new String[] {"FUNCTION", "FLUSH"});
    c.add(new String[] {"FUNCTION", "LIST"});
    c.add(new String[] {"FUNCTION", "STATS"});
    return c;
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void everyFunctionCommandRepliesAsInRedis(int protocol) {
    List<String> differences = new ArrayList<>();
    try (Jedis reference = connect(redis.port(), protocol);
        Jedis cairn = connect(cache.engine().address().getPort(), protocol)) {
      reference.flushAll();
      cairn.flushAll();
      reference.functionFlush();
      cairn.functionFlush();
      for (String[] command : commands()) {
        String expected = run(reference, command);
        String actual = run(cairn, command);
        if (!expected.equals(actual)) {
          differences.add(
              String.join(" ", command) + "\n    redis: " + expected + "\n    cairn: " + actual);
        }
      }
    }
    assertThat(differences).as(String.join("\n", differences)).isEmpty();
  }

  @Test
  void aLibraryDumpedByRedisRestoresIntoCairn() {
    try (Jedis reference = connect(redis.port(), 2);
        Jedis cairn = connect(cache.engine().address().getPort(), 2)) {
      reference.functionFlush();
      cairn.functionFlush();
      reference.functionLoad(LIB);
      reference.functionLoad(LIB2);
      byte[] payload = reference.functionDump();
      assertThat(cairn.functionRestore(payload)).isEqualTo("OK");
      cairn.set("k", "from-redis-dump");
      assertThat(cairn.fcall("myget", List.of("k"), List.of())).isEqualTo("from-redis-dump");
      // and back: Cairn's dump restores into redis-server
      byte[] ours = cairn.functionDump();
      reference.functionFlush();
      assertThat(reference.functionRestore(ours)).isEqualTo("OK");
      assertThat(reference.functionList()).hasSize(2);
      assertThat(
              run(
                  cairn,
                  new String[] {
                    "FUNCTION",
                    "RESTORE",
                    new String(payload, java.nio.charset.StandardCharsets.ISO_8859_1)
                  }))
          .startsWith("-");
    }
  }

  private static Jedis connect(int port, int protocol) {
    return new Jedis(
        new HostAndPort("127.0.0.1", port),
        DefaultJedisClientConfig.builder()
            .protocol(protocol == 3 ? RedisProtocol.RESP3 : RedisProtocol.RESP2)
            .build());
  }

  private static String run(Jedis jedis, String[] command) {
    String[] args = java.util.Arrays.copyOfRange(command, 1, command.length);
    try {
      return ScriptDifferentialTest.render(
          jedis.sendCommand(Protocol.Command.valueOf(command[0]), args));
    } catch (JedisDataException e) {
      return "-" + e.getMessage();
    }
  }
}
