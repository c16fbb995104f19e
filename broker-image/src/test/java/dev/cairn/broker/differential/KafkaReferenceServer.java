package dev.cairn.broker.differential;

import dev.cairn.common.testkit.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * Apache Kafka (KRaft; one node that is both broker and controller, or three) in a child JVM, run
 * from the jars the {@code kafka-reference} module copies from Maven Central. A child process
 * because the server's dependencies (Scala, its own kafka-clients, log4j) would clash with this
 * test class path. Bound to 127.0.0.1 on free ports; killed on {@link #close()} and by a shutdown
 * hook.
 */
final class KafkaReferenceServer implements AutoCloseable {
  /** Set by broker-image's surefire configuration: {@code kafka-reference/target/lib}. */
  static final String LIB_PROPERTY = "cairn.kafka.reference.lib";

  private final Process process;
  private final Thread killer;
  private final Path log;
  private final int port;

  private KafkaReferenceServer(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
    this.killer = new Thread(process::destroyForcibly, "kill-reference-kafka");
    Runtime.getRuntime().addShutdownHook(killer);
  }

  /**
   * Formats a storage directory under {@code dir} and starts Kafka with {@code settings} (the
   * broker keys shared with Cairn) plus the KRaft keys a single node needs.
   */
  static KafkaReferenceServer start(
      Path dir, Map<String, String> settings, int port, int controllerPort)
      throws IOException, InterruptedException {
    return startNode(
        dir,
        settings,
        0,
        port,
        controllerPort,
        "0@127.0.0.1:" + controllerPort,
        Uuid.randomUuid().toString());
  }

  /**
   * Three nodes of one cluster, ids 1 to 3, under {@code dir}: node 1 is broker and the KRaft
   * controller (the only voter), nodes 2 and 3 are brokers only, so that any of them but node 1 can
   * stop without the cluster losing its controller. Formatted and started in parallel in the
   * background (each node's format is a JVM of its own); {@link #awaitReady} once they are there.
   */
  static CompletableFuture<List<KafkaReferenceServer>> startThree(
      Path dir, Map<String, String> settings) throws IOException {
    int controllerPort = FreePorts.next();
    String voters = "1@127.0.0.1:" + controllerPort;
    String clusterId = Uuid.randomUuid().toString();
    Map<String, String> kraft = new LinkedHashMap<>(settings);
    // Heartbeats every 0.5 s (2 s by default): a controlled shutdown, which waits for the
    // controller's answer to a heartbeat, takes a second rather than several.
    kraft.put("broker.heartbeat.interval.ms", "500");
    List<CompletableFuture<KafkaReferenceServer>> nodes = new ArrayList<>();
    // Not the common pool: on two cores it runs one task at a time.
    ExecutorService starter = Executors.newVirtualThreadPerTaskExecutor();
    try {
      for (int id = 1; id <= 3; id++) {
        int node = id;
        Path nodeDir = Files.createDirectories(dir.resolve("kafka-" + id));
        int port = FreePorts.next();
        nodes.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return startNode(
                        nodeDir,
                        kraft,
                        node,
                        port,
                        node == 1 ? controllerPort : 0,
                        voters,
                        clusterId);
                  } catch (Exception e) {
                    throw new CompletionException(e);
                  }
                },
                starter));
      }
      return CompletableFuture.allOf(nodes.toArray(CompletableFuture[]::new))
          .thenApply(done -> nodes.stream().map(CompletableFuture::join).toList());
    } finally {
      // Takes no new tasks; the nodes' starts run on (closing the executor would wait for them).
      starter.shutdown();
    }
  }

  /**
   * Formats and starts node {@code nodeId}: broker and controller on {@code controllerPort} if it
   * is above 0, else a broker of the controllers {@code voters}.
   */
  private static KafkaReferenceServer startNode(
      Path dir,
      Map<String, String> settings,
      int nodeId,
      int port,
      int controllerPort,
      String voters,
      String clusterId)
      throws IOException, InterruptedException {
    Path lib = libDirectory();
    Path props = dir.resolve("kafka.properties");
    boolean controller = controllerPort > 0;
    StringBuilder sb = new StringBuilder();
    settings.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    sb.append("process.roles=")
        .append(controller ? "broker,controller" : "broker")
        .append("\nnode.id=")
        .append(nodeId)
        .append("\ncontroller.quorum.voters=")
        .append(voters)
        .append("\nlisteners=PLAINTEXT://127.0.0.1:")
        .append(port)
        .append(controller ? ",CONTROLLER://127.0.0.1:" + controllerPort : "")
        .append('\n')
        .append("advertised.listeners=PLAINTEXT://127.0.0.1:")
        .append(port)
        .append('\n')
        .append("controller.listener.names=CONTROLLER\n")
        .append("listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT\n")
        .append("log.dirs=")
        .append(dir.resolve("data"))
        .append('\n')
        .append("transaction.state.log.replication.factor=1\n")
        .append("transaction.state.log.min.isr=1\n");
    Files.writeString(props, sb.toString());
    Path log = dir.resolve("kafka.log");
    String classPath = lib.resolve("*").toString();

    List<String> format =
        new ArrayList<>(
            List.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", props.toString()));
    if (controller) {
      // Without eligible leader replicas (KIP-966, not in Cairn), whose bootstrap would add a
      // cluster-level dynamic min.insync.replicas that Cairn cannot have.
      format.addAll(List.of("--feature", "eligible.leader.replicas.version=0"));
    }
    Process formatting = javaProcess(classPath, log, format.toArray(String[]::new)).start();
    if (!formatting.waitFor(60, TimeUnit.SECONDS) || formatting.exitValue() != 0) {
      formatting.destroyForcibly();
      throw new IllegalStateException("kafka storage format failed, see " + log);
    }
    Process server = javaProcess(classPath, log, "kafka.Kafka", props.toString()).start();
    return new KafkaReferenceServer(server, log, port);
  }

  private static Path libDirectory() {
    String lib = System.getProperty(LIB_PROPERTY);
    if (lib == null || !Files.isDirectory(Path.of(lib))) {
      throw new IllegalStateException(
          "no Apache Kafka jars at "
              + LIB_PROPERTY
              + "="
              + lib
              + ": build the kafka-reference module first (./mvnw install -pl kafka-reference)");
    }
    Path jar = Path.of(lib, "kafka_2.13-" + AppInfoParser.getVersion() + ".jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "the reference Kafka must be the kafka-clients version, " + jar + " is missing");
    }
    return Path.of(lib);
  }

  private static ProcessBuilder javaProcess(String classPath, Path log, String... args) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx512m",
                "-XX:+UseSerialGC",
                // Start-up speed over peak throughput: the scenario is short.
                "-XX:TieredStopAtLevel=1",
                "-Djava.net.preferIPv4Stack=true",
                "-cp",
                classPath));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
  }

  String bootstrap() {
    return "127.0.0.1:" + port;
  }

  /** Waits until the broker is registered (DescribeCluster lists it) or fails after the timeout. */
  void awaitReady(Duration timeout) throws InterruptedException, IOException {
    awaitReady(timeout, 1);
  }

  /** Waits until DescribeCluster, asked of this broker, lists {@code brokers} brokers. */
  void awaitReady(Duration timeout, int brokers) throws InterruptedException, IOException {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000");
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(p)) {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "kafka exited with " + process.exitValue() + ":\n" + Files.readString(log));
        }
        try {
          if (admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).size() >= brokers) {
            return;
          }
        } catch (Exception notYet) {
          Thread.sleep(100);
        }
      }
    }
    throw new IllegalStateException("kafka not ready after " + timeout + ", see " + log);
  }

  /** SIGTERM, as an operator stops a broker (controlled shutdown); waits until it exited. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Kills the server outright: its data directory is thrown away, nothing needs a clean stop. */
  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }
}
