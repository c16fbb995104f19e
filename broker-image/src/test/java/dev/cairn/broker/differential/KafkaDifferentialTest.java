package dev.cairn.broker.differential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.broker.BrokerEngine;
import dev.cairn.broker.TestBrokers;
import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.common.testkit.EngineExtension;
import dev.cairn.common.testkit.FreePorts;
import dev.cairn.common.testkit.Transcript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidSessionTimeoutException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The differential test: one {@link Scenario} run against Apache Kafka (KRaft, single node, the
 * Maven Central jars of the kafka-clients version, in a child JVM) and against Cairn; every
 * observation must be equal. Both servers get the same broker settings.
 */
class KafkaDifferentialTest {
  /** The broker keys both servers are started with (server.properties names). */
  static final Map<String, String> SHARED_SETTINGS =
      Map.of(
          "num.partitions", "2",
          "log.retention.hours", "48",
          "auto.create.topics.enable", "true",
          "offsets.topic.replication.factor", "1",
          "offsets.topic.num.partitions", "5",
          "group.initial.rebalance.delay.ms", "0");

  @TempDir static Path dir;
  static KafkaReferenceServer kafka;
  static BrokerEngine cairn;
  static Transcript onCairn;
  static Transcript onKafka;
  static Transcript transactionsOnCairn;
  static Transcript transactionsOnKafka;

  @BeforeAll
  static void start() throws Exception {
    // Kafka boots in its own JVM while Cairn starts and runs the scenario.
    Files.createDirectories(dir.resolve("kafka"));
    kafka =
        KafkaReferenceServer.start(
            dir.resolve("kafka"), SHARED_SETTINGS, FreePorts.next(), FreePorts.next());
    Map<String, String> cfg = new LinkedHashMap<>(TestBrokers.baseConfig("", dir.resolve("cairn")));
    cfg.remove("zookeeper.connect");
    cfg.putAll(SHARED_SETTINGS);
    cairn = EngineExtension.startAndAwaitReady(new BrokerEngine(BrokerConfig.of(cfg)));

    // Both runs before any test, on fresh servers: the tests below may add state of their own.
    onCairn = Scenario.run(TestBrokers.bootstrap(cairn));
    long started = System.nanoTime();
    transactionsOnCairn = TransactionScenario.run(TestBrokers.bootstrap(cairn));
    System.out.printf("transactions on cairn: %d ms%n", (System.nanoTime() - started) / 1_000_000);
    kafka.awaitReady(Duration.ofSeconds(30));
    onKafka = Scenario.run(kafka.bootstrap());
    started = System.nanoTime();
    transactionsOnKafka = TransactionScenario.run(kafka.bootstrap());
    System.out.printf("transactions on kafka: %d ms%n", (System.nanoTime() - started) / 1_000_000);
    // The reference transcripts, kept by surefire in the -output.txt (Cairn's equal them on
    // success).
    System.out.println(onKafka);
    System.out.println(transactionsOnKafka);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cairn != null) {
      cairn.stop(Duration.ofSeconds(2));
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void theSameScriptObservesTheSameResultsOnKafkaAndCairn() throws Exception {
    // Not vacuous: the script ran to its end and produced, consumed and grouped.
    assertThat(onKafka.observations()).hasSizeGreaterThan(100);
    assertThat(onKafka.observations())
        .containsEntry("produce alpha-0 #4", "0@4 ts=+4000")
        .containsEntry("static a with b", "[alpha-0, alpha-1]")
        .containsKey("list topics at the end");

    assertSameObservations(onCairn, onKafka);
  }

  @Test
  void transactionsObserveTheSameOnKafkaAndCairn() {
    // Not vacuous: both isolation levels, fencing and the coordinator's errors were reached.
    assertThat(transactionsOnKafka.observations())
        .containsEntry("open: latest read_committed", "7")
        .containsKey("fenced producer commits")
        .containsKey("commit after abort");

    assertSameObservations(transactionsOnCairn, transactionsOnKafka);
  }

  static void assertSameObservations(Transcript cairnSide, Transcript kafkaSide) {
    List<String> differences = cairnSide.differencesFrom(kafkaSide, "kafka");
    assertThat(differences)
        .as(
            "observations that differ (%d of %d)%n%s%n%nwhole Kafka transcript:%n%s",
            differences.size(),
            kafkaSide.observations().size(),
            String.join("\n", differences),
            kafkaSide)
        .isEmpty();
  }

  /** Focused regressions for offsets on errors that this test found wrong, as Kafka 4.2 answers. */
  @Test
  void failedFetchesAndRejectedSequencesCarryTheOffsetsKafkaReports() throws Exception {
    try (Admin admin = Admin.create(TestBrokers.admin(cairn))) {
      admin.createTopics(List.of(new NewTopic("regressions", 1, (short) 1))).all().get();
    }
    try (RawKafkaClient raw = new RawKafkaClient("127.0.0.1", cairn.boundAddress().getPort())) {
      InitProducerIdResponse init =
          raw.send(
              new InitProducerIdRequest.Builder(
                      new InitProducerIdRequestData()
                          .setTransactionalId(null)
                          .setTransactionTimeoutMs(60_000))
                  .build((short) 4));
      long pid = init.data().producerId();
      short epoch = init.data().producerEpoch();
      assertThat(
              RawRequests.produce(
                  raw, "regressions", 0, RawRequests.batch(pid, epoch, 0, "a", "b")))
          .isEqualTo("NONE base=0 logStart=0");
      // Rejected by the partition's producer state, not before it: the log start is reported.
      assertThat(RawRequests.produce(raw, "regressions", 0, RawRequests.batch(pid, epoch, 7, "c")))
          .isEqualTo("OUT_OF_ORDER_SEQUENCE_NUMBER base=-1 logStart=0");

      FetchResponse r = raw.send(RawRequests.fetch("regressions", 0, 100));
      var pd = r.data().responses().get(0).partitions().get(0);
      assertThat(pd.errorCode()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE.code());
      assertThat(pd.highWatermark()).as("no watermarks on a failed partition").isEqualTo(-1);
      assertThat(pd.logStartOffset()).isEqualTo(-1);
    }
  }

  /** Focused regressions for Kafka 4 rules this test found Cairn missing. */
  @Test
  void topicsTimestampsAndCommitsFollowKafka4Rules() throws Exception {
    try (Admin admin = Admin.create(TestBrokers.admin(cairn))) {
      admin.createTopics(List.of(new NewTopic("rules.dot", 1, (short) 1))).all().get();
      assertThatThrownBy(() ->
              admin.createTopics(List.of(new NewTopic("rules_dot", 1, (short) 1))).all().get())
          .as("'.' and '_' collide")
          .hasCauseInstanceOf(InvalidTopicException.class);
      assertThatThrownBy(() ->
              admin
                  .createTopics(
                      List.of(
                          new NewTopic("rules-tiny", 1, (short) 1)
                              .configs(Map.of("segment.bytes", "1048575"))))
                  .all()
                  .get())
          .hasCauseInstanceOf(InvalidConfigurationException.class);
      admin
          .createTopics(
              List.of(
                  new NewTopic("rules-strict", 1, (short) 1)
                      .configs(Map.of("min.insync.replicas", "2"))))
          .all()
          .get();
      Uuid id =
          admin
              .describeTopics(List.of("rules.dot"))
              .allTopicNames()
              .get()
              .get("rules.dot")
              .topicId();
      assertThat(admin.describeTopics(TopicCollection.ofTopicIds(List.of(id))).allTopicIds().get())
          .extractingByKey(id)
          .extracting(TopicDescription::name)
          .isEqualTo("rules.dot");
      assertThatThrownBy(() ->
              admin
                  .alterConsumerGroupOffsets(
                      "rules-group",
                      Map.of(new TopicPartition("rules-missing", 0), new OffsetAndMetadata(1)))
                  .all()
                  .get())
          .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);

      Properties impatient = TestBrokers.consumer(cairn, "rules-impatient");
      impatient.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "1000");
      impatient.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "300");
      try (KafkaConsumer<String, String> c = new KafkaConsumer<>(impatient)) {
        c.subscribe(List.of("rules.dot"));
        assertThatThrownBy(() -> c.poll(Duration.ofSeconds(5)))
            .isInstanceOf(InvalidSessionTimeoutException.class);
      }
      assertThat(admin.listGroups().all().get())
          .as("a refused join creates no group")
          .extracting(GroupListing::groupId)
          .doesNotContain("rules-impatient");
    }
    Properties acksAll = TestBrokers.producer(cairn);
    acksAll.put(ProducerConfig.ACKS_CONFIG, "all");
    acksAll.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "5000");
    acksAll.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    try (KafkaProducer<String, String> p = new KafkaProducer<>(acksAll)) {
      assertThat(p.send(new ProducerRecord<>("rules-strict", "v")).get().offset())
          .as("min.insync.replicas is capped at the replication factor")
          .isZero();
      long twoHoursAhead = System.currentTimeMillis() + Duration.ofHours(2).toMillis();
      assertThatThrownBy(
              () -> p.send(new ProducerRecord<>("rules-strict", 0, twoHoursAhead, "k", "v")).get())
          .hasCauseInstanceOf(InvalidTimestampException.class);
    }
  }
}
