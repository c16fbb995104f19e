package dev.cairn.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.operator.broker.BrokerCluster;
import dev.cairn.operator.cache.CacheCluster;
import dev.cairn.operator.ensemble.Ensemble;
import dev.cairn.operator.topic.Topic;
import io.fabric8.crdv2.generator.CRDGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checked-in CRDs ({@code crds/} and the Helm chart's copy) are exactly what fabric8's CRD
 * generator — the one quarkus-operator-sdk runs at build time into {@code target/kubernetes} —
 * makes from the custom-resource classes. Run with {@code -Dcairn.crds.write=true} to rewrite them
 * after changing a class.
 */
class CrdsAreCurrentTest {
  static final List<Class<?>> RESOURCES =
      List.of(Ensemble.class, BrokerCluster.class, Topic.class, CacheCluster.class);
  static final List<Path> CHECKED_IN =
      List.of(Path.of("..", "crds"), Path.of("..", "helm", "cairn", "crds"));

  @TempDir Path generated;

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void checkedInCrdsMatchTheCustomResourceClasses() throws IOException {
    new CRDGenerator()
        .customResourceClasses((Class[]) RESOURCES.toArray(new Class[0]))
        .forCRDVersions("v1")
        .inOutputDir(generated.toFile())
        .generate();
    List<Path> files;
    try (Stream<Path> s = Files.list(generated)) {
      files = s.sorted().toList();
    }
    assertThat(files).hasSize(RESOURCES.size());
    boolean write = Boolean.getBoolean("cairn.crds.write");
    for (Path dir : CHECKED_IN) {
      for (Path file : files) {
        Path checkedIn = dir.resolve(file.getFileName());
        if (write) {
          Files.createDirectories(dir);
          Files.copy(file, checkedIn, StandardCopyOption.REPLACE_EXISTING);
        }
        assertThat(checkedIn)
            .as("%s is stale: run the operator tests with -Dcairn.crds.write=true", checkedIn)
            .exists()
            .hasSameTextualContentAs(file);
      }
    }
  }
}
