package dev.cairn.coord;

import dev.cairn.common.io.AtomicFile;
import dev.cairn.coord.quorum.Membership;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * ZooKeeper 3.5+'s files for a reconfigurable ensemble, next to zoo.cfg: a committed configuration
 * is written to {@code zoo.cfg.dynamic.<hex version>} (its {@code server.N} lines, sorted, no
 * version) and zoo.cfg is rewritten without its server lines and with {@code dynamicConfigFile=}
 * naming that file, so a restart (of Cairn or of Apache ZooKeeper) starts from the ensemble as it
 * is now. Before the first rewrite zoo.cfg is copied to {@code zoo.cfg.bak}, as ZooKeeper does when
 * reconfig is enabled.
 */
final class DynamicConfigFiles {
  private static final Pattern REWRITTEN =
      Pattern.compile("\\s*(server\\.\\d+|dynamicConfigFile)\\s*[=:].*");

  private final Path configFile;

  DynamicConfigFiles(Path configFile) {
    this.configFile = configFile.toAbsolutePath();
  }

  /** At start-up of a reconfigurable ensemble member whose zoo.cfg still lists the servers. */
  void backUpStaticConfig() throws IOException {
    AtomicFile.write(
        configFile.resolveSibling(configFile.getFileName() + ".bak"),
        Files.readAllBytes(configFile));
  }

  /** Writes the committed configuration's dynamic file and points zoo.cfg at it. */
  void committed(Membership config) throws IOException {
    Path dynamic =
        configFile.resolveSibling(
            configFile.getFileName() + ".dynamic." + Long.toHexString(config.version()));
    AtomicFile.write(dynamic, config.dynamicFileText().getBytes(StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(configFile, StandardCharsets.UTF_8)) {
      if (!REWRITTEN.matcher(line).matches()) {
        lines.add(line);
      }
    }
    lines.add("dynamicConfigFile=" + dynamic.toRealPath());
    AtomicFile.write(
        configFile, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
