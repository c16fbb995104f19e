package dev.cairn.broker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.broker.BrokerEngine;
import dev.cairn.broker.TestBrokers;
import dev.cairn.common.testkit.EngineExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.AclCommand;
import org.apache.kafka.tools.ConsumerPerformance;
import org.apache.kafka.tools.DeleteRecordsCommand;
import org.apache.kafka.tools.EndToEndLatency;
import org.apache.kafka.tools.GetOffsetShell;
import org.apache.kafka.tools.LeaderElectionCommand;
import org.apache.kafka.tools.LogDirsCommand;
import org.apache.kafka.tools.ProducerPerformance;
import org.apache.kafka.tools.TopicCommand;
import org.apache.kafka.tools.TransactionsCommand;
import org.apache.kafka.tools.VerifiableConsumer;
import org.apache.kafka.tools.VerifiableProducer;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;
import org.apache.kafka.tools.reassign.ReassignPartitionsCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Kafka's command-line tools, unmodified, against a three-broker cluster: each tool's main
 * runs in this JVM (its {@link Exit} turned into an exception, its standard output captured) as
 * kafka-topics.sh and friends run it, and the test reads what an operator would read. ConfigCommand
 * is Scala in Kafka's core jar, so it runs in a child JVM from the reference server's jars.
 */
class KafkaToolsTest {
  @TempDir static Path dir;
  private static TestingServer zk;
  private static List<BrokerEngine> brokers;
  private static String bootstrap;
  private static Admin admin;

  @BeforeAll
  static void startCluster() throws Exception {
    zk = new TestingServer(true);
    brokers = new ArrayList<>(TestBrokers.startCluster(zk.getConnectString(), dir, 3));
    bootstrap = TestBrokers.bootstrap(brokers.get(0));
    admin = Admin.create(TestBrokers.admin(brokers.get(0)));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    admin.close();
    for (BrokerEngine b : brokers) {
      b.stop(Duration.ofSeconds(1));
    }
    zk.close();
  }

  /** What a tool printed and the status it exited with. */
  record Outcome(int status, String out, String err) {
    Outcome ok() {
      assertThat(status).as("exit status; out:%n%s%nerr:%n%s", out, err).isZero();
      return this;
    }

    Outcome failed() {
      assertThat(status).as("exit status; out:%n%s%nerr:%n%s", out, err).isNotZero();
      return this;
    }
  }

  /** Thrown by {@link Exit#exit} in place of ending the JVM. */
  private static final class Exited extends RuntimeException {
    Exited(int status) {
      super("exit " + status, null, false, false);
    }
  }

  /** A tool's main, called as its shell script calls it. */
  @FunctionalInterface
  private interface Main {
    void main(String[] args) throws Exception;
  }

  /**
   * Runs {@code main} with {@code args}, capturing standard output and error. Tools end with
   * Exit.exit(status) or by returning (status 0); an exception out of main is status 1, as the JVM
   * reports it. The first Exit.exit is the status: the JVM would end there, but here its exception
   * may pass through the tool's own catch, which would exit again. The shutdown hooks a tool adds
   * (VerifiableProducer closes its producer in one) run when it is done, as at the JVM's exit.
   */
  private static synchronized Outcome run(Main main, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    AtomicInteger exited = new AtomicInteger(-1);
    List<Runnable> hooks = new ArrayList<>();
    int status = 0;
    Exit.setShutdownHookAdder((name, hook) -> hooks.add(hook));
    Exit.setExitProcedure((code, message) -> {
      exited.compareAndSet(-1, code);
      throw new Exited(code);
    });
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      main.main(args);
    } catch (Exited e) {
      // The status is in exited.
    } catch (Exception e) {
      e.printStackTrace();
      status = 1;
    } finally {
      hooks.forEach(Runnable::run);
      System.setOut(stdout);
      System.setErr(stderr);
      Exit.resetExitProcedure();
      Exit.resetShutdownHookAdder();
    }
    if (exited.get() >= 0) {
      status = exited.get();
    }
    Outcome outcome =
        new Outcome(
            status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    System.out.printf("$ %s%n%s[exit %d]%n", String.join(" ", args), outcome.out, status);
    return outcome;
  }

  /** kafka-configs.sh: Scala in Kafka's core jar, so a child JVM on the reference server's jars. */
  private static Outcome configs(String... args) throws Exception {
    String lib = System.getProperty("cairn.kafka.reference.lib");
    return child(
        Path.of(lib).resolve("*").toString(), "kafka.admin.ConfigCommand", withBootstrap(args));
  }

  /**
   * A tool in a JVM of its own, for the ones whose end only a real exit brings: the verifiable
   * clients call System.exit and close their client in a JVM shutdown hook.
   */
  private static Outcome child(String classPath, String mainClass, String... args)
      throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1",
                "-cp",
                classPath,
                mainClass));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    Outcome outcome = new Outcome(p.exitValue(), out, "");
    System.out.printf(
        "$ %s %s%n%s[exit %d]%n", mainClass, String.join(" ", args), out, outcome.status);
    return outcome;
  }

  private static Outcome topics(String... args) {
    return run(TopicCommand::main, withBootstrap(args));
  }

  private static Outcome groups(String... args) {
    return run(ConsumerGroupCommand::main, withBootstrap(args));
  }

  /** kafka-consumer-groups --reset-offsets ... --execute; what it printed. */
  private static String resetOffsets(String group, String topic, String... spec) {
    List<String> args =
        new ArrayList<>(List.of("--reset-offsets", "--group", group, "--topic", topic));
    args.addAll(List.of(spec));
    args.add("--execute");
    return groups(args.toArray(String[]::new)).ok().out();
  }

  private static String[] withBootstrap(String... args) {
    List<String> all = new ArrayList<>(List.of("--bootstrap-server", bootstrap));
    all.addAll(List.of(args));
    return all.toArray(String[]::new);
  }

  private static void produce(String topic, int partition, int count) throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(TestBrokers.producer(brokers.get(0)))) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, partition, "k" + i, "v" + i));
      }
      producer.flush();
    }
  }

  @Test
  void kafkaTopicsCreatesDescribesAltersListsAndDeletes() {
    String topic = "tools-topics";
    topics(
            "--create",
            "--topic",
            topic,
            "--partitions",
            "3",
            "--replication-factor",
            "3",
            "--config",
            "min.insync.replicas=2")
        .ok();
    assertThat(topics("--list").ok().out()).contains(topic);
    String described = topics("--describe", "--topic", topic).ok().out();
    assertThat(described)
        .contains("Topic: " + topic, "PartitionCount: 3", "ReplicationFactor: 3")
        .contains("min.insync.replicas=2")
        .contains("Partition: 2");
    topics("--alter", "--topic", topic, "--partitions", "5").ok();
    assertThat(topics("--describe", "--topic", topic).ok().out())
        .contains("PartitionCount: 5", "Partition: 4");
    assertThat(topics("--describe", "--under-replicated-partitions").ok().out()).isBlank();
    assertThat(topics("--describe", "--unavailable-partitions").ok().out()).isBlank();
    topics(
            "--create",
            "--topic",
            "tools-at-min-isr",
            "--partitions",
            "1",
            "--replication-factor",
            "3",
            "--config",
            "min.insync.replicas=3")
        .ok();
    assertThat(topics("--describe", "--at-min-isr-partitions").ok().out())
        .as("ISR 3 of min.insync.replicas 3; not %s's ISR 3 of 2", topic)
        .contains("Topic: tools-at-min-isr\tPartition: 0")
        .doesNotContain(topic + "\t");
    assertThat(topics("--describe", "--topic", "no-such-topic").failed().err())
        .contains("Topic 'no-such-topic' does not exist");
    topics("--delete", "--topic", topic).ok();
    await().atMost(Duration.ofSeconds(10)).until(() -> !topics("--list").out().contains(topic));
  }

  @Test
  void kafkaConsumerGroupsDescribesResetsAndDeletes() throws Exception {
    String topic = "tools-groups";
    String group = "tools-group";
    topics("--create", "--topic", topic, "--partitions", "2", "--replication-factor", "2").ok();
    produce(topic, 0, 10);
    produce(topic, 1, 5);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(TestBrokers.consumer(brokers.get(0), group))) {
      consumer.subscribe(List.of(topic));
      int read = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (read < 15 && System.nanoTime() < deadline) {
        read += consumer.poll(Duration.ofMillis(200)).count();
      }
      consumer.commitSync();
      assertThat(groups("--describe", "--group", group, "--state").ok().out())
          .contains(group, "Stable");
      assertThat(groups("--describe", "--group", group, "--members").ok().out())
          .contains(group, "consumer-" + group);
      assertThat(groups("--delete-offsets", "--group", group, "--topic", topic).out())
          .contains(
              "Deleting offsets of a topic is forbidden while the consumer group is actively"
                  + " subscribed to it.");
    }
    assertThat(groups("--list").ok().out()).contains(group);
    String offsets = groups("--describe", "--group", group, "--offsets").ok().out();
    assertThat(offsets).containsPattern(topic + "\\s+0\\s+10\\s+10\\s+0");
    assertThat(groups("--describe", "--group", group, "--state").ok().out()).contains("Empty");
    assertThat(resetOffsets(group, topic, "--to-earliest")).containsPattern(topic + "\\s+0\\s+0");
    assertThat(resetOffsets(group, topic + ":1", "--to-datetime", "2999-01-01T00:00:00.000"))
        .containsPattern(topic + "\\s+1\\s+5");
    assertThat(groups("--delete-offsets", "--group", group, "--topic", topic + ":1").ok().out())
        .contains("Request succeeded for deleting offsets from group " + group);
    assertThat(groups("--describe", "--group", group, "--offsets").ok().out())
        .doesNotContainPattern(topic + "\\s+1\\s+5");
    assertThat(groups("--delete", "--group", group).ok().out())
        .contains("Deletion of requested consumer groups ('" + group + "') was successful.");
    assertThat(groups("--list").ok().out()).doesNotContain(group);
  }

  @Test
  void kafkaReassignPartitionsGeneratesExecutesThrottledAndVerifies() throws Exception {
    String topic = "tools-reassign";
    topics("--create", "--topic", topic, "--replica-assignment", "1:2").ok();
    produce(topic, 0, 20);
    Path move = dir.resolve("move.json");
    Files.writeString(move, "{\"version\":1,\"topics\":[{\"topic\":\"" + topic + "\"}]}");
    assertThat(
            run(
                    ReassignPartitionsCommand::main,
                    withBootstrap(
                        "--generate",
                        "--topics-to-move-json-file",
                        move.toString(),
                        "--broker-list",
                        "1,2,3"))
                .ok()
                .out())
        .contains("Current partition replica assignment", "Proposed partition reassignment");
    Path plan = dir.resolve("plan.json");
    Files.writeString(
        plan,
        "{\"version\":1,\"partitions\":[{\"topic\":\""
            + topic
            + "\",\"partition\":0,\"replicas\":[2,3]}]}");
    assertThat(
            run(
                    ReassignPartitionsCommand::main,
                    withBootstrap(
                        "--execute",
                        "--reassignment-json-file",
                        plan.toString(),
                        "--throttle",
                        "10000000"))
                .ok()
                .out())
        .contains("Successfully started partition reassignment");
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .until(() ->
            run(
                    ReassignPartitionsCommand::main,
                    withBootstrap("--verify", "--reassignment-json-file", plan.toString()))
                .out()
                .contains("Reassignment of partition " + topic + "-0 is completed"));
    assertThat(topics("--describe", "--topic", topic).ok().out()).containsPattern("Replicas: 2,3");
  }

  @Test
  void kafkaLeaderElectionRunsPreferredAndUncleanElections() {
    String topic = "tools-election";
    topics("--create", "--topic", topic, "--replica-assignment", "1:2,2:3").ok();
    assertThat(
            run(
                    LeaderElectionCommand::main,
                    withBootstrap("--election-type", "preferred", "--all-topic-partitions"))
                .ok()
                .out())
        .containsAnyOf("Valid replica already elected", "Successfully completed leader election");
    assertThat(
            run(
                    LeaderElectionCommand::main,
                    withBootstrap(
                        "--election-type", "unclean", "--topic", topic, "--partition", "0"))
                .ok()
                .out())
        .contains("Valid replica already elected for partitions " + topic + "-0");
  }

  @Test
  void kafkaTopicsAndLeaderElectionAroundAStoppedBroker() throws Exception {
    String replicated = "tools-broker-down";
    String single = "tools-broker-down-single";
    topics("--create", "--topic", replicated, "--replica-assignment", "3:1:2").ok();
    topics("--create", "--topic", single, "--replica-assignment", "3").ok();
    brokers.get(2).stop(Duration.ofSeconds(1));
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() ->
              topics("--describe", "--under-replicated-partitions")
                  .out()
                  .contains("Topic: " + replicated + "\tPartition: 0\tLeader: 1"));
      assertThat(topics("--describe", "--unavailable-partitions").ok().out())
          .contains("Topic: " + single + "\tPartition: 0\tLeader: none");
    } finally {
      brokers.set(
          2,
          EngineExtension.startAndAwaitReady(
              TestBrokers.broker(
                  zk.getConnectString(), dir.resolve("logs3"), Map.of("broker.id", "3"))));
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> topics("--describe", "--under-replicated-partitions").out().isBlank());
    assertThat(
            run(
                    LeaderElectionCommand::main,
                    withBootstrap(
                        "--election-type", "preferred", "--topic", replicated, "--partition", "0"))
                .ok()
                .out())
        .contains(
            "Successfully completed leader election (PREFERRED) for partitions " + replicated);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() ->
            topics("--describe", "--topic", replicated).out().contains("Partition: 0\tLeader: 3"));
  }

  @Test
  void getOffsetShellDeleteRecordsAndLogDirs() throws Exception {
    String topic = "tools-offsets";
    topics("--create", "--topic", topic, "--partitions", "1", "--replication-factor", "3").ok();
    produce(topic, 0, 10);
    assertThat(
            run(GetOffsetShell::main, withBootstrap("--topic", topic, "--time", "-1")).ok().out())
        .isEqualTo(topic + ":0:10\n");
    Path offsets = dir.resolve("delete.json");
    Files.writeString(
        offsets,
        "{\"version\":1,\"partitions\":[{\"topic\":\""
            + topic
            + "\",\"partition\":0,"
            + "\"offset\":4}]}");
    assertThat(
            run(DeleteRecordsCommand::main, withBootstrap("--offset-json-file", offsets.toString()))
                .ok()
                .out())
        .contains("partition: " + topic + "-0\tlow_watermark: 4");
    assertThat(
            run(GetOffsetShell::main, withBootstrap("--topic", topic, "--time", "-2")).ok().out())
        .isEqualTo(topic + ":0:4\n");
    String logDirs =
        run(LogDirsCommand::main, withBootstrap("--describe", "--topic-list", topic)).ok().out();
    assertThat(logDirs)
        .contains("Received log directory information from brokers 1,2,3")
        .contains("\"partition\":\"" + topic + "-0\"");
  }

  @Test
  void kafkaTransactionsListsDescribesAndAbortsAHangingTransaction() throws Exception {
    String topic = "tools-txn";
    topics("--create", "--topic", topic, "--partitions", "1", "--replication-factor", "3").ok();
    var props = TestBrokers.producer(brokers.get(0));
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tools-txn-id");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, 0, "k", "v")).get(10, TimeUnit.SECONDS);
      assertThat(run(TransactionsCommand::main, withBootstrap("list")).ok().out())
          .containsPattern("tools-txn-id\\s+\\d+\\s+\\d+\\s+Ongoing");
      assertThat(
              run(
                      TransactionsCommand::main,
                      withBootstrap("describe", "--transactional-id", "tools-txn-id"))
                  .ok()
                  .out())
          .contains("tools-txn-id", "Ongoing", topic + "-0");
      String producers =
          run(
                  TransactionsCommand::main,
                  withBootstrap("describe-producers", "--topic", topic, "--partition", "0"))
              .ok()
              .out();
      assertThat(producers)
          .as("the open transaction starts at offset 0")
          .containsPattern("(?m)^\\d+\\s+0\\s+-?\\d+\\s+0\\s+\\d+\\s+0\\s*$");
      run(
              TransactionsCommand::main,
              withBootstrap("abort", "--topic", topic, "--partition", "0", "--start-offset", "0"))
          .ok();
      assertThat(
              run(
                      TransactionsCommand::main,
                      withBootstrap("describe-producers", "--topic", topic, "--partition", "0"))
                  .ok()
                  .out())
          .containsPattern("None\\s*$");
    }
  }

  @Test
  void kafkaConfigsAltersAndDescribesTopicAndDynamicBrokerConfigs() throws Exception {
    String topic = "tools-configs";
    topics("--create", "--topic", topic, "--partitions", "1", "--replication-factor", "1").ok();
    configs(
            "--alter",
            "--entity-type",
            "topics",
            "--entity-name",
            topic,
            "--add-config",
            "retention.ms=60000")
        .ok();
    assertThat(configs("--describe", "--entity-type", "topics", "--entity-name", topic).ok().out())
        .contains("retention.ms=60000");
    configs(
            "--alter",
            "--entity-type",
            "brokers",
            "--entity-name",
            "1",
            "--add-config",
            "log.retention.ms=604800000")
        .ok();
    configs(
            "--alter",
            "--entity-type",
            "brokers",
            "--entity-default",
            "--add-config",
            "log.retention.bytes=1073741824")
        .ok();
    assertThat(configs("--describe", "--entity-type", "brokers", "--entity-default").ok().out())
        .contains(
            "log.retention.bytes=1073741824 sensitive=false"
                + " synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.bytes=1073741824,"
                + " DEFAULT_CONFIG:log.retention.bytes=-1}");
    assertThat(
            configs("--describe", "--all", "--entity-type", "brokers", "--entity-name", "1")
                .ok()
                .out())
        .contains(
            "log.retention.ms=604800000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG",
            "log.retention.bytes=1073741824 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG",
            "num.io.threads=4");
    configs(
            "--alter",
            "--entity-type",
            "brokers",
            "--entity-default",
            "--delete-config",
            "log.retention.bytes")
        .ok();
  }

  @Test
  void performanceAndVerifiableClients() throws Exception {
    String topic = "tools-perf";
    topics("--create", "--topic", topic, "--partitions", "2", "--replication-factor", "2").ok();
    assertThat(
            run(
                    ProducerPerformance::main,
                    "--topic",
                    topic,
                    "--num-records",
                    "2000",
                    "--record-size",
                    "100",
                    "--throughput",
                    "-1",
                    "--producer-props",
                    "bootstrap.servers=" + bootstrap,
                    "acks=all")
                .ok()
                .out())
        .contains("2000 records sent");
    assertThat(
            run(ConsumerPerformance::main, withBootstrap("--topic", topic, "--messages", "2000"))
                .ok()
                .out())
        .containsPattern(",\\s*2000,");
    assertThat(
            child(
                    System.getProperty("java.class.path"),
                    VerifiableProducer.class.getName(),
                    withBootstrap("--topic", topic, "--max-messages", "10", "--acks", "-1"))
                .ok()
                .out())
        .containsOnlyOnce("\"value\":\"9\"")
        .contains("\"name\":\"producer_send_success\"", "\"name\":\"shutdown_complete\"");
    assertThat(
            child(
                    System.getProperty("java.class.path"),
                    VerifiableConsumer.class.getName(),
                    withBootstrap(
                        "--topic", topic, "--group-id", "tools-verifiable", "--max-messages", "10"))
                .ok()
                .out())
        .contains("\"name\":\"records_consumed\"");
    assertThat(
            run(
                    EndToEndLatency::main,
                    withBootstrap(
                        "--topic",
                        topic,
                        "--num-records",
                        "50",
                        "--producer-acks",
                        "all",
                        "--record-size",
                        "100"))
                .ok()
                .out())
        .contains("Avg latency");
  }

  @Test
  void kafkaAclsSaysNoAuthorizerIsConfigured() {
    assertThat(run(AclCommand::main, withBootstrap("--list")).failed().out())
        .contains("SecurityDisabledException: No Authorizer is configured.");
    assertThat(
            run(
                    AclCommand::main,
                    withBootstrap(
                        "--add",
                        "--allow-principal",
                        "User:alice",
                        "--operation",
                        "Read",
                        "--topic",
                        "tools-acl"))
                .failed()
                .out())
        .contains("No Authorizer is configured.");
  }
}
