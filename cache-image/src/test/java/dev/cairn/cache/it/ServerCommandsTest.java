package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.testkit.EngineExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/** Server commands: AUTH/ACL, HELLO, INFO, CONFIG, CLIENT, COMMAND, maxmemory, metrics. */
class ServerCommandsTest {
  @RegisterExtension
  static final EngineExtension<CacheEngine> cache =
      EngineExtension.of(() ->
          new CacheEngine(
              CacheConfig.of(
                  Map.of("port", "0", "admin-port", "0", "enable-debug-command", "local"))));

  private Jedis jedis;

  private Jedis connect() {
    return new Jedis("127.0.0.1", cache.engine().address().getPort());
  }

  @BeforeEach
  void open() {
    jedis = connect();
    jedis.flushAll();
  }

  @AfterEach
  void close() {
    jedis.close();
    try (Jedis admin = connect()) {
      if (passwordSet) {
        admin.auth("secret");
      }
      admin.configSet("requirepass", "");
      admin.configSet("maxmemory", "0");
      admin.configSet("maxmemory-policy", "noeviction");
    }
  }

  private boolean passwordSet;

  private void requirePassword() {
    jedis.configSet("requirepass", "secret");
    passwordSet = true;
  }

  /**
   * Lowering maxmemory far below the dataset: with no pass limit (tenacity 100) CONFIG SET evicts
   * everything before it replies; with the default, eviction runs in bounded passes that go on
   * between commands and while no client sends anything, until the dataset fits.
   */
  @Test
  void largeEvictionsRunInBoundedPassesUntilTheDatasetFits() throws Exception {
    jedis.configSet("maxmemory-policy", "allkeys-random");
    assertThat(jedis.configGet("maxmemory-eviction-tenacity"))
        .containsEntry("maxmemory-eviction-tenacity", "10");
    for (String tenacity : List.of("100", "10")) {
      jedis.configSet("maxmemory", "0");
      try (var pipeline = jedis.pipelined()) {
        for (int i = 0; i < 200_000; i++) {
          pipeline.set("k" + i, "v" + i);
        }
      }
      long used = infoField(jedis.info("memory"), "used_memory");
      long evictedBefore = infoField(jedis.info("stats"), "evicted_keys");
      jedis.configSet("maxmemory-eviction-tenacity", tenacity);
      jedis.configSet("maxmemory", Long.toString(used / 20));
      if (tenacity.equals("100")) {
        assertThat(infoField(jedis.info("memory"), "used_memory")).isLessThanOrEqualTo(used / 20);
      } else {
        Thread.sleep(3_000); // no commands: the passes go on by themselves
        assertThat(infoField(jedis.info("memory"), "used_memory")).isLessThanOrEqualTo(used / 20);
      }
      assertThat(infoField(jedis.info("stats"), "evicted_keys") - evictedBefore)
          .isGreaterThan(150_000);
      assertThat(jedis.set("after", "eviction")).isEqualTo("OK");
    }
  }

  private static long infoField(String info, String field) {
    return info.lines()
        .filter(l -> l.startsWith(field + ":"))
        .map(l -> Long.parseLong(l.substring(field.length() + 1).strip()))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void idleClientsAreClosedAfterTimeoutButSubscribersStay() throws Exception {
    int port = cache.engine().address().getPort();
    jedis.configSet("timeout", "1");
    try (java.net.Socket idle = new java.net.Socket("127.0.0.1", port);
        java.net.Socket subscriber = new java.net.Socket("127.0.0.1", port)) {
      idle.getOutputStream().write("PING\r\n".getBytes());
      subscriber.getOutputStream().write("SUBSCRIBE news\r\n".getBytes());
      idle.setSoTimeout(10_000);
      assertThat(idle.getInputStream().readNBytes(7)).asString().isEqualTo("+PONG\r\n");
      // the server closes the idle connection within a few seconds: read() sees end of stream
      assertThat(idle.getInputStream().read()).isEqualTo(-1);
      subscriber.setSoTimeout(3_000);
      var in = subscriber.getInputStream();
      String subscribed = "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n";
      assertThat(in.readNBytes(subscribed.length())).asString().isEqualTo(subscribed);
      subscriber.getOutputStream().write("PING\r\n".getBytes());
      String pong = "*2\r\n$4\r\npong\r\n$0\r\n\r\n";
      assertThat(in.readNBytes(pong.length())).asString().isEqualTo(pong);
    } finally {
      try (Jedis admin = connect()) {
        admin.configSet("timeout", "0");
      }
    }
  }

  @Test
  void monitorShowsEveryCommandAsRedisFormatsIt() throws Exception {
    try (java.net.Socket monitor =
        new java.net.Socket("127.0.0.1", cache.engine().address().getPort())) {
      monitor.setSoTimeout(5_000);
      monitor.getOutputStream().write("MONITOR\r\n".getBytes());
      var in =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(monitor.getInputStream(), "US-ASCII"));
      assertThat(in.readLine()).isEqualTo("+OK");
      jedis.auth("default", "whatever-nopass");
      jedis.set("k", "a \"b\"\n\u0001");
      jedis.get("k");
      String set = in.readLine();
      assertThat(set)
          .matches(
              "\\+\\d+\\.\\d{6} \\[0 127\\.0\\.0\\.1:\\d+\\] \"SET\" \"k\""
                  + " \"a \\\\\"b\\\\\"\\\\n\\\\x01\"");
      assertThat(in.readLine()).endsWith("\"GET\" \"k\"");
    }
  }

  @Test
  void clientPauseHoldsWritesUntilUnpauseAndEverythingUntilTimeout() throws Exception {
    int port = cache.engine().address().getPort();
    try (java.net.Socket writer = new java.net.Socket("127.0.0.1", port)) {
      writer.setSoTimeout(300);
      var in = writer.getInputStream();
      assertThat(jedis.clientPause(60_000, redis.clients.jedis.args.ClientPauseMode.WRITE))
          .isEqualTo("OK");
      writer.getOutputStream().write("MULTI\r\nSET pk 1\r\nEXEC\r\nGET pk\r\n".getBytes());
      // queuing in MULTI is not paused; EXEC of a writing transaction is
      assertThat(new String(in.readNBytes(14))).isEqualTo("+OK\r\n+QUEUED\r\n");
      assertThatThrownBy(in::read).isInstanceOf(java.net.SocketTimeoutException.class);
      try (Jedis reader = connect()) {
        assertThat(reader.get("pk")).isNull();
        assertThat(reader.info("clients")).contains("blocked_clients:1");
      }
      assertThat(jedis.clientUnpause()).isEqualTo("OK");
      writer.setSoTimeout(5_000);
      assertThat(new String(in.readNBytes(16))).isEqualTo("*1\r\n+OK\r\n$1\r\n1\r\n");

      jedis.clientPause(300);
      long start = System.nanoTime();
      writer.getOutputStream().write("GET pk\r\n".getBytes());
      assertThat(new String(in.readNBytes(7))).isEqualTo("$1\r\n1\r\n");
      assertThat(System.nanoTime() - start).isGreaterThan(200_000_000L);
    }
  }

  @Test
  void clientReplySkipsOrSilencesReplies() throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", cache.engine().address().getPort())) {
      s.setSoTimeout(5_000);
      var out = s.getOutputStream();
      var in = s.getInputStream();
      out.write("CLIENT REPLY SKIP\r\nSET ra 1\r\nGET ra\r\n".getBytes());
      assertThat(new String(in.readNBytes(7))).isEqualTo("$1\r\n1\r\n");
      out.write(
          "CLIENT REPLY OFF\r\nSET rb 2\r\nGET rb\r\nCLIENT REPLY ON\r\nGET rb\r\n".getBytes());
      assertThat(new String(in.readNBytes(12))).isEqualTo("+OK\r\n$1\r\n2\r\n");
      // ON right after SKIP cancels the skip: its own OK is answered, as Redis answers it
      out.write("CLIENT REPLY SKIP\r\nCLIENT REPLY ON\r\nPING\r\n".getBytes());
      assertThat(new String(in.readNBytes(12))).isEqualTo("+OK\r\n+PONG\r\n");
    }
  }

  /** Subscribe confirmations and messages are pushed, whatever CLIENT REPLY says (Redis 7). */
  @Test
  void clientReplyOffKeepsPubSubFlowing() throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", cache.engine().address().getPort())) {
      s.setSoTimeout(5_000);
      var out = s.getOutputStream();
      var in = s.getInputStream();
      out.write("CLIENT REPLY OFF\r\nSUBSCRIBE offch\r\n".getBytes());
      String confirmation = "*3\r\n$9\r\nsubscribe\r\n$5\r\noffch\r\n:1\r\n";
      assertThat(new String(in.readNBytes(confirmation.length()))).isEqualTo(confirmation);
      assertThat(jedis.publish("offch", "hi")).isEqualTo(1);
      String message = "*3\r\n$7\r\nmessage\r\n$5\r\noffch\r\n$2\r\nhi\r\n";
      assertThat(new String(in.readNBytes(message.length()))).isEqualTo(message);
    }
  }

  @Test
  void latencyMonitorRecordsSpikesAboveTheThreshold() {
    redis.clients.jedis.commands.ProtocolCommand latency = () -> "LATENCY".getBytes();
    jedis.sendCommand(latency, "RESET");
    jedis.configSet("latency-monitor-threshold", "50");
    try {
      jedis.sendCommand(() -> "DEBUG".getBytes(), "SLEEP", "0.1");
      List<?> latest = (List<?>) jedis.sendCommand(latency, "LATEST");
      assertThat(latest).hasSize(1);
      List<?> event = (List<?>) latest.get(0);
      assertThat(new String((byte[]) event.get(0))).isEqualTo("command");
      assertThat((Long) event.get(2)).isGreaterThanOrEqualTo(100L);
      assertThat((Long) event.get(3)).isGreaterThanOrEqualTo(100L);
      assertThat((List<?>) jedis.sendCommand(latency, "HISTORY", "command")).hasSize(1);
      assertThat(new String((byte[]) jedis.sendCommand(latency, "DOCTOR")))
          .contains("command: 1 latency spikes");
      assertThat(jedis.sendCommand(latency, "RESET")).isEqualTo(1L);
      assertThat((List<?>) jedis.sendCommand(latency, "LATEST")).isEmpty();
    } finally {
      jedis.configSet("latency-monitor-threshold", "0");
    }
  }

  @Test
  void requirepassDemandsAuthThenAcceptsIt() {
    requirePassword();
    try (Jedis other = connect()) {
      assertThatThrownBy(() -> other.get("k")).hasMessage("NOAUTH Authentication required.");
      assertThatThrownBy(() -> other.auth("wrong"))
          .hasMessage("WRONGPASS invalid username-password pair or user is disabled.");
      assertThat(other.auth("secret")).isEqualTo("OK");
      assertThat(other.get("k")).isNull();
    }
  }

  @Test
  void aclUsersWithCategoriesAndKeyPatterns() {
    assertThat(
            jedis.aclSetUser(
                "reader", "on", ">pw", "~cache:*", "+@read", "-@dangerous", "+acl|whoami"))
        .isEqualTo("OK");
    jedis.set("cache:1", "v");
    jedis.set("secret:1", "v");
    try (Jedis reader = connect()) {
      assertThat(reader.auth("reader", "pw")).isEqualTo("OK");
      assertThat(reader.aclWhoAmI()).isEqualTo("reader");
      assertThat(reader.get("cache:1")).isEqualTo("v");
      assertThatThrownBy(() -> reader.get("secret:1"))
          .hasMessage(
              "NOPERM this user has no permissions to access one of the keys used as arguments");
      assertThatThrownBy(() -> reader.set("cache:1", "x"))
          .hasMessage("NOPERM this user has no permissions to run the 'set' command");
    }
    assertThat(jedis.aclUsers()).containsExactly("default", "reader");
    assertThat(jedis.aclList()).anyMatch(l -> l.startsWith("user reader on #"));
    assertThat(jedis.aclGetUser("reader").getKeys()).isEqualTo("~cache:*");
    assertThat(jedis.aclCat()).contains("keyspace", "string", "dangerous");
    assertThat(jedis.aclCat("hash")).contains("hset", "hget");
    assertThat(jedis.aclDelUser("reader")).isEqualTo(1);
  }

  @Test
  void aclChecksKeysGivenByCountAndChannels() {
    assertThat(jedis.aclSetUser("scoped", "on", ">pw", "~foo:*", "&news.*", "+@all"))
        .isEqualTo("OK");
    String keys = "NOPERM this user has no permissions to access one of the keys used as arguments";
    String channels =
        "NOPERM this user has no permissions to access one of the channels used as arguments";
    try (Jedis scoped = connect()) {
      scoped.auth("scoped", "pw");
      assertThatThrownBy(() -> scoped.sendCommand(cmd("ZUNION"), "2", "foo:a", "bar:b"))
          .hasMessage(keys);
      assertThatThrownBy(() -> scoped.sendCommand(cmd("LMPOP"), "1", "bar:x", "LEFT"))
          .hasMessage(keys);
      assertThatThrownBy(() -> scoped.sendCommand(cmd("ZUNIONSTORE"), "foo:d", "1", "bar:b"))
          .hasMessage(keys);
      assertThat(scoped.sendCommand(cmd("SINTERCARD"), "2", "foo:a", "foo:b")).isEqualTo(0L);
      // BY and GET read keys outside the user's patterns
      assertThatThrownBy(() -> scoped.sendCommand(cmd("SORT"), "foo:l", "BY", "w_*"))
          .hasMessage("ERR BY option of SORT denied due to insufficient ACL permissions.");
      assertThat(scoped.sendCommand(cmd("SORT"), "foo:l", "BY", "nosort")).asList().isEmpty();
      assertThat(scoped.publish("news.today", "x")).isZero();
      assertThatThrownBy(() -> scoped.publish("sports", "x")).hasMessage(channels);
      assertThatThrownBy(() -> scoped.sendCommand(cmd("SUBSCRIBE"), "news.a", "sports"))
          .hasMessage(channels);
      assertThatThrownBy(() -> scoped.sendCommand(cmd("PSUBSCRIBE"), "news*")).hasMessage(channels);
    }
    assertThat(
            jedis.sendCommand(
                Protocol.Command.COMMAND,
                "GETKEYS",
                "ZUNIONSTORE",
                "d",
                "2",
                "a",
                "b",
                "WEIGHTS",
                "1",
                "2"))
        .asList()
        .map(b -> new String((byte[]) b))
        .containsExactly("d", "a", "b");
    jedis.aclDelUser("scoped");
  }

  private static redis.clients.jedis.commands.ProtocolCommand cmd(String name) {
    return () -> name.getBytes();
  }

  @Test
  void helloSwitchesProtocolAndAuthenticates() {
    requirePassword();
    try (Jedis other = connect()) {
      Object reply = other.sendCommand(Protocol.Command.HELLO, "3", "AUTH", "default", "secret");
      assertThat(reply).isInstanceOf(List.class);
      assertThat(other.ping()).isEqualTo("PONG");
      assertThatThrownBy(() -> other.sendCommand(Protocol.Command.HELLO, "4"))
          .hasMessage("NOPROTO unsupported protocol version");
    }
  }

  @Test
  void infoHasRedisSectionsAndFields() {
    jedis.set("a", "1");
    jedis.get("a");
    jedis.get("missing");
    String info = jedis.info();
    assertThat(info)
        .contains("# Server", "redis_version:", "tcp_port:", "# Clients", "connected_clients:")
        .contains("# Memory", "used_memory:", "maxmemory_policy:noeviction", "# Stats")
        .contains("keyspace_hits:", "keyspace_misses:", "# Keyspace", "db0:keys=1,expires=0");
    assertThat(jedis.info("commandstats")).contains("cmdstat_get:calls=");
  }

  @Test
  void infoReportsLiveRatesAndTraffic() throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    String stats;
    do {
      try (var pipeline = jedis.pipelined()) {
        for (int i = 0; i < 2_000; i++) {
          pipeline.set("rate", "x");
        }
      }
      stats = jedis.info("stats");
    } while (stats.contains("instantaneous_ops_per_sec:0\r") && System.nanoTime() < deadline);
    assertThat(stats)
        .containsPattern("instantaneous_ops_per_sec:[1-9]")
        .containsPattern("instantaneous_input_kbps:[0-9.]*[1-9]")
        .containsPattern("total_net_output_bytes:[1-9]")
        .containsPattern("total_reads_processed:[1-9]")
        .containsPattern("total_writes_processed:[1-9]");
  }

  @Test
  void configGetSetWithGlobsAndErrors() {
    Map<String, String> got = jedis.configGet("maxmemory*");
    assertThat(got).containsKeys("maxmemory", "maxmemory-policy", "maxmemory-samples");
    assertThat(jedis.configSet("maxmemory", "10mb")).isEqualTo("OK");
    assertThat(jedis.configGet("maxmemory")).containsEntry("maxmemory", "10485760");
    assertThatThrownBy(() -> jedis.configSet("nosuch", "1"))
        .hasMessage("ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'");
    assertThatThrownBy(() -> jedis.configSet("port", "1"))
        .hasMessage(
            "ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable"
                + " config");
    assertThatThrownBy(() -> jedis.configSet("maxmemory-policy", "bogus"))
        .hasMessageStartingWith(
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy')");
  }

  @Test
  void clientCommands() {
    assertThat(jedis.clientSetname("worker-1")).isEqualTo("OK");
    assertThat(jedis.clientGetname()).isEqualTo("worker-1");
    long id = jedis.clientId();
    assertThat(jedis.clientList()).contains("id=" + id, "name=worker-1", "cmd=client|list");
    assertThat(jedis.clientInfo()).contains("id=" + id);
    try (Jedis victim = connect()) {
      long victimId = victim.clientId();
      assertThat(
              jedis.clientKill(
                  new redis.clients.jedis.params.ClientKillParams().id(Long.toString(victimId))))
          .isEqualTo(1);
    }
    assertThatThrownBy(() -> jedis.clientSetname("bad name"))
        .hasMessage("ERR Client names cannot contain spaces, newlines or special characters.");
  }

  @Test
  void commandIntrospection() {
    assertThat(jedis.commandCount()).isGreaterThan(150);
    var info = jedis.commandInfo("get").get("get");
    assertThat(info.getArity()).isEqualTo(2);
    assertThat(info.getFlags()).contains("readonly", "fast");
    assertThat(info.getAclCategories()).contains("@read", "@string", "@fast");
    assertThat(jedis.commandGetKeys("mset", "a", "1", "b", "2")).containsExactly("a", "b");
  }

  @Test
  void diagnosticsCommands() {
    assertThat(jedis.time()).hasSize(2);
    jedis.set("k", "x".repeat(1000));
    assertThat(jedis.memoryUsage("k")).isGreaterThan(1000L);
    jedis.configSet("slowlog-log-slower-than", "0");
    jedis.get("k");
    assertThat(jedis.slowlogLen()).isPositive();
    assertThat(jedis.slowlogGet(1)).hasSize(1);
    jedis.configSet("slowlog-log-slower-than", "10000");
    assertThat(jedis.slowlogReset()).isEqualTo("OK");
    assertThat(jedis.waitReplicas(0, 100)).isZero();
    assertThat(jedis.sendCommand(Protocol.Command.LATENCY, "LATEST")).isEqualTo(List.of());
    assertThat(jedis.sendCommand(() -> "DEBUG".getBytes(), "SLEEP", "0"))
        .isEqualTo("OK".getBytes());
  }

  @Test
  void noevictionAnswersOomToWrites() {
    for (int i = 0; i < 100; i++) {
      jedis.set("k" + i, "x".repeat(1000));
    }
    jedis.configSet("maxmemory", "20000");
    assertThatThrownBy(() -> jedis.set("more", "v"))
        .hasMessage("OOM command not allowed when used memory > 'maxmemory'.");
    assertThat(jedis.get("k1")).isNotNull();
    assertThat(jedis.del("k1")).isEqualTo(1);
  }

  @Test
  void allkeysLruEvictsTheLeastRecentlyUsedKeysUnderMaxmemory() {
    jedis.configSet("maxmemory-policy", "allkeys-lru");
    jedis.configSet("maxmemory", "200000");
    for (int i = 0; i < 1000; i++) {
      jedis.set("k" + i, "x".repeat(1000));
    }
    assertThat(jedis.dbSize()).isLessThan(200);
    assertThat(jedis.info("stats")).containsPattern("evicted_keys:[1-9]");
    assertThat(jedis.get("k999")).isNotNull();
    long used = Long.parseLong(jedis.info("memory").replaceAll("(?s).*used_memory:(\\d+).*", "$1"));
    assertThat(used).isLessThanOrEqualTo(200000);
  }

  @Test
  void volatilePoliciesOnlyEvictKeysWithATtl() {
    for (int i = 0; i < 50; i++) {
      jedis.set("persistent" + i, "x".repeat(1000));
    }
    jedis.configSet("maxmemory-policy", "volatile-ttl");
    jedis.configSet("maxmemory", "150000");
    for (int i = 0; i < 200; i++) {
      jedis.setex("temp" + i, 1000 + i, "x".repeat(1000));
    }
    for (int i = 0; i < 50; i++) {
      assertThat(jedis.exists("persistent" + i)).isTrue();
    }
    assertThat(jedis.keys("temp*").size()).isLessThan(200);
  }

  @Test
  void lfuPolicyTracksAccessFrequency() {
    jedis.configSet("maxmemory-policy", "allkeys-lfu");
    jedis.set("hot", "v");
    for (int i = 0; i < 100; i++) {
      jedis.get("hot");
    }
    assertThat(jedis.objectFreq("hot")).isGreaterThan(5);
    assertThatThrownBy(() -> jedis.objectIdletime("hot"))
        .hasMessageStartingWith("ERR An LFU maxmemory policy is selected");
  }

  @Test
  void metricsAndReadinessOnTheAdminPort() throws Exception {
    jedis.set("a", "1");
    jedis.get("a");
    var admin = cache.engine().adminAddress();
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    List<String> lines = metrics.body().lines().toList();
    for (String prefix :
        List.of(
            "cairn_cache_commands_processed_total{command=\"get\"",
            "cairn_cache_command_duration_seconds_bucket{command=\"get\"",
            "cairn_cache_clients_connected{",
            "cairn_cache_memory_used_bytes{",
            "cairn_cache_keys{db=\"db0\"",
            "cairn_cache_keyspace_hits_total{")) {
      assertThat(lines).as(prefix).anyMatch(l -> l.startsWith(prefix));
    }
    // The histogram is cumulative: its +Inf bucket counts every GET, as _count does.
    double inf =
        sample(lines, "cairn_cache_command_duration_seconds_bucket{command=\"get\"", "+Inf");
    double count = sample(lines, "cairn_cache_command_duration_seconds_count{command=\"get\"", "");
    assertThat(inf).isGreaterThanOrEqualTo(1).isEqualTo(count);
    HttpResponse<String> ready =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort() + "/readyz"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(200);
  }

  private static double sample(List<String> lines, String prefix, String contains) {
    return lines.stream()
        .filter(l -> l.startsWith(prefix) && l.contains(contains))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no sample " + prefix + " " + contains));
  }
}
