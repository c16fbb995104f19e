package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.testkit.EngineExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Scripted redis-cli sessions (the real command-line client), RESP2 and RESP3. */
class RedisCliTest {
  @RegisterExtension
  static final EngineExtension<CacheEngine> cache =
      EngineExtension.of(() -> new CacheEngine(CacheConfig.forTest(0)));

  private static String cli(String stdin, String... flags) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-cli")), "redis-cli not installed");
    List<String> cmd = new ArrayList<>();
    cmd.add("redis-cli");
    cmd.add("-p");
    cmd.add(Integer.toString(cache.engine().address().getPort()));
    cmd.addAll(List.of(flags));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("redis-cli timed out");
    }
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void resp2ScriptedSession() throws Exception {
    String out =
        cli(
            """
            FLUSHALL
            SET greeting hello
            GET greeting
            INCR counter
            RPUSH list a b c
            LRANGE list 0 -1
            HSET h field value
            HGETALL h
            ZADD z 1.5 one
            ZSCORE z one
            GET nosuch
            NOSUCHCOMMAND x
            """);
    assertThat(out.lines().toList())
        .containsExactly(
            "OK",
            "OK",
            "hello",
            "1",
            "3",
            "a",
            "b",
            "c",
            "1",
            "field",
            "value",
            "1",
            "1.5",
            "",
            "ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'x' ",
            "");
  }

  @Test
  void resp3ScriptedSession() throws Exception {
    String out =
        cli(
            """
            HELLO 3
            HSET resp3hash a 1
            HGETALL resp3hash
            ZADD z 2.5 m
            ZSCORE z m
            GET nosuch
            SMEMBERS nosuch
            """,
            "-3",
            "--no-raw");
    assertThat(out)
        .contains("1# \"server\" => \"redis\"")
        .contains("2# \"version\" => \"")
        .contains("3# \"proto\" => (integer) 3")
        .contains("1# \"a\" => \"1\"")
        .contains("(double) 2.5")
        .contains("(nil)")
        .contains("(empty set)");
  }

  @Test
  void interactiveStyleFormatting() throws Exception {
    String out = cli("", "--no-raw", "LPUSH", "q", "x");
    assertThat(out.trim()).isEqualTo("(integer) 1");
    assertThat(cli("", "--no-raw", "TTL", "q").trim()).isEqualTo("(integer) -1");
    assertThat(cli("", "--no-raw", "GET", "q").trim())
        .isEqualTo("(error) WRONGTYPE Operation against a key holding the wrong kind of value");
    assertThat(cli("", "INFO", "keyspace")).contains("db0:keys=");
  }
}
