package dev.cairn.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run check of the archives in target/images (written by this module's package phase): each
 * image is unpacked by umoci, its entrypoint runs as its user on a read-only root file system with
 * {@code /tmp} and its data volume writable ({@link Sandbox}), and a real client talks to it:
 * redis-cli, ZooKeeper's {@code srvr}, kcat.
 */
class ImageRunIT {
  private static final Path IMAGES = Path.of(System.getProperty("images.dir"));
  private static final String TAG = System.getProperty("images.version").replace("-SNAPSHOT", "");
  private static final Duration START = Duration.ofSeconds(90);
  private static final long ENGINE_SIZE_LIMIT = 120_000_000;

  @TempDir Path dir;

  @Test
  void cacheAnswersPing() throws Exception {
    // The cache has no persistence yet: nothing to find on its volume.
    runEngine("cache", "redis.conf", List.of("redis-cli", "ping"), "PONG");
  }

  @Test
  void coordinatorAnswersSrvrAndWritesItsDataVolume() throws Exception {
    String srvr = "exec 3<>/dev/tcp/127.0.0.1/2181; printf srvr >&3; cat <&3";
    assertWroteFiles(
        runEngine("coord", "zoo.cfg", List.of("bash", "-c", srvr), "Mode: standalone"));
  }

  @Test
  void brokerAnswersMetadataAndWritesItsDataVolume() throws Exception {
    List<String> metadata = List.of("kcat", "-b", "127.0.0.1:9092", "-L", "-m", "5");
    assertWroteFiles(runEngine("broker", "server.properties", metadata, "1 brokers:"));
  }

  /**
   * Runs engine {@code name} until {@code client}, run in its network namespace, prints {@code
   * serving}; checks the process's user and returns the host directory of its data volume.
   */
  private Path runEngine(String name, String configFile, List<String> client, String serving)
      throws Exception {
    UnpackedImage image = unpackEngine(name, configFile);
    Path data = Files.createDirectory(dir.resolve("data"));
    Commands.check("chown", "1000:1000", data.toString());
    Path log = dir.resolve(name + ".log");
    try (Sandbox sandbox = new Sandbox(dir)) {
      Process engine = sandbox.run(image, Map.of(data, "/var/lib/cairn"), List.of(), log);
      boolean up =
          Sandbox.awaitTrue(
                  START,
                  () ->
                      !engine.isAlive()
                          || sandbox.exec(client.toArray(String[]::new)).output().contains(serving))
              && engine.isAlive();
      assertThat(up).as(name + " serving; its log:\n" + Files.readString(log)).isTrue();
      long pid = Sandbox.containerProcess(engine).orElseThrow().pid();
      assertThat(Files.readAllLines(Path.of("/proc/" + pid + "/status")))
          .contains("Uid:\t1000\t1000\t1000\t1000", "Gid:\t1000\t1000\t1000\t1000");
    }
    return data;
  }

  private UnpackedImage unpackEngine(String name, String configFile) throws IOException {
    UnpackedImage image = unpack(name);
    // The operator's contract (EngineKind, ClusterStatefulSet): it sets only args, the config
    // file first, so the image's JVM options and jar stay in force.
    assertThat(image.args())
        .containsExactly(
            "java",
            "@/opt/cairn/jvm.options",
            "-jar",
            "/opt/cairn/cairn-" + name + ".jar",
            "/etc/cairn/" + configFile);
    assertThat(image.size()).as("unpacked size of cairn-" + name).isLessThan(ENGINE_SIZE_LIMIT);
    return image;
  }

  private UnpackedImage unpack(String name) throws IOException {
    UnpackedImage image =
        UnpackedImage.unpack(IMAGES.resolve("cairn-" + name + ".tar"), TAG, dir.resolve(name));
    assertThat(image.uid()).isEqualTo(1000);
    assertThat(image.gid()).isEqualTo(1000);
    assertThat(image.annotations())
        .containsEntry("org.opencontainers.image.version", TAG)
        .containsKeys("org.opencontainers.image.source", "org.opencontainers.image.licenses");
    return image;
  }

  private static void assertWroteFiles(Path volume) throws IOException {
    try (Stream<Path> files = Files.walk(volume)) {
      assertThat(files.filter(Files::isRegularFile)).as("files the engine wrote").isNotEmpty();
    }
  }
}
