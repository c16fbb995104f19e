package dev.cairn.operator.common;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engine containers set only {@code args} (the config file and flags), so what starts the JVM
 * is each image's entrypoint: it must be {@code java <JVM options> -jar
 * /opt/cairn/cairn-<engine>.jar}, taking the config file as its first argument. A container {@code
 * command} would replace it and drop the image's JVM options.
 */
class EngineImagesTest {
  @Test
  void everyEngineImageEntrypointCarriesJvmOptionsAndTakesTheConfigAsArgument() throws IOException {
    for (EngineKind engine : EngineKind.values()) {
      Path dockerfile = Path.of("..", engine.imageName() + "-image", "Dockerfile");
      String entrypoint =
          Files.readAllLines(dockerfile).stream()
              .filter(l -> l.startsWith("ENTRYPOINT "))
              .findFirst()
              .orElseThrow(() -> new AssertionError(dockerfile + " has no ENTRYPOINT"))
              .substring("ENTRYPOINT ".length());
      List<String> argv = Arrays.asList(new ObjectMapper().readValue(entrypoint, String[].class));
      assertThat(argv).as(dockerfile.toString()).first().isEqualTo("java");
      int jar = argv.indexOf("-jar");
      assertThat(jar).as(dockerfile + ": JVM options before -jar").isGreaterThan(1);
      assertThat(argv.subList(jar, argv.size()))
          .as(dockerfile.toString())
          .containsExactly("-jar", "/opt/cairn/cairn-" + engine.imageName() + ".jar");
    }
  }
}
