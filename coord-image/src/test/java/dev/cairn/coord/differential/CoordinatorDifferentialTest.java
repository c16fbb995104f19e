package dev.cairn.coord.differential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.common.testkit.EngineExtension;
import dev.cairn.common.testkit.Transcript;
import dev.cairn.coord.CoordinatorConfig;
import dev.cairn.coord.CoordinatorEngine;
import dev.cairn.coord.ExtendedTypesProperty;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same script of ZooKeeper client calls ({@link ZkScript}) against Apache ZooKeeper's own
 * server and against the coordinator: everything the client observed must be the same.
 */
@ExtendWith(ExtendedTypesProperty.class)
class CoordinatorDifferentialTest {
  @TempDir static Path dirs;

  @Test
  void clientObservesTheSameAsOnApacheZooKeeper() throws Exception {
    Transcript reference;
    try (ReferenceZooKeeper zookeeper = new ReferenceZooKeeper(dirs.resolve("zookeeper"))) {
      reference = ZkScript.run(zookeeper.connectString());
    }
    CoordinatorEngine cairn =
        new CoordinatorEngine(
            CoordinatorConfig.builder(dirs.resolve("cairn"))
                .clientPort(0)
                .clientPortAddress("127.0.0.1")
                .adminEnabled(false)
                .set("extendedTypesEnabled", true)
                .build());
    Transcript candidate;
    EngineExtension.startAndAwaitReady(cairn);
    try {
      candidate = ZkScript.run(cairn.connectString());
    } finally {
      cairn.stop(java.time.Duration.ZERO);
    }

    System.out.println("reference transcript:\n" + reference);
    // Sanity: the script ran to its end on the reference and saw both successes and each error
    // kind it is meant to provoke, so an equality of two empty or failed runs cannot pass.
    assertThat(reference.observations()).hasSizeGreaterThan(80);
    assertThat(reference.observations().values())
        .anyMatch(v -> v.contains("!NODEEXISTS"))
        .anyMatch(v -> v.contains("!NONODE"))
        .anyMatch(v -> v.contains("!NOTEMPTY"))
        .anyMatch(v -> v.contains("!BADVERSION"))
        .anyMatch(v -> v.contains("!NOCHILDRENFOREPHEMERALS"))
        .anyMatch(v -> v.contains("!INVALIDACL"))
        .anyMatch(v -> v.contains("!NOAUTH"))
        .anyMatch(v -> v.contains("NodeDataChanged /w"))
        .anyMatch(v -> v.contains("NodeCreated /r/x/y"))
        .anyMatch(v -> v.contains("NodeDeleted /ce"));
    List<String> diff = candidate.differencesFrom(reference, "zookeeper");
    assertThat(diff)
        .as("observations that differ from Apache ZooKeeper:\n%s", String.join("\n", diff))
        .isEmpty();
  }
}
