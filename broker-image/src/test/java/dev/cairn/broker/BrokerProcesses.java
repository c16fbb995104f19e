package dev.cairn.broker;

import dev.cairn.common.faults.EngineProcess;
import dev.cairn.common.faults.FaultHarness;
import dev.cairn.common.faults.Launch;
import dev.cairn.common.faults.Readiness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * A coordinator process and N broker processes from the {@link FaultHarness}, each on its own
 * loopback address, for tests that kill, stop, pause or cut off real brokers:
 *
 * <pre>{@code
 * @RegisterExtension final FaultHarness faults = new FaultHarness();
 *
 * BrokerProcesses cluster = BrokerProcesses.start(faults, 3, Map.of("min.insync.replicas", "2"));
 * Admin.create(cluster.clientProps());
 * cluster.kill(2); cluster.restart(2);           // SIGKILL, then the same broker again
 * cluster.broker(2).stop();                       // SIGTERM, or pause(), resume(), ...
 * }</pre>
 *
 * <p>Brokers are numbered from 1 ({@code broker.id}, process name {@code broker<id>}). Each runs
 * {@link #DEFAULTS} under the caller's overrides ({@link #replicated} for replication factor 3
 * everywhere). The brokers start in parallel: each JVM's start-up is seconds of mostly
 * single-threaded class loading, so three take little more than one. The harness owns the
 * processes; {@link #close} only kills them early.
 */
public final class BrokerProcesses implements AutoCloseable {
  public static final int BROKER_PORT = 9092;
  public static final int ADMIN_PORT = 9404;
  private static final int COORDINATOR_PORT = 2181;
  private static final int COORDINATOR_ADMIN_PORT = 7000;

  /**
   * Short timeouts, so that tests of failures wait seconds rather than Kafka's half minutes: the
   * coordinator ticks every 250 ms (sessions from 500 ms), a killed broker's session (and with it
   * its registration and controllership) ends after 2 s, a follower that stops fetching leaves the
   * ISR after 3 s.
   */
  public static final Map<String, String> DEFAULTS =
      Map.of(
          "zookeeper.session.timeout.ms", "2000",
          "replica.lag.time.max.ms", "3000",
          "group.initial.rebalance.delay.ms", "0");

  private static final String COORDINATOR_TICK_MS = "250";

  /** How long {@link #awaitFullIsr} waits, by default, for a restarted replica to catch up. */
  public static final Duration AWAIT = Duration.ofSeconds(60);

  private final EngineProcess coordinator;
  private final Map<Integer, EngineProcess> brokers;

  private BrokerProcesses(EngineProcess coordinator, Map<Integer, EngineProcess> brokers) {
    this.coordinator = coordinator;
    this.brokers = brokers;
  }

  /** Starts a coordinator, then {@code count} brokers at once, and waits until all are ready. */
  public static BrokerProcesses start(FaultHarness faults, int count, Map<String, String> overrides)
      throws Exception {
    EngineProcess coordinator = startCoordinator(faults);
    String connect = coordinator.address().getHostAddress() + ":" + COORDINATOR_PORT;
    Map<Integer, EngineProcess> brokers = new TreeMap<>();
    for (int id = 1; id <= count; id++) {
      brokers.put(id, faults.process("broker" + id));
    }
    ExecutorService starter = Executors.newFixedThreadPool(count);
    try {
      List<Future<?>> started = new ArrayList<>();
      brokers.forEach((id, broker) ->
          started.add(
              starter.submit(() -> {
                startBroker(broker, id, connect, overrides);
                return null;
              })));
      for (Future<?> f : started) {
        try {
          f.get();
        } catch (ExecutionException e) {
          throw e.getCause() instanceof Exception cause ? cause : e;
        }
      }
    } finally {
      starter.shutdownNow();
    }
    return new BrokerProcesses(coordinator, brokers);
  }

  /**
   * Overrides for replicated tests, then {@code more}: every topic, internal ones included, with
   * replication factor 3 and min.insync.replicas 2; one partition for each internal topic, so one
   * broker coordinates every group and every transactional id.
   */
  public static Map<String, String> replicated(Map<String, String> more) {
    Map<String, String> config =
        new LinkedHashMap<>(
            Map.of(
                "default.replication.factor", "3",
                "min.insync.replicas", "2",
                "offsets.topic.replication.factor", "3",
                "offsets.topic.num.partitions", "1",
                "transaction.state.log.replication.factor", "3",
                "transaction.state.log.min.isr", "2",
                "transaction.state.log.num.partitions", "1"));
    config.putAll(more);
    return config;
  }

  private static EngineProcess startCoordinator(FaultHarness faults) throws IOException {
    EngineProcess coordinator = faults.process("coord");
    String address = coordinator.address().getHostAddress();
    Path cfg = coordinator.directory().resolve("zoo.cfg");
    Files.writeString(
        cfg,
        lines(
            Map.of(
                "dataDir",
                coordinator.dataDirectory().toAbsolutePath().toString(),
                "clientPortAddress",
                address,
                "clientPort",
                "" + COORDINATOR_PORT,
                "admin.serverAddress",
                address,
                "admin.serverPort",
                "" + COORDINATOR_ADMIN_PORT,
                "tickTime",
                COORDINATOR_TICK_MS)));
    coordinator.start(
        launch(dev.cairn.coord.Main.class.getName(), cfg),
        Readiness.readyz(coordinator.address(), COORDINATOR_ADMIN_PORT));
    return coordinator;
  }

  private static void startBroker(
      EngineProcess broker, int id, String connect, Map<String, String> overrides) {
    String address = broker.address().getHostAddress();
    Map<String, String> config = new LinkedHashMap<>();
    config.put("broker.id", "" + id);
    config.put("listeners", "PLAINTEXT://" + address + ":" + BROKER_PORT);
    config.put("zookeeper.connect", connect);
    config.put("log.dirs", broker.dataDirectory().toAbsolutePath().toString());
    config.put("cairn.admin.host", address);
    config.put("cairn.admin.port", "" + ADMIN_PORT);
    config.putAll(DEFAULTS);
    config.putAll(overrides);
    Path props = broker.directory().resolve("server.properties");
    try {
      Files.writeString(props, lines(config));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    broker.start(
        launch(Main.class.getName(), props), Readiness.readyz(broker.address(), ADMIN_PORT));
  }

  private static String lines(Map<String, String> config) {
    return config.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue() + "\n")
        .collect(Collectors.joining());
  }

  /**
   * Start-up over peak speed, as for the reference Kafka: on two shared cores a restarted broker's
   * C2 compiler threads compete with the running ones, and kill tests restart brokers dozens of
   * times.
   */
  private static Launch launch(String mainClass, Path config) {
    return new Launch(
        List.of(
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            mainClass,
            config.toAbsolutePath().toString()));
  }

  public EngineProcess coordinator() {
    return coordinator;
  }

  /** Broker {@code id} (from 1). */
  public EngineProcess broker(int id) {
    EngineProcess broker = brokers.get(id);
    if (broker == null) {
      throw new IllegalArgumentException("no broker " + id + "; brokers: " + brokers.keySet());
    }
    return broker;
  }

  /** Broker ids to processes, in id order. */
  public Map<Integer, EngineProcess> brokers() {
    return Collections.unmodifiableMap(brokers);
  }

  /** kill -9 of broker {@code id}; returns once it is gone. */
  public void kill(int id) {
    broker(id).kill();
  }

  /** Starts broker {@code id} again on its address and log dir; returns once it is ready. */
  public void restart(int id) {
    broker(id).restart();
  }

  /** Restarts every broker that is not running (after a test that left one down). */
  public void restartStopped() {
    brokers.values().stream().filter(b -> !b.running()).forEach(EngineProcess::restart);
  }

  /** {@code bootstrap.servers}: every broker's listener. */
  public String bootstrap() {
    return brokers.values().stream()
        .map(b -> b.address().getHostAddress() + ":" + BROKER_PORT)
        .collect(Collectors.joining(","));
  }

  /** Client properties with {@link #bootstrap}, for any kafka-clients client. */
  public Properties clientProps() {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap());
    return p;
  }

  /** String producers, consumers and admin clients for every broker. */
  public ClientProps clients() {
    return new ClientProps(bootstrap());
  }

  /** The partitions of {@code topic} as the cluster describes them now, by partition number. */
  public static List<TopicPartitionInfo> describe(Admin admin, String topic) throws Exception {
    return admin
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get(10, TimeUnit.SECONDS)
        .get(topic)
        .partitions()
        .stream()
        .sorted(Comparator.comparingInt(TopicPartitionInfo::partition))
        .toList();
  }

  /** Waits until every partition of each topic has a leader and all its replicas in sync. */
  public static void awaitFullIsr(Admin admin, Duration timeout, String... topics)
      throws Exception {
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
      Thread.sleep(100);
    }
    throw new AssertionError("ISR not whole after " + timeout + ": " + last);
  }

  /** Kills every process now (SIGKILL); the harness would do it after the test anyway. */
  @Override
  public void close() {
    brokers.values().stream().filter(EngineProcess::running).forEach(EngineProcess::kill);
    if (coordinator.running()) {
      coordinator.kill();
    }
  }
}
