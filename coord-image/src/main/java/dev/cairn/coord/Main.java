package dev.cairn.coord;

import dev.cairn.common.config.ConfigException;
import dev.cairn.common.engine.EngineLauncher;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code java -jar cairn-coord.jar zoo.cfg}, as {@code zkServer.sh start-foreground zoo.cfg}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    EngineLauncher.run(
        "cairn-coord",
        args,
        a -> {
          if (a.length != 1) {
            throw new ConfigException("usage: cairn-coord <zoo.cfg>");
          }
          Path cfg = Path.of(a[0]);
          if (!Files.isReadable(cfg)) {
            throw new ConfigException("cannot read configuration file " + cfg);
          }
          return new CoordinatorEngine(CoordinatorConfig.load(cfg));
        });
  }
}
