package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * ACL as Redis 7.0 has it, against Debian's redis-server on the wire: categories per subcommand
 * ({@code +@admin} allows CONFIG SET while {@code -config|get} removes one subcommand), ACL CAT,
 * DRYRUN, key permissions (%R~ / %W~), selectors, first arguments, the rule descriptions of ACL
 * LIST and GETUSER, and ACL LOAD / SAVE with an aclfile.
 */
class AclDifferentialTest {
  @TempDir Path dir;

  @Test
  void aclScriptMatchesRedis() throws Exception {
    assumeTrue(ReferenceRedis.installed(), "redis-server not installed");
    List<String> script = script();
    try (ReferenceRedis redis = ReferenceRedis.start("--save", "")) {
      CacheEngine cairn = new CacheEngine(CacheConfig.forTest(0));
      cairn.start();
      try (Jedis r = new Jedis("127.0.0.1", redis.port());
          Jedis c = new Jedis("127.0.0.1", cairn.address().getPort())) {
        List<String> differences = compare(script, r, c);
        assertThat(script).hasSizeGreaterThan(70);
        assertThat(differences).as(String.join("\n", differences)).isEmpty();
        // ACL CAT lists in Redis's hash-table order: the same names
        for (String cat : List.of("dangerous", "admin", "slow", "connection", "scripting")) {
          assertThat(c.aclCat(cat)).containsExactlyInAnyOrderElementsOf(r.aclCat(cat));
        }
        assertThat(aclLog(c, cairn.address().getPort())).isEqualTo(aclLog(r, redis.port()));
        // a real client's view: Jedis's ACL DRYRUN and a user restricted to one subcommand
        c.aclSetUser("ops", "on", ">pw", "+@admin", "-config|get", "~*");
        assertThat(c.aclDryRun("ops", "config", "set", "maxmemory", "0")).isEqualTo("OK");
        assertThat(c.aclDryRun("ops", "config", "get", "maxmemory"))
            .isEqualTo("This user has no permissions to run the 'config|get' command");
        try (Jedis ops = new Jedis("127.0.0.1", cairn.address().getPort())) {
          ops.auth("ops", "pw");
          assertThat(ops.configSet("maxmemory-samples", "5")).isEqualTo("OK");
          org.assertj.core.api.Assertions.assertThatThrownBy(() -> ops.configGet("maxmemory"))
              .hasMessage("NOPERM this user has no permissions to run the 'config|get' command");
        }
      } finally {
        cairn.stop(Duration.ZERO);
      }
    }
  }

  /**
   * ACL LOAD and SAVE with an aclfile: the users a file defines (the default user recreated when
   * absent), the file ACL SAVE writes, a file with errors refused with Redis's message and nothing
   * changed — the same on both servers, with the file paths masked.
   */
  @Test
  void aclFileLoadAndSaveMatchRedis() throws Exception {
    assumeTrue(ReferenceRedis.installed(), "redis-server not installed");
    String initial = "user alice on #" + sha("pw") + " ~a* resetchannels -@all +get\n";
    Path redisFile = dir.resolve("redis.acl");
    Path cairnFile = dir.resolve("cairn.acl");
    Files.writeString(redisFile, initial);
    Files.writeString(cairnFile, initial);
    try (ReferenceRedis redis =
        ReferenceRedis.start("--save", "", "--aclfile", redisFile.toString())) {
      CacheEngine cairn =
          new CacheEngine(CacheConfig.forTest(0).with("aclfile", cairnFile.toString()));
      cairn.start();
      try (Jedis r = new Jedis("127.0.0.1", redis.port());
          Jedis c = new Jedis("127.0.0.1", cairn.address().getPort())) {
        List<String> differences = new ArrayList<>();
        differences.addAll(
            compare(
                List.of(
                    "ACL LIST",
                    "ACL SETUSER bob on nopass ~b* &news +@hash -hdel",
                    "ACL SAVE",
                    "ACL LIST"),
                r,
                c));
        assertThat(Files.readString(cairnFile)).isEqualTo(Files.readString(redisFile));
        String bad = "user carol on nopass +nosuch\nuser dave on +@nosuch\nnot-a-user\n";
        Files.writeString(redisFile, bad);
        Files.writeString(cairnFile, bad);
        differences.addAll(
            masked(compare(List.of("ACL LOAD", "ACL USERS"), r, c), redisFile, cairnFile));
        String good = "user erin on nopass ~* &* +@read\n";
        Files.writeString(redisFile, good);
        Files.writeString(cairnFile, good);
        differences.addAll(compare(List.of("ACL LOAD", "ACL LIST", "ACL WHOAMI"), r, c));
        assertThat(differences).as(String.join("\n", differences)).isEmpty();
        assertThat(c.aclUsers()).containsExactly("default", "erin");
      } finally {
        cairn.stop(Duration.ZERO);
      }
    }
  }

  /**
   * Refusals of a restricted user (a key, a command, the same key again, a failed AUTH, inside
   * MULTI, inside a script) as ACL LOG lists them, without the age and the client info.
   */
  private static List<String> aclLog(Jedis admin, int port) {
    admin.aclLogReset();
    admin.aclSetUser(
        "logged",
        "on",
        ">pw",
        "~a*",
        "resetchannels",
        "-@all",
        "+get",
        "+eval",
        "+multi",
        "+exec",
        "+auth");
    try (Jedis u = new Jedis("127.0.0.1", port)) {
      u.auth("logged", "pw");
      for (String line :
          List.of(
              "GET b",
              "SET a v",
              "GET b",
              "AUTH logged wrong",
              "AUTH nosuch pw",
              "MULTI",
              "GET c",
              "EXEC")) {
        RedisDifferentialTest.run(u, line);
      }
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> u.eval("return redis.call('get','zz')"))
          .hasMessageContaining(
              "The user executing the script can't access at least one of the keys");
    }
    List<String> out = new ArrayList<>();
    for (var e : admin.aclLog()) {
      out.add(
          e.getCount()
              + " "
              + e.getReason()
              + " "
              + e.getContext()
              + " "
              + e.getObject()
              + " "
              + e.getUsername());
    }
    admin.aclDelUser("logged");
    return out;
  }

  private static List<String> masked(List<String> differences, Path redisFile, Path cairnFile) {
    List<String> out = new ArrayList<>();
    for (String d : differences) {
      String m =
          d.replace(redisFile.toString(), "<aclfile>").replace(cairnFile.toString(), "<aclfile>");
      String[] parts = m.split("\n    (redis|cairn): ");
      if (parts.length != 3 || !parts[1].equals(parts[2])) {
        out.add(d);
      }
    }
    return out;
  }

  private static List<String> compare(List<String> script, Jedis redis, Jedis cairn) {
    List<String> differences = new ArrayList<>();
    for (String line : script) {
      String expected = normalized(RedisDifferentialTest.run(redis, line));
      String actual = normalized(RedisDifferentialTest.run(cairn, line));
      if (!expected.equals(actual)) {
        differences.add(line + "\n    redis: " + expected + "\n    cairn: " + actual);
      }
    }
    return differences;
  }

  private static final Pattern RULES = Pattern.compile("[+-]@all( [+-][^ \"\\]()]+)*");

  /**
   * Command rules with their single-command rules sorted: Redis emits categories in a fixed order
   * but single commands in its command dictionary's order, which is random per process.
   */
  static String normalized(String reply) {
    Matcher m = RULES.matcher(reply);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      List<String> categories = new ArrayList<>();
      List<String> commands = new ArrayList<>();
      for (String token : m.group().split(" ")) {
        (token.startsWith("+@") || token.startsWith("-@") ? categories : commands).add(token);
      }
      commands.sort(null);
      categories.addAll(commands);
      m.appendReplacement(out, Matcher.quoteReplacement(String.join(" ", categories)));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String sha(String password) {
    return dev.cairn.cache.acl.User.sha256(password);
  }

  private List<String> script() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/acl-differential.txt")) {
      return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
          .filter(l -> !l.isBlank() && !l.startsWith("#"))
          .toList();
    }
  }
}
