package dev.cairn.cache.aof;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.common.faults.EngineProcess;
import dev.cairn.common.faults.FaultHarness;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * SIGTERM (how Kubernetes stops a pod) saves as Redis's SIGTERM handler does before the process
 * exits 0: the RDB file when save rules are set, the AOF written and fsynced when it is on.
 */
class SigtermSaveTest {
  @RegisterExtension final FaultHarness faults = new FaultHarness();

  @Test
  void sigtermSavesTheRdbFileWhenSaveRulesAreSet() throws Exception {
    EngineProcess cache = faults.process("cache");
    String[] flags = {"--save", "3600 1"};
    CacheProcesses.start(cache, flags);
    try (Jedis j = CacheProcesses.client(cache)) {
      j.set("kept", "by the save on SIGTERM");
      assertThat(j.lastsave()).isPositive();
    }
    assertThat(cache.stop()).isZero();
    assertThat(cache.dataDirectory().resolve("dump.rdb")).exists();
    CacheProcesses.start(cache, flags);
    try (Jedis j = CacheProcesses.client(cache)) {
      assertThat(j.get("kept")).isEqualTo("by the save on SIGTERM");
    }
  }

  @Test
  void sigtermWritesAndFsyncsTheAof() throws Exception {
    EngineProcess cache = faults.process("cache");
    String[] flags = {"--appendonly", "yes", "--appendfsync", "no"};
    CacheProcesses.start(cache, flags);
    try (Jedis j = CacheProcesses.client(cache)) {
      for (int i = 0; i < 1000; i++) {
        j.set("k" + i, "v" + i);
      }
    }
    assertThat(cache.stop()).isZero();
    assertThat(Files.readString(cache.output())).contains("AOF fsynced for shutdown");
    assertThat(cache.dataDirectory().resolve("dump.rdb")).doesNotExist();
    CacheProcesses.start(cache, flags);
    try (Jedis j = CacheProcesses.client(cache)) {
      assertThat(j.dbSize()).isEqualTo(1000);
      assertThat(j.get("k999")).isEqualTo("v999");
    }
  }
}
