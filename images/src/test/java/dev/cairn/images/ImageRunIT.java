package dev.cairn.images;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run check of the archives in target/images (written by this module's package phase): each
 * image is unpacked by umoci, its entrypoint runs as its user on a read-only root file system with
 * {@code /tmp} and its data volume writable ({@link Sandbox}), and a real client talks to it:
 * redis-cli, ZooKeeper's {@code srvr}, kcat; the operator's health and metrics while it reconciles.
 */
class ImageRunIT {
  private static final Path IMAGES = Path.of(System.getProperty("images.dir"));
  private static final String TAG = System.getProperty("images.version").replace("-SNAPSHOT", "");
  private static final Duration START = Duration.ofSeconds(90);
  private static final long ENGINE_SIZE_LIMIT = 120_000_000;
  private static final long OPERATOR_SIZE_LIMIT = 220_000_000;

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
   * The operator's image against fabric8's mock API server (the AOT training's, run in the same
   * network namespace from the operator's test classes): it syncs, reconciles an Ensemble and a
   * CacheCluster to Ready, and answers health and metrics on its port, as its Deployment probes.
   */
  @Test
  void operatorReconcilesAndReportsHealthAndMetrics() throws Exception {
    UnpackedImage image = unpack("operator");
    assertThat(image.size()).as("unpacked size of cairn-operator").isLessThan(OPERATOR_SIZE_LIMIT);
    Path operator = Path.of(System.getProperty("user.dir")).getParent().resolve("operator");
    String trainingClassPath =
        operator.resolve("target/test-classes")
            + ":"
            + operator.resolve("target/classes")
            + ":"
            + Files.readString(operator.resolve("target/aot-training.cp")).strip();
    Path log = dir.resolve("operator.log");
    try (Sandbox sandbox = new Sandbox(dir)) {
      List<String> apiCommand =
          sandbox.inNamespace(
              ProcessHandle.current().info().command().orElse("java"),
              "-cp",
              trainingClassPath,
              "dev.cairn.operator.bench.FootprintApiServer",
              "2",
              operator.getParent().resolve("crds").toString());
      Process api =
          new ProcessBuilder(apiCommand).redirectError(dir.resolve("api.log").toFile()).start();
      try (BufferedReader apiOut =
              new BufferedReader(new InputStreamReader(api.getInputStream(), UTF_8));
          Writer apiIn = new OutputStreamWriter(api.getOutputStream(), UTF_8)) {
        String url = apiOut.readLine();
        assertThat(url).as("the mock API server's address").startsWith("API http://");
        Process engine =
            sandbox.run(
                image,
                Map.of(),
                List.of(
                    // As the AOT training runs it: without leader election, whose permission
                    // check (SelfSubjectRulesReview) the mock API server cannot answer.
                    "QUARKUS_PROFILE=local",
                    "KUBERNETES_MASTER=" + url.substring(4),
                    "KUBERNETES_NAMESPACE=default",
                    "KUBERNETES_AUTH_TRYKUBECONFIG=false",
                    "KUBERNETES_AUTH_TRYSERVICEACCOUNT=false"),
                log);
        String health =
            "exec 3<>/dev/tcp/127.0.0.1/8080; printf 'GET %s HTTP/1.0\\r\\n\\r\\n' >&3; cat <&3";
        boolean up =
            Sandbox.awaitTrue(
                    START,
                    () ->
                        !engine.isAlive()
                            || sandbox
                                .exec("bash", "-c", health.formatted("/q/health/ready"))
                                .output()
                                .contains("\"UP\""))
                && engine.isAlive();
        assertThat(up).as("operator ready; its log:\n" + Files.readString(log)).isTrue();
        apiIn.write("go\n");
        apiIn.flush();
        assertThat(apiOut.readLine())
            .as("resources Ready; the operator's log:\n" + Files.readString(log))
            .isEqualTo("READY 2");
        assertThat(sandbox.exec("bash", "-c", health.formatted("/metrics")).output())
            .contains("cairn_operator_managed_resources");
        long pid = Sandbox.containerProcess(engine).orElseThrow().pid();
        assertThat(Files.readAllLines(Path.of("/proc/" + pid + "/status")))
            .contains("Uid:\t1000\t1000\t1000\t1000");
        apiIn.write("stop\n");
        apiIn.flush();
      } finally {
        api.destroy();
        api.waitFor(10, TimeUnit.SECONDS);
      }
    }
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
