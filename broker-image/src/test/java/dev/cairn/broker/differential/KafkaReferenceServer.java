package dev.cairn.broker.differential;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * Apache Kafka (KRaft, one node that is both broker and controller) in a child JVM, run from the
 * jars the {@code kafka-reference} module copies from Maven Central. A child process because the
 * server's dependencies (Scala, its own kafka-clients, log4j) would clash with this test class
 * path. Bound to 127.0.0.1 on free ports; killed on {@link #close()} and by a shutdown hook.
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
    Path lib = libDirectory();
    Path props = dir.resolve("kafka.properties");
    StringBuilder sb = new StringBuilder();
    settings.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    sb.append("process.roles=broker,controller\n")
        .append("node.id=0\n")
        .append("controller.quorum.voters=0@127.0.0.1:")
        .append(controllerPort)
        .append('\n')
        .append("listeners=PLAINTEXT://127.0.0.1:")
        .append(port)
        .append(",CONTROLLER://127.0.0.1:")
        .append(controllerPort)
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

    Process format =
        javaProcess(
                classPath,
                log,
                "kafka.tools.StorageTool",
                "format",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                props.toString(),
                // Without eligible leader replicas (KIP-966, not in Cairn), whose bootstrap would
                // add a cluster-level dynamic min.insync.replicas that Cairn cannot have.
                "--feature",
                "eligible.leader.replicas.version=0")
            .start();
    if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
      format.destroyForcibly();
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
          if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception notYet) {
          Thread.sleep(100);
        }
      }
    }
    throw new IllegalStateException("kafka not ready after " + timeout + ", see " + log);
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
