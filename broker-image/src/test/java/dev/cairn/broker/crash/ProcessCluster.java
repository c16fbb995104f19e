package dev.cairn.broker.crash;

import dev.cairn.broker.Main;
import dev.cairn.common.faults.EngineProcess;
import dev.cairn.common.faults.FaultHarness;
import dev.cairn.common.faults.Launch;
import dev.cairn.common.faults.Readiness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * A coordinator process and broker processes (ids 1..n) from the fault harness, each on its own
 * address with its own data directory, so tests can kill any of them with SIGKILL and restart it.
 * Brokers take the given {@code server.properties} lines after the common ones (listener, admin
 * port, coordinator address, session timeout). A short session timeout makes a killed broker's
 * leaderships move within seconds, and lets a restarted broker re-register soon.
 */
final class ProcessCluster {
  static final int BROKER_PORT = 9092;
  static final int ADMIN_PORT = 9404;

  private final FaultHarness faults;
  private final Map<Integer, EngineProcess> brokers = new TreeMap<>();

  ProcessCluster(FaultHarness faults) {
    this.faults = faults;
  }

  /**
   * Starts the coordinator, then {@code count} brokers one after the other, each until ready.
   *
   * @param sessionTimeoutMs how long a killed broker's session outlives it
   */
  void start(int count, int sessionTimeoutMs, List<String> brokerConfig) throws IOException {
    EngineProcess coordinator = faults.process("coord");
    String coordAddress = coordinator.address().getHostAddress();
    Path zooCfg = coordinator.directory().resolve("zoo.cfg");
    Files.writeString(
        zooCfg,
        String.join(
            "\n",
            "dataDir=" + coordinator.dataDirectory().toAbsolutePath(),
            "clientPortAddress=" + coordAddress,
            "clientPort=2181",
            "admin.serverAddress=" + coordAddress,
            "admin.serverPort=7000",
            "tickTime=250",
            ""));
    coordinator.start(
        classPath(dev.cairn.coord.Main.class.getName(), zooCfg),
        Readiness.readyz(coordinator.address(), 7000));
    for (int id = 1; id <= count; id++) {
      EngineProcess b = faults.process(count == 1 ? "broker" : "broker" + id);
      brokers.put(id, b);
      String address = b.address().getHostAddress();
      Path props = b.directory().resolve("server.properties");
      List<String> lines =
          new ArrayList<>(
              List.of(
                  "broker.id=" + id,
                  "listeners=PLAINTEXT://" + address + ":" + BROKER_PORT,
                  "zookeeper.connect=" + coordAddress + ":2181",
                  "zookeeper.session.timeout.ms=" + sessionTimeoutMs,
                  "log.dirs=" + b.dataDirectory().toAbsolutePath(),
                  "cairn.admin.host=" + address,
                  "cairn.admin.port=" + ADMIN_PORT));
      lines.addAll(brokerConfig);
      lines.add("");
      Files.writeString(props, String.join("\n", lines));
      b.start(classPath(Main.class.getName(), props), Readiness.readyz(b.address(), ADMIN_PORT));
    }
  }

  private static Launch classPath(String mainClass, Path config) {
    return new Launch(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            mainClass,
            config.toAbsolutePath().toString()));
  }

  /**
   * Broker settings for replicated tests, then {@code more}: every topic, internal ones included,
   * with replication factor 3 and min.insync.replicas 2; one partition for each internal topic, so
   * one broker coordinates every group and every transactional id.
   */
  static List<String> replicated(String... more) {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "default.replication.factor=3",
                "min.insync.replicas=2",
                "offsets.topic.replication.factor=3",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=3",
                "transaction.state.log.min.isr=2",
                "transaction.state.log.num.partitions=1"));
    lines.addAll(List.of(more));
    return lines;
  }

  EngineProcess broker(int id) {
    return brokers.get(id);
  }

  List<EngineProcess> brokers() {
    return List.copyOf(brokers.values());
  }

  String bootstrap() {
    return brokers.values().stream()
        .map(b -> b.address().getHostAddress() + ":" + BROKER_PORT)
        .collect(Collectors.joining(","));
  }

  /** Client properties naming every broker. */
  Properties clientProps() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    return p;
  }

  /** The partitions of {@code topic} as the cluster describes them now. */
  static List<TopicPartitionInfo> describe(Admin admin, String topic) throws Exception {
    TopicDescription d =
        admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
    return d.partitions();
  }

  /** Waits until every partition of each topic has a leader and all its replicas in sync. */
  void awaitFullIsr(Admin admin, Duration timeout, String... topics) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        boolean whole = true;
        for (String topic : topics) {
          List<TopicPartitionInfo> parts = describe(admin, topic);
          last = topic + " " + parts;
          whole &=
              parts.stream()
                  .allMatch(p -> p.leader() != null && p.isr().size() == p.replicas().size());
        }
        if (whole) {
          return;
        }
      } catch (Exception e) {
        last = e.toString();
      }
      Thread.sleep(200);
    }
    throw new AssertionError("ISR not whole after " + timeout + ": " + last);
  }
}
