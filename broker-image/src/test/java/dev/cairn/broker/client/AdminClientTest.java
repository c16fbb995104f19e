package dev.cairn.broker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.broker.SingleBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every admin API through kafka-clients' AdminClient, with Kafka's errors. */
class AdminClientTest {
  @RegisterExtension
  static final SingleBroker broker =
      new SingleBroker(Map.of("log.retention.hours", "48", "auto.create.topics.enable", "false"));

  static Admin admin;

  @BeforeAll
  static void connect() {
    admin = Admin.create(broker.admin());
  }

  @AfterAll
  static void disconnect() {
    admin.close();
  }

  @Test
  void describeLogDirsReportsEachPartitionsSize() throws Exception {
    admin.createTopics(List.of(new NewTopic("sized", 2, (short) 1))).all().get();
    try (var producer =
        new org.apache.kafka.clients.producer.KafkaProducer<String, String>(broker.producer())) {
      producer
          .send(new org.apache.kafka.clients.producer.ProducerRecord<>("sized", 0, "k", "v"))
          .get();
    }
    var dirs =
        admin
            .describeLogDirs(List.of(broker.engine().clusterMetadata().image().controllerId()))
            .allDescriptions()
            .get()
            .values()
            .iterator()
            .next();
    assertThat(dirs).hasSize(1);
    var description = dirs.values().iterator().next();
    assertThat(description.error()).isNull();
    assertThat(description.totalBytes().orElse(0)).isPositive();
    var p0 = description.replicaInfos().get(new org.apache.kafka.common.TopicPartition("sized", 0));
    var p1 = description.replicaInfos().get(new org.apache.kafka.common.TopicPartition("sized", 1));
    assertThat(p0.size()).as("one record written").isPositive();
    assertThat(p1.size()).isZero();
  }

  @Test
  void createDescribeGrowAndDeleteTopicsWithKafkasErrors() throws Exception {
    admin.createTopics(List.of(new NewTopic("life", 2, (short) 1))).all().get();
    TopicDescription d = admin.describeTopics(List.of("life")).allTopicNames().get().get("life");
    assertThat(d.partitions()).hasSize(2);
    assertThat(d.partitions().get(0).leader().id()).isEqualTo(0);
    assertThat(d.topicId()).isNotNull();

    assertThatThrownBy(
            () -> admin.createTopics(List.of(new NewTopic("life", 1, (short) 1))).all().get())
        .hasCauseInstanceOf(TopicExistsException.class);
    assertThatThrownBy(
            () -> admin.createTopics(List.of(new NewTopic("wide", 1, (short) 2))).all().get())
        .hasCauseInstanceOf(InvalidReplicationFactorException.class);
    assertThatThrownBy(() ->
            admin
                .createTopics(
                    List.of(new NewTopic("bad-cfg", 1, (short) 1).configs(Map.of("no.such", "1"))))
                .all()
                .get())
        .hasCauseInstanceOf(InvalidConfigurationException.class);

    admin.createPartitions(Map.of("life", NewPartitions.increaseTo(4))).all().get();
    assertThat(admin.describeTopics(List.of("life")).allTopicNames().get().get("life").partitions())
        .hasSize(4);
    assertThatThrownBy(
            () -> admin.createPartitions(Map.of("life", NewPartitions.increaseTo(3))).all().get())
        .hasCauseInstanceOf(InvalidPartitionsException.class);

    admin.deleteTopics(List.of("life")).all().get();
    assertThat(admin.listTopics().names().get()).doesNotContain("life");
    assertThatThrownBy(() -> admin.deleteTopics(List.of("life")).all().get())
        .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
    assertThat(admin.describeCluster().nodes().get()).hasSize(1);
    assertThat(admin.describeCluster().controller().get().id()).isZero();
    // No ACLs yet: asked for, authorized operations are all a resource supports (Kafka without an
    // authorizer), not absent.
    assertThat(
            admin
                .describeCluster(new DescribeClusterOptions().includeAuthorizedOperations(true))
                .authorizedOperations()
                .get())
        .contains(AclOperation.IDEMPOTENT_WRITE, AclOperation.DESCRIBE_CONFIGS)
        .hasSize(7);
  }

  @Test
  void describeAndAlterTopicConfigsIncrementallyAndWhole() throws Exception {
    CreateTopicsResult created =
        admin.createTopics(
            List.of(new NewTopic("cfg", 1, (short) 1).configs(Map.of("retention.ms", "1000"))));
    created.all().get();
    // CreateTopics v5+ answers with the new topic's configuration, as Kafka does.
    assertThat(created.config("cfg").get().get("retention.ms").source())
        .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
    assertThat(created.config("cfg").get().get("max.message.bytes").value()).isEqualTo("1048588");
    ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, "cfg");
    Config c = admin.describeConfigs(List.of(res)).all().get().get(res);
    assertThat(c.get("retention.ms").value()).isEqualTo("1000");
    assertThat(c.get("retention.ms").source())
        .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
    assertThat(c.get("segment.bytes").value()).isEqualTo("" + (1 << 30));
    assertThat(c.get("segment.bytes").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
    assertThat(c.get("retention.bytes").value()).isEqualTo("-1");

    admin
        .incrementalAlterConfigs(
            Map.of(
                res,
                List.of(
                    new AlterConfigOp(
                        new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND),
                    new AlterConfigOp(
                        new ConfigEntry("retention.ms", null), AlterConfigOp.OpType.DELETE))))
        .all()
        .get();
    c = admin.describeConfigs(List.of(res)).all().get().get(res);
    assertThat(c.get("cleanup.policy").value()).isEqualTo("delete,compact");
    assertThat(c.get("retention.ms").value()).isEqualTo("" + 48 * 3_600_000L);
    // Only log.retention.ms names a source for retention.ms: Kafka 4 reports DEFAULT_CONFIG when
    // the value comes from log.retention.hours.
    assertThat(c.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);

    assertThatThrownBy(() ->
            admin
                .incrementalAlterConfigs(
                    Map.of(
                        res,
                        List.of(
                            new AlterConfigOp(
                                new ConfigEntry("retention.ms", "soon"),
                                AlterConfigOp.OpType.SET))))
                .all()
                .get())
        .hasCauseInstanceOf(InvalidConfigurationException.class);

    ConfigResource brokerRes = new ConfigResource(ConfigResource.Type.BROKER, "0");
    Config b = admin.describeConfigs(List.of(brokerRes)).all().get().get(brokerRes);
    assertThat(b.get("log.retention.hours").value()).isEqualTo("48");
    assertThat(b.get("num.partitions").value()).isEqualTo("1");
    ConfigResource clusterDefaults = new ConfigResource(ConfigResource.Type.BROKER, "");
    assertThat(
            admin
                .describeConfigs(List.of(clusterDefaults))
                .all()
                .get()
                .get(clusterDefaults)
                .entries())
        .as("no dynamic cluster-wide broker defaults")
        .isEmpty();
  }

  @Test
  void listOffsetsAndDeleteRecordsMoveTheLowWatermark() throws Exception {
    admin.createTopics(List.of(new NewTopic("offsets", 1, (short) 1))).all().get();
    long base = 1_700_000_000_000L;
    try (KafkaProducer<String, String> p = new KafkaProducer<>(broker.producer())) {
      for (int i = 0; i < 10; i++) {
        p.send(new ProducerRecord<>("offsets", 0, base + i * 1000L, "k", "v" + i)).get();
      }
    }
    TopicPartition tp = new TopicPartition("offsets", 0);
    assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get().get(tp).offset())
        .isZero();
    assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset())
        .isEqualTo(10);
    assertThat(
            admin
                .listOffsets(Map.of(tp, OffsetSpec.forTimestamp(base + 3500)))
                .all()
                .get()
                .get(tp)
                .offset())
        .isEqualTo(4);
    assertThat(
            admin
                .listOffsets(Map.of(tp, OffsetSpec.forTimestamp(base + 99_000)))
                .all()
                .get()
                .get(tp))
        .satisfies(none -> assertThat(none.offset()).isEqualTo(-1))
        .satisfies(none -> assertThat(none.leaderEpoch()).as("no match, no epoch").isEmpty());
    assertThat(
            admin.listOffsets(Map.of(tp, OffsetSpec.maxTimestamp())).all().get().get(tp).offset())
        .isEqualTo(9);

    long low =
        admin
            .deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(7)))
            .lowWatermarks()
            .get(tp)
            .get()
            .lowWatermark();
    assertThat(low).isEqualTo(7);
    assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get().get(tp).offset())
        .isEqualTo(7);
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(broker.consumer(null))) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      assertThat(c.position(tp)).isEqualTo(7);
    }
  }

  @Test
  void listDescribeAndDeleteConsumerGroups() throws Exception {
    admin.createTopics(List.of(new NewTopic("grp", 1, (short) 1))).all().get();
    try (KafkaProducer<String, String> p = new KafkaProducer<>(broker.producer())) {
      p.send(new ProducerRecord<>("grp", "x")).get();
    }
    Properties props = broker.consumer("admin-group");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props)) {
      c.subscribe(List.of("grp"));
      long deadline = System.currentTimeMillis() + 20_000;
      int received = 0;
      while (received == 0 && System.currentTimeMillis() < deadline) {
        received += c.poll(Duration.ofMillis(100)).count();
      }
      c.commitSync();
      ConsumerGroupDescription d =
          admin.describeConsumerGroups(List.of("admin-group")).all().get().get("admin-group");
      assertThat(d.groupState().toString()).isEqualTo("Stable");
      assertThat(d.members()).hasSize(1);
      assertThat(d.members().iterator().next().assignment().topicPartitions())
          .containsExactly(new TopicPartition("grp", 0));
      assertThatThrownBy(() -> admin.deleteConsumerGroups(List.of("admin-group")).all().get())
          .hasMessageContaining("not empty");
    }
    Collection<GroupListing> groups = admin.listGroups().all().get();
    assertThat(new ArrayList<>(groups)).extracting(GroupListing::groupId).contains("admin-group");
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets("admin-group").partitionsToOffsetAndMetadata().get();
    assertThat(committed.get(new TopicPartition("grp", 0)).offset()).isEqualTo(1);
    admin.deleteConsumerGroups(List.of("admin-group")).all().get();
    assertThat(admin.listConsumerGroupOffsets("admin-group").partitionsToOffsetAndMetadata().get())
        .isEmpty();
    assertThat(Set.copyOf(admin.listGroups().all().get()))
        .extracting(GroupListing::groupId)
        .doesNotContain("admin-group");
    // DescribeGroups v6 (KIP-1043): a deleted or unknown group is GROUP_ID_NOT_FOUND, not Dead.
    assertThatThrownBy(() -> admin.describeConsumerGroups(List.of("admin-group")).all().get())
        .hasCauseInstanceOf(GroupIdNotFoundException.class);
  }
}
