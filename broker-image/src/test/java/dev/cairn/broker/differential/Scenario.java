package dev.cairn.broker.differential;

import static dev.cairn.broker.differential.RawRequests.batch;
import static dev.cairn.broker.differential.RawRequests.error;
import static dev.cairn.broker.differential.RawRequests.fetch;
import static dev.cairn.broker.differential.RawRequests.produce;
import static dev.cairn.broker.differential.RawRequests.produceRequest;
import static dev.cairn.broker.differential.RawRequests.rec;
import static dev.cairn.broker.differential.RawRequests.tampered;

import dev.cairn.broker.ClientProps;
import dev.cairn.common.testkit.Transcript;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Records;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;
import org.apache.kafka.common.utils.Utils;

/**
 * The script of the differential test: admin, produce, fetch and group operations through
 * kafka-clients (and, for what those clients never send on purpose, raw requests built with
 * kafka-clients' own message classes), each result recorded in a {@link Transcript}. Run once
 * against Apache Kafka and once against Cairn; the transcripts must be equal.
 *
 * <p>Only what legitimately differs between two servers is normalised, each where it is observed:
 * producer ids (any id the server allocates is valid), LogAppendTime timestamps (the broker's
 * clock), member ids (client id plus a random UUID), ports and cluster/topic ids (never recorded).
 */
final class Scenario {
  /** Kafka 4's 33 topic-level keys; DescribeConfigs is compared on all of them. */
  static final List<String> TOPIC_KEYS =
      List.of(
          "cleanup.policy",
          "compression.gzip.level",
          "compression.lz4.level",
          "compression.type",
          "compression.zstd.level",
          "delete.retention.ms",
          "file.delete.delay.ms",
          "flush.messages",
          "flush.ms",
          "follower.replication.throttled.replicas",
          "index.interval.bytes",
          "leader.replication.throttled.replicas",
          "local.retention.bytes",
          "local.retention.ms",
          "max.compaction.lag.ms",
          "max.message.bytes",
          "message.timestamp.after.max.ms",
          "message.timestamp.before.max.ms",
          "message.timestamp.type",
          "min.cleanable.dirty.ratio",
          "min.compaction.lag.ms",
          "min.insync.replicas",
          "preallocate",
          "remote.log.copy.disable",
          "remote.log.delete.on.disable",
          "remote.storage.enable",
          "retention.bytes",
          "retention.ms",
          "segment.bytes",
          "segment.index.bytes",
          "segment.jitter.ms",
          "segment.ms",
          "unclean.leader.election.enable");

  /** Broker keys compared through DescribeConfigs(BROKER): value and source. */
  static final List<String> BROKER_KEYS =
      List.of(
          "auto.create.topics.enable",
          "default.replication.factor",
          "log.retention.hours",
          "log.segment.bytes",
          "message.max.bytes",
          "num.partitions",
          "offsets.topic.num.partitions");

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final ClientProps clients;
  // A failed step is the exception type the client surfaced, unwrapped from futures.
  private final Transcript t = new Transcript(e -> rootCause(e).getClass().getSimpleName());

  /**
   * Record timestamps are set relative to this and observed relative to it, so the two runs agree:
   * recent enough for retention (48 h) and segment rolling (7 days) to leave the logs alone, and
   * within the hour that {@code message.timestamp.after.max.ms} allows ahead.
   */
  private final long base = System.currentTimeMillis() - 60_000;

  private Scenario(String bootstrap) {
    this.clients = new ClientProps(bootstrap);
  }

  /** Runs the whole script against the broker at {@code bootstrap} (host:port). */
  static Transcript run(String bootstrap) throws Exception {
    Scenario s = new Scenario(bootstrap);
    try (Admin admin = Admin.create(s.clients.admin())) {
      s.cluster(admin);
      s.topics(admin);
      s.configs(admin);
      s.partitions(admin);
      s.producers(admin);
      s.consume();
      s.listOffsetsAndDeleteRecords(admin);
      s.offsetOutOfRange();
      s.idempotence(admin);
      s.staticGroup(admin);
      s.dynamicGroup(admin);
      s.unknownGroups(admin);
      s.corners(admin);
      s.epochsAndSessions(admin);
      s.classicProtocolByHand(admin);
      s.deleteTopics(admin);
    }
    return s.t;
  }

  private void cluster(Admin admin) throws Exception {
    var cluster = admin.describeCluster();
    t.record(
        "cluster nodes", cluster.nodes().get().stream().map(n -> n.id() + "@" + n.host()).toList());
    t.record("cluster controller", cluster.controller().get().id());
    t.record("cluster id present", cluster.clusterId().get() != null);
    t.record(
        "cluster authorized operations",
        admin
            .describeCluster(new DescribeClusterOptions().includeAuthorizedOperations(true))
            .authorizedOperations()
            .thenApply(Scenario::names)
            .get());
  }

  private void topics(Admin admin) throws Exception {
    CreateTopicsResult created =
        admin.createTopics(
            List.of(
                new NewTopic("alpha", 3, (short) 1)
                    .configs(Map.of("max.message.bytes", "4096", "retention.ms", "86400000"))));
    t.attempt("create alpha", () -> ok(created.all()));
    t.record("create alpha partitions", created.numPartitions("alpha").get());
    t.record("create alpha replication", created.replicationFactor("alpha").get());
    t.record("create alpha topic id present", created.topicId("alpha").get() != null);
    recordConfig("create alpha config", created.config("alpha").get());

    t.attempt("create alpha again", () -> create(admin, new NewTopic("alpha", 1, (short) 1)));
    t.attempt("create rf 2", () -> create(admin, new NewTopic("wide", 1, (short) 2)));
    t.attempt("create 0 partitions", () -> create(admin, new NewTopic("none", 0, (short) 1)));
    t.attempt("create bad name", () -> create(admin, new NewTopic("bad name!", 1, (short) 1)));
    t.attempt(
        "create unknown config",
        () -> create(admin, new NewTopic("odd", 1, (short) 1).configs(Map.of("no.such", "1"))));
    t.attempt(
        "create bad config value",
        () ->
            create(
                admin, new NewTopic("odd", 1, (short) 1).configs(Map.of("retention.ms", "soon"))));
    t.attempt(
        "create validate only",
        () ->
            ok(
                admin
                    .createTopics(
                        List.of(new NewTopic("dry", 1, (short) 1)),
                        new CreateTopicsOptions().validateOnly(true))
                    .all()));
    CreateTopicsResult defaults =
        admin.createTopics(List.of(new NewTopic("defaults", Optional.empty(), Optional.empty())));
    t.attempt("create with broker defaults", () -> ok(defaults.all()));
    t.record("create with broker defaults partitions", defaults.numPartitions("defaults").get());
    t.attempt(
        "create tuned and squeezed",
        () ->
            create(
                admin,
                new NewTopic("tuned", 1, (short) 1),
                new NewTopic("squeezed", 1, (short) 1),
                new NewTopic("stamped", 1, (short) 1)
                    .configs(Map.of("message.timestamp.type", "LogAppendTime")),
                new NewTopic("exactly", 1, (short) 1)));

    CreateTopicsResult cleaned =
        admin.createTopics(
            List.of(
                new NewTopic("cleaned", 1, (short) 1)
                    .configs(
                        Map.of(
                            "cleanup.policy", "compact",
                            "min.cleanable.dirty.ratio", "0.1",
                            "min.compaction.lag.ms", "1000",
                            "max.compaction.lag.ms", "60000",
                            "segment.jitter.ms", "1000",
                            "file.delete.delay.ms", "1000",
                            "preallocate", "true",
                            "compression.gzip.level", "5",
                            "leader.replication.throttled.replicas", "0:0",
                            "local.retention.ms", "-2"))));
    t.attempt("create cleaned", () -> ok(cleaned.all()));
    recordConfig("create cleaned config", cleaned.config("cleaned").get());
    recordConfig(
        "cleaned config",
        describeCreated(admin, new ConfigResource(ConfigResource.Type.TOPIC, "cleaned")));
    for (Map.Entry<String, String> bad :
        Map.of(
                "min.cleanable.dirty.ratio", "1.5",
                "compression.gzip.level", "0",
                "compression.zstd.level", "23",
                "follower.replication.throttled.replicas", "0-1",
                "preallocate", "yes",
                "remote.storage.enable", "true",
                "max.compaction.lag.ms", "0")
            .entrySet()) {
      t.attempt(
          "create with " + bad.getKey() + "=" + bad.getValue(),
          () ->
              create(
                  admin,
                  new NewTopic("refused", 1, (short) 1)
                      .configs(Map.of(bad.getKey(), bad.getValue()))));
    }

    t.record("describe alpha", settled(() -> describe(admin, "alpha"), d -> d.contains("2:")));
    t.attempt("describe missing", () -> describe(admin, "missing"));
    t.record(
        "alpha authorized operations",
        names(
            admin
                .describeTopics(
                    List.of("alpha"), new DescribeTopicsOptions().includeAuthorizedOperations(true))
                .allTopicNames()
                .get()
                .get("alpha")
                .authorizedOperations()));
    t.record("list topics", settled(() -> listTopics(admin), names -> names.contains("exactly")));
  }

  private void configs(Admin admin) throws Exception {
    ConfigResource tuned = new ConfigResource(ConfigResource.Type.TOPIC, "tuned");
    recordConfig("tuned config", describeCreated(admin, tuned));
    t.attempt(
        "alter tuned",
        () ->
            alter(
                admin,
                tuned,
                new AlterConfigOp(
                    new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET),
                new AlterConfigOp(
                    new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND),
                new AlterConfigOp(
                    new ConfigEntry("segment.bytes", "1048576"), AlterConfigOp.OpType.SET)));
    recordConfig(
        "tuned config altered",
        settled(
            () -> describeConfig(admin, tuned), c -> c.get("retention.ms").value().equals("1000")));
    t.attempt(
        "alter tuned delete and subtract",
        () ->
            alter(
                admin,
                tuned,
                new AlterConfigOp(
                    new ConfigEntry("retention.ms", null), AlterConfigOp.OpType.DELETE),
                new AlterConfigOp(
                    new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.SUBTRACT)));
    recordConfig(
        "tuned config restored",
        settled(
            () -> describeConfig(admin, tuned),
            c -> !c.get("retention.ms").value().equals("1000")));
    t.attempt(
        "alter bad value",
        () ->
            alter(
                admin,
                tuned,
                new AlterConfigOp(
                    new ConfigEntry("retention.ms", "soon"), AlterConfigOp.OpType.SET)));
    t.attempt(
        "alter unknown key",
        () ->
            alter(
                admin,
                tuned,
                new AlterConfigOp(new ConfigEntry("no.such", "1"), AlterConfigOp.OpType.SET)));
    t.attempt(
        "alter append to a non-list key",
        () ->
            alter(
                admin,
                tuned,
                new AlterConfigOp(
                    new ConfigEntry("retention.ms", "5"), AlterConfigOp.OpType.APPEND)));
    t.attempt(
        "alter missing topic",
        () ->
            alter(
                admin,
                new ConfigResource(ConfigResource.Type.TOPIC, "missing"),
                new AlterConfigOp(
                    new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET)));
    t.attempt(
        "describe config of missing topic",
        () -> describeConfig(admin, new ConfigResource(ConfigResource.Type.TOPIC, "missing")));
    t.attempt(
        "cluster-wide dynamic broker defaults",
        () ->
            describeConfig(admin, new ConfigResource(ConfigResource.Type.BROKER, ""))
                .entries()
                .stream()
                .map(e -> e.name() + "=" + e.value())
                .sorted()
                .toList());
    ConfigResource clusterDefault = new ConfigResource(ConfigResource.Type.BROKER, "");
    t.attempt(
        "alter cluster default log.retention.ms",
        () ->
            alter(
                admin,
                clusterDefault,
                new AlterConfigOp(
                    new ConfigEntry("log.retention.ms", "7200000"), AlterConfigOp.OpType.SET)));
    t.record(
        "tuned retention.ms under a cluster default",
        entry(
            settled(
                    () -> describeConfig(admin, tuned),
                    c -> c.get("retention.ms").value().equals("7200000"))
                .get("retention.ms")));
    t.record(
        "cluster-wide dynamic broker defaults after alter",
        describeConfig(admin, clusterDefault).entries().stream()
            .map(e -> e.name() + "=" + e.value() + " " + e.source())
            .sorted()
            .toList());
    t.attempt(
        "alter cluster default of a static key",
        () ->
            alter(
                admin,
                clusterDefault,
                new AlterConfigOp(
                    new ConfigEntry("num.partitions", "3"), AlterConfigOp.OpType.SET)));
    t.attempt(
        "delete cluster default log.retention.ms",
        () ->
            alter(
                admin,
                clusterDefault,
                new AlterConfigOp(
                    new ConfigEntry("log.retention.ms", null), AlterConfigOp.OpType.DELETE)));
    t.record(
        "tuned retention.ms without it",
        entry(
            settled(
                    () -> describeConfig(admin, tuned),
                    c -> !c.get("retention.ms").value().equals("7200000"))
                .get("retention.ms")));
    Config broker = describeConfig(admin, new ConfigResource(ConfigResource.Type.BROKER, "0"));
    for (String key : BROKER_KEYS) {
      ConfigEntry e = broker.get(key);
      // Kafka's broker keys are mostly dynamic, Cairn's static: read-only flags and synonyms differ
      // by design, so only value and source are compared.
      t.record("broker config " + key, e == null ? "absent" : e.value() + " " + e.source());
    }
  }

  private void partitions(Admin admin) throws Exception {
    t.attempt("grow alpha to 4", () -> grow(admin, "alpha", 4));
    t.attempt("shrink alpha to 2", () -> grow(admin, "alpha", 2));
    t.attempt("grow alpha to same 4", () -> grow(admin, "alpha", 4));
    t.attempt("grow missing", () -> grow(admin, "missing", 2));
    t.record(
        "describe alpha grown", settled(() -> describe(admin, "alpha"), d -> d.contains("3:")));
  }

  private void producers(Admin admin) throws Exception {
    try (KafkaProducer<String, String> p = new KafkaProducer<>(clients.producer(Map.of()))) {
      for (int i = 0; i < 5; i++) {
        ProducerRecord<String, String> r =
            new ProducerRecord<>("alpha", 0, base + i * 1000L, "k" + i, "v" + i);
        r.headers().add("h", ("" + i).getBytes(StandardCharsets.UTF_8));
        t.record("produce alpha-0 #" + i, sent(p.send(r).get()));
      }
      for (int i = 0; i < 2; i++) {
        t.record(
            "produce alpha-1 #" + i,
            sent(p.send(new ProducerRecord<>("alpha", 1, base, "k", "w" + i)).get()));
      }
      t.attempt(
          "produce above topic max.message.bytes",
          () -> sent(p.send(new ProducerRecord<>("alpha", 2, "big", "x".repeat(5000))).get()));
      t.attempt(
          "produce auto-creates a topic",
          () -> sent(p.send(new ProducerRecord<>("auto-made", 0, base, "k", "v")).get()));
      t.record("describe auto-made", describe(admin, "auto-made"));
      long before = System.currentTimeMillis();
      RecordMetadata stamped = p.send(new ProducerRecord<>("stamped", 0, base, "k", "v")).get();
      long after = System.currentTimeMillis();
      // LogAppendTime: the broker's clock, so only "within the send" is comparable.
      t.record(
          "produce stamped timestamp",
          stamped.timestamp() >= before && stamped.timestamp() <= after
              ? "broker clock"
              : stamped.timestamp());
      t.record("produce stamped offset", stamped.offset());
    }
    for (String codec : List.of("gzip", "snappy", "lz4", "zstd")) {
      try (KafkaProducer<String, String> p =
          new KafkaProducer<>(
              clients.producer(
                  Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec, "linger.ms", "50")))) {
        var futures = new ArrayList<java.util.concurrent.Future<RecordMetadata>>();
        for (int i = 0; i < 3; i++) {
          futures.add(p.send(new ProducerRecord<>("squeezed", 0, base + i, "k", codec + i)));
        }
        List<Long> offsets = new ArrayList<>();
        for (var f : futures) {
          offsets.add(f.get().offset());
        }
        t.record("produce " + codec, offsets);
      }
    }
    try (KafkaProducer<String, String> p =
        new KafkaProducer<>(
            clients.producer(
                Map.of(ProducerConfig.ACKS_CONFIG, "1", "enable.idempotence", "false")))) {
      t.record(
          "produce acks=1", sent(p.send(new ProducerRecord<>("alpha", 3, base, "k", "one")).get()));
    }
  }

  private void consume() throws Exception {
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(clients.consumer(null, Map.of()))) {
      t.record("consume alpha-0", read(c, new TopicPartition("alpha", 0), 5));
      t.record("consume squeezed", read(c, new TopicPartition("squeezed", 0), 12));
      List<ConsumerRecord<String, String>> stamped = poll(c, new TopicPartition("stamped", 0), 1);
      t.record("consume stamped type", stamped.get(0).timestampType());
    }
  }

  private void listOffsetsAndDeleteRecords(Admin admin) throws Exception {
    TopicPartition tp = new TopicPartition("alpha", 0);
    t.record("list earliest", listOffset(admin, tp, OffsetSpec.earliest()));
    t.record("list latest", listOffset(admin, tp, OffsetSpec.latest()));
    t.record("list by time between", listOffset(admin, tp, OffsetSpec.forTimestamp(base + 2500)));
    t.record("list by time first", listOffset(admin, tp, OffsetSpec.forTimestamp(base)));
    t.record(
        "list by time after all",
        listOffset(admin, tp, OffsetSpec.forTimestamp(base + Duration.ofDays(1).toMillis())));
    t.record("list max timestamp", listOffset(admin, tp, OffsetSpec.maxTimestamp()));
    TopicPartition empty = new TopicPartition("alpha", 2);
    t.record("list empty earliest", listOffset(admin, empty, OffsetSpec.earliest()));
    t.record("list empty latest", listOffset(admin, empty, OffsetSpec.latest()));
    t.record("list empty max timestamp", listOffset(admin, empty, OffsetSpec.maxTimestamp()));

    t.attempt("delete records before 2", () -> deleteRecords(admin, tp, 2));
    t.attempt("delete records beyond the end", () -> deleteRecords(admin, tp, 100));
    t.attempt(
        "delete records up to the high watermark",
        () -> deleteRecords(admin, new TopicPartition("alpha", 1), -1));
    t.record("list earliest after delete", listOffset(admin, tp, OffsetSpec.earliest()));
    t.record(
        "list alpha-1 earliest after delete",
        listOffset(admin, new TopicPartition("alpha", 1), OffsetSpec.earliest()));
  }

  private void offsetOutOfRange() throws Exception {
    TopicPartition tp = new TopicPartition("alpha", 0);
    for (String reset : List.of("none", "earliest", "latest")) {
      try (KafkaConsumer<String, String> c =
          new KafkaConsumer<>(
              clients.consumer(null, Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, reset)))) {
        c.assign(List.of(tp));
        for (long offset : List.of(0L, 100L)) {
          c.seek(tp, offset);
          // The reset policy decides where the consumer goes once the fetch is out of range.
          t.attempt(
              "seek " + offset + " with reset " + reset,
              () -> {
                // Until reset and caught up with the log end: which records that reads does not
                // depend on how polls and fetches interleave.
                long end = c.endOffsets(List.of(tp)).get(tp);
                List<Long> read = new ArrayList<>();
                long deadline = System.nanoTime() + WAIT.toNanos();
                while ((c.position(tp) == offset || c.position(tp) < end)
                    && System.nanoTime() < deadline) {
                  c.poll(Duration.ofMillis(50)).records(tp).forEach(r -> read.add(r.offset()));
                }
                return "position " + c.position(tp) + " read " + read;
              });
        }
      }
    }
    try (RawKafkaClient raw = RawKafkaClient.to(clients.bootstrap())) {
      for (long offset : List.of(1L, 5L, 100L)) {
        FetchResponse r = raw.send(fetch("alpha", 0, offset));
        var pd = r.data().responses().get(0).partitions().get(0);
        t.record(
            "raw fetch at " + offset,
            error(pd.errorCode())
                + " hw="
                + pd.highWatermark()
                + " logStart="
                + pd.logStartOffset()
                + " bytes="
                + (pd.records() == null ? 0 : pd.records().sizeInBytes()));
      }
    }
  }

  private void idempotence(Admin admin) throws Exception {
    try (RawKafkaClient raw = RawKafkaClient.to(clients.bootstrap())) {
      InitProducerIdResponse init =
          raw.send(
              new InitProducerIdRequest.Builder(
                      new InitProducerIdRequestData()
                          .setTransactionalId(null)
                          .setTransactionTimeoutMs(60_000))
                  .build((short) 4));
      long pid = init.data().producerId();
      // Producer ids are the server's to allocate: only "a valid one" is comparable.
      t.record(
          "init producer id",
          error(init.data().errorCode())
              + " valid id="
              + (pid >= 0)
              + " epoch="
              + init.data().producerEpoch());
      short e0 = init.data().producerEpoch();
      t.record("idempotent seq 0", produce(raw, "exactly", 0, batch(pid, e0, 0, "a", "b", "c")));
      t.record(
          "idempotent seq 0 retried", produce(raw, "exactly", 0, batch(pid, e0, 0, "a", "b", "c")));
      t.record("idempotent seq gap", produce(raw, "exactly", 0, batch(pid, e0, 5, "x")));
      t.record("idempotent seq 3", produce(raw, "exactly", 0, batch(pid, e0, 3, "d", "e")));
      t.record("idempotent seq 3 retried", produce(raw, "exactly", 0, batch(pid, e0, 3, "d", "e")));
      t.record(
          "idempotent older batch retried",
          produce(raw, "exactly", 0, batch(pid, e0, 0, "a", "b", "c")));
      t.record(
          "idempotent new epoch with seq 5",
          produce(raw, "exactly", 0, batch(pid, (short) (e0 + 1), 5, "y")));
      t.record(
          "idempotent new epoch with seq 0",
          produce(raw, "exactly", 0, batch(pid, (short) (e0 + 1), 0, "f")));
      t.record("idempotent old epoch", produce(raw, "exactly", 0, batch(pid, e0, 5, "z")));
      t.record(
          "idempotent unknown producer",
          produce(raw, "exactly", 0, batch(pid + 1000, (short) 0, 7, "g")));
      t.record(
          "produce unknown partition",
          produce(raw, "exactly", 5, MemoryRecords.withRecords(Compression.NONE, rec("u"))));
      t.record(
          "produce unknown topic",
          produce(raw, "nowhere", 0, MemoryRecords.withRecords(Compression.NONE, rec("u"))));
      t.record(
          "produce above max.message.bytes raw",
          produce(
              raw, "alpha", 2, MemoryRecords.withRecords(Compression.NONE, rec("x".repeat(5000)))));
      MemoryRecords two = MemoryRecords.withRecords(Compression.NONE, rec("one"), rec("two"));
      t.record(
          "produce a batch miscounting its records",
          produce(raw, "exactly", 0, tampered(two, DefaultRecordBatch.RECORDS_COUNT_OFFSET, 3)));
      t.record(
          "produce a batch with a wrong last offset delta",
          produce(
              raw, "exactly", 0, tampered(two, DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET, 5)));
      MemoryRecords corrupt = MemoryRecords.withRecords(Compression.NONE, rec("intact"));
      ByteBuffer buf = corrupt.buffer();
      buf.put(buf.limit() - 2, (byte) (buf.get(buf.limit() - 2) ^ 0x5a));
      t.record(
          "produce corrupt crc", produce(raw, "exactly", 0, MemoryRecords.readableRecords(buf)));
    }
    TopicPartition tp = new TopicPartition("exactly", 0);
    t.record("exactly latest", listOffset(admin, tp, OffsetSpec.latest()));
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(clients.consumer(null, Map.of()))) {
      t.record(
          "consume exactly",
          poll(c, tp, 7).stream().map(r -> r.offset() + ":" + r.value()).toList());
    }
    // Fetch limits: a fetch starts at the batch holding the offset, and the first batch comes
    // whole even when larger than the partition's limit (KIP-74). Whole batches are compared; a
    // server may pad the answer with a truncated one, which clients drop.
    try (RawKafkaClient raw = RawKafkaClient.to(clients.bootstrap())) {
      for (int[] f : new int[][] {{1, 1 << 20}, {4, 1 << 20}, {1, 10}, {5, 40}}) {
        FetchRequestData data = fetch("exactly", 0, f[0]).data();
        data.topics().get(0).partitions().get(0).setPartitionMaxBytes(f[1]);
        FetchResponse r = raw.send(new FetchRequest(data, (short) 12));
        var pd = r.data().responses().get(0).partitions().get(0);
        List<Long> bases = new ArrayList<>();
        ((Records) pd.records()).batches().forEach(b -> bases.add(b.baseOffset()));
        t.record(
            "fetch exactly from " + f[0] + " within " + f[1] + " bytes",
            error(pd.errorCode()) + " batches at " + bases);
      }
    }
  }

  private void staticGroup(Admin admin) throws Exception {
    Map<String, String> staticMember =
        Map.of(
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
            ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName(),
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "30000",
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "200");
    Properties pa = clients.consumer("static", staticMember);
    pa.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "a");
    pa.put(ConsumerConfig.CLIENT_ID_CONFIG, "client-a");
    Properties pb = clients.consumer("static", staticMember);
    pb.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "b");
    pb.put(ConsumerConfig.CLIENT_ID_CONFIG, "client-b");
    try (KafkaConsumer<String, String> a = new KafkaConsumer<>(pa);
        KafkaConsumer<String, String> b = new KafkaConsumer<>(pb)) {
      a.subscribe(List.of("alpha"));
      awaitWhilePolling(() -> a.assignment().size() == 4, a);
      t.record("static a alone", sorted(a.assignment()));
      b.subscribe(List.of("alpha"));
      awaitWhilePolling(() -> a.assignment().size() == 2 && b.assignment().size() == 2, a, b);
      t.record("static a with b", sorted(a.assignment()));
      t.record("static b with a", sorted(b.assignment()));
      a.commitSync(
          Map.of(
              new TopicPartition("alpha", 0), new OffsetAndMetadata(3, "m-a"),
              new TopicPartition("alpha", 1), new OffsetAndMetadata(1)));
      b.commitSync(Map.of(new TopicPartition("alpha", 3), new OffsetAndMetadata(1, "m-b")));
      t.attempt("static described", () -> describeGroup(admin, "static"));
      t.record(
          "static authorized operations",
          names(
              admin
                  .describeConsumerGroups(
                      List.of("static"),
                      new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true))
                  .all()
                  .get()
                  .get("static")
                  .authorizedOperations()));
      t.attempt("static committed", () -> committed(admin, "static"));
      t.attempt(
          "static alter offsets while active",
          () -> alterOffsets(admin, "static", new TopicPartition("alpha", 0), 4));
      t.attempt(
          "static delete while active",
          () -> ok(admin.deleteConsumerGroups(List.of("static")).all()));
    }
    // Static members do not leave on close: the group keeps them until their session ends.
    t.attempt("static described after close", () -> describeGroup(admin, "static"));
    t.attempt(
        "static remove members",
        () ->
            ok(
                admin
                    .removeMembersFromConsumerGroup(
                        "static",
                        new RemoveMembersFromConsumerGroupOptions(
                            List.of(new MemberToRemove("a"), new MemberToRemove("b"))))
                    .all()));
    t.attempt(
        "static remove unknown member",
        () ->
            ok(
                admin
                    .removeMembersFromConsumerGroup(
                        "static",
                        new RemoveMembersFromConsumerGroupOptions(List.of(new MemberToRemove("z"))))
                    .all()));
    t.attempt("static described after removal", () -> describeGroup(admin, "static"));
    t.attempt(
        "static alter offsets when empty",
        () -> alterOffsets(admin, "static", new TopicPartition("alpha", 0), 4));
    t.attempt("static committed after alter", () -> committed(admin, "static"));
    t.attempt(
        "static delete when empty", () -> ok(admin.deleteConsumerGroups(List.of("static")).all()));
    t.attempt("static committed after delete", () -> committed(admin, "static"));
    t.attempt("static described after delete", () -> describeGroup(admin, "static"));
  }

  private void dynamicGroup(Admin admin) throws Exception {
    Properties p =
        clients.consumer(
            "dynamic",
            Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true",
                ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, "60000",
                ConsumerConfig.CLIENT_ID_CONFIG, "client-d"));
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      c.subscribe(List.of("squeezed", "stamped"));
      List<String> got = new ArrayList<>();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (got.size() < 13 && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(100)).forEach(r -> got.add(r.topic() + "@" + r.offset()));
      }
      t.record("dynamic consumed", got.stream().sorted().toList());
      t.attempt("dynamic described", () -> describeGroup(admin, "dynamic"));
    }
    // Closing commits the consumed positions (auto commit) and leaves the group.
    t.attempt("dynamic committed after close", () -> committed(admin, "dynamic"));
    t.attempt("dynamic described after close", () -> describeGroup(admin, "dynamic"));
    t.record(
        "groups listed",
        admin.listGroups().all().get().stream()
            .map(g -> g.groupId() + " " + g.protocol() + " " + g.type() + " " + g.groupState())
            .sorted()
            .toList());
    t.attempt("dynamic delete", () -> ok(admin.deleteConsumerGroups(List.of("dynamic")).all()));
  }

  private void unknownGroups(Admin admin) throws Exception {
    t.attempt("ghost described", () -> describeGroup(admin, "ghost"));
    t.attempt("ghost committed", () -> committed(admin, "ghost"));
    t.attempt("ghost delete", () -> ok(admin.deleteConsumerGroups(List.of("ghost")).all()));
    try (RawKafkaClient raw = RawKafkaClient.to(clients.bootstrap())) {
      t.record(
          "produce to __consumer_offsets",
          produce(
              raw, "__consumer_offsets", 0, MemoryRecords.withRecords(Compression.NONE, rec("x"))));
    }
  }

  /** Corners: topic names and placement, topic ids, limits a produce or a join can exceed. */
  private void corners(Admin admin) throws Exception {
    t.attempt("create dot.ted", () -> create(admin, new NewTopic("dot.ted", 1, (short) 1)));
    t.attempt(
        "create colliding dot_ted", () -> create(admin, new NewTopic("dot_ted", 1, (short) 1)));
    t.attempt(
        "create name too long", () -> create(admin, new NewTopic("x".repeat(250), 1, (short) 1)));
    t.attempt("create named ..", () -> create(admin, new NewTopic("..", 1, (short) 1)));
    t.attempt(
        "create with assignment",
        () -> create(admin, new NewTopic("placed", Map.of(0, List.of(0), 1, List.of(0)))));
    t.record("describe placed", settled(() -> describe(admin, "placed"), d -> d.contains("1:")));
    t.attempt(
        "create assigned to a missing broker",
        () -> create(admin, new NewTopic("misplaced", Map.of(0, List.of(5)))));
    t.attempt("create rf 0", () -> create(admin, new NewTopic("rf-zero", 1, (short) 0)));
    t.attempt(
        "create assigned twice to one broker",
        () -> create(admin, new NewTopic("doubled", Map.of(0, List.of(0, 0)))));
    t.attempt(
        "create with a gap in the partition ids",
        () -> create(admin, new NewTopic("gappy", Map.of(0, List.of(0), 2, List.of(0)))));
    t.attempt(
        "create with segment.bytes 1000",
        () ->
            create(
                admin,
                new NewTopic("tiny", 1, (short) 1).configs(Map.of("segment.bytes", "1000"))));
    try (RawKafkaClient raw = RawKafkaClient.to(clients.bootstrap())) {
      // Admin drops a repeated NewTopic itself; other clients send the request as it is.
      CreateTopicsRequestData request = new CreateTopicsRequestData().setTimeoutMs(10_000);
      for (String name : List.of("twice", "once", "twice")) {
        request
            .topics()
            .add(
                new CreateTopicsRequestData.CreatableTopic()
                    .setName(name)
                    .setNumPartitions(1)
                    .setReplicationFactor((short) 1));
      }
      CreateTopicsResponse r = raw.send(new CreateTopicsRequest.Builder(request).build((short) 7));
      t.record(
          "create a name twice in one request",
          r.data().topics().stream()
              .map(c ->
                  c.name()
                      + " "
                      + Errors.forCode(c.errorCode())
                      + " "
                      + c.errorMessage()
                      + " partitions="
                      + c.numPartitions())
              .toList());
    }
    t.record(
        "topics after a name twice",
        settled(
            () ->
                listTopics(admin).stream()
                    .filter(n -> n.equals("once") || n.equals("twice"))
                    .toList(),
            names -> names.contains("once")));
    Uuid id = admin.describeTopics(List.of("placed")).allTopicNames().get().get("placed").topicId();
    t.attempt(
        "describe placed by id",
        () ->
            admin
                .describeTopics(TopicCollection.ofTopicIds(List.of(id)))
                .allTopicIds()
                .get()
                .get(id)
                .name());
    t.attempt(
        "describe unknown id",
        () ->
            admin
                .describeTopics(TopicCollection.ofTopicIds(List.of(Uuid.randomUuid())))
                .allTopicIds()
                .get()
                .size());
    t.record(
        "list with internal topics",
        admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get().stream()
            .sorted()
            .toList());
    t.attempt("describe __consumer_offsets", () -> describe(admin, "__consumer_offsets"));

    t.attempt(
        "create strict",
        () ->
            create(
                admin,
                new NewTopic("strict", 1, (short) 1).configs(Map.of("min.insync.replicas", "2"))));
    try (KafkaProducer<String, String> all =
            new KafkaProducer<>(
                clients.producer(
                    Map.of(
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.RETRIES_CONFIG, "0",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false")));
        KafkaProducer<String, String> one =
            new KafkaProducer<>(
                clients.producer(
                    Map.of(
                        ProducerConfig.ACKS_CONFIG, "1",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false")))) {
      t.attempt(
          "produce acks=all below min.insync.replicas",
          () -> sent(all.send(new ProducerRecord<>("strict", 0, base, "k", "v")).get()));
      t.attempt(
          "produce acks=1 below min.insync.replicas",
          () -> sent(one.send(new ProducerRecord<>("strict", 0, base, "k", "v")).get()));
      long future = System.currentTimeMillis() + Duration.ofHours(2).toMillis();
      t.attempt(
          "produce two hours ahead",
          () -> sent(one.send(new ProducerRecord<>("placed", 0, future, "k", "v")).get()));
      t.attempt(
          "produce a tombstone",
          () ->
              sent(
                  one.send(new ProducerRecord<String, String>("placed", 1, base, "k", null))
                      .get()));
    }
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(clients.consumer(null, Map.of()))) {
      t.record("consume tombstone", read(c, new TopicPartition("placed", 1), 1));
    }

    Properties impatient =
        clients.consumer(
            "impatient",
            Map.of(
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "1000",
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "300"));
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(impatient)) {
      c.subscribe(List.of("placed"));
      t.attempt(
          "join with a session timeout below the minimum",
          () -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (c.assignment().isEmpty() && System.nanoTime() < deadline) {
              c.poll(Duration.ofMillis(100));
            }
            return sorted(c.assignment());
          });
    }
    t.attempt(
        "commit offsets of a missing topic",
        () -> alterOffsets(admin, "fresh", new TopicPartition("missing", 0), 1));
    t.attempt(
        "commit offsets beyond a partition's end",
        () -> alterOffsets(admin, "fresh", new TopicPartition("placed", 0), 1000));
    t.attempt(
        "committed offsets of chosen partitions",
        () -> {
          Map<String, String> out = new TreeMap<>();
          admin
              .listConsumerGroupOffsets(
                  Map.of(
                      "fresh",
                      new ListConsumerGroupOffsetsSpec()
                          .topicPartitions(
                              List.of(
                                  new TopicPartition("placed", 0),
                                  new TopicPartition("placed", 1)))))
              .partitionsToOffsetAndMetadata("fresh")
              .get()
              .forEach((tp, om) -> out.put(tp.toString(), om == null ? "none" : "" + om.offset()));
          return out;
        });
    t.record(
        "empty groups listed",
        admin
            .listGroups(new ListGroupsOptions().inGroupStates(Set.of(GroupState.EMPTY)))
            .all()
            .get()
            .stream()
            .map(GroupListing::groupId)
            .sorted()
            .toList());
  }

  /** Leader epochs, fetch sessions, acks values and keyless records on compacted topics. */
  private void epochsAndSessions(Admin admin) throws Exception {
    try (RawKafkaClient raw = RawKafkaClient.to(clients.bootstrap())) {
      for (int[] epochs : new int[][] {{0, -1}, {3, -1}, {0, 7}}) {
        OffsetsForLeaderEpochResponse r =
            raw.send(
                OffsetsForLeaderEpochRequest.Builder.forConsumer(
                        new OffsetForLeaderTopicCollection(
                            List.of(
                                    new OffsetForLeaderTopic()
                                        .setTopic("exactly")
                                        .setPartitions(
                                            List.of(
                                                new OffsetForLeaderPartition()
                                                    .setPartition(0)
                                                    .setLeaderEpoch(epochs[0])
                                                    .setCurrentLeaderEpoch(epochs[1]))))
                                .iterator()))
                    .build((short) 4));
        var e = r.data().topics().iterator().next().partitions().get(0);
        t.record(
            "end offset of epoch " + epochs[0] + " seen at " + epochs[1],
            error(e.errorCode()) + " epoch=" + e.leaderEpoch() + " end=" + e.endOffset());
      }
      for (int current : new int[] {0, 7}) {
        ListOffsetsResponse r =
            raw.send(
                ListOffsetsRequest.Builder.forConsumer(false, IsolationLevel.READ_UNCOMMITTED)
                    .setTargetTimes(
                        List.of(
                            new ListOffsetsTopic()
                                .setName("exactly")
                                .setPartitions(
                                    List.of(
                                        new ListOffsetsPartition()
                                            .setPartitionIndex(0)
                                            .setTimestamp(ListOffsetsRequest.LATEST_TIMESTAMP)
                                            .setCurrentLeaderEpoch(current)))))
                    .build((short) 8));
        var p = r.data().topics().get(0).partitions().get(0);
        t.record(
            "latest offset seen at epoch " + current,
            error(p.errorCode()) + " offset=" + p.offset() + " epoch=" + p.leaderEpoch());
      }
      FetchRequestData unknownSession =
          fetch("exactly", 0, 0).data().setSessionId(424_242).setSessionEpoch(1);
      FetchResponse r = raw.send(new FetchRequest(unknownSession, (short) 12));
      t.record("fetch in an unknown session", error(r.data().errorCode()));
      ProduceRequestData acksTwo =
          produceRequest("exactly", 0, MemoryRecords.withRecords(Compression.NONE, rec("x")))
              .data()
              .setAcks((short) 2);
      ProduceResponse acks = raw.send(ProduceRequest.builder(acksTwo).build((short) 11));
      t.record(
          "produce with acks=2",
          error(acks.data().responses().iterator().next().partitionResponses().get(0).errorCode()));
    }
    t.attempt(
        "create compacted",
        () ->
            create(
                admin,
                new NewTopic("keyed", 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))));
    try (KafkaProducer<String, String> p = new KafkaProducer<>(clients.producer(Map.of()))) {
      t.attempt(
          "produce without a key to a compacted topic",
          () -> sent(p.send(new ProducerRecord<>("keyed", 0, base, null, "v")).get()));
      t.attempt(
          "produce with a key to a compacted topic",
          () -> sent(p.send(new ProducerRecord<>("keyed", 0, base, "k", "v")).get()));
    }
    t.attempt(
        "delete records of a compacted topic",
        () -> deleteRecords(admin, new TopicPartition("keyed", 0), 1));
    t.attempt(
        "grow placed with an assignment",
        () ->
            ok(
                admin
                    .createPartitions(
                        Map.of("placed", NewPartitions.increaseTo(3, List.of(List.of(0)))))
                    .all()));
    t.attempt(
        "grow placed by two with one assignment",
        () ->
            ok(
                admin
                    .createPartitions(
                        Map.of("placed", NewPartitions.increaseTo(5, List.of(List.of(0)))))
                    .all()));
    t.attempt(
        "grow placed onto a missing broker",
        () ->
            ok(
                admin
                    .createPartitions(
                        Map.of("placed", NewPartitions.increaseTo(4, List.of(List.of(5)))))
                    .all()));
    ConfigResource keyed = new ConfigResource(ConfigResource.Type.TOPIC, "keyed");
    t.attempt(
        "alter validate only",
        () ->
            ok(
                admin
                    .incrementalAlterConfigs(
                        Map.of(
                            keyed,
                            List.of(
                                new AlterConfigOp(
                                    new ConfigEntry("retention.ms", "5000"),
                                    AlterConfigOp.OpType.SET))),
                        new AlterConfigsOptions().validateOnly(true))
                    .all()));
    t.record(
        "retention after validate only", describeConfig(admin, keyed).get("retention.ms").value());
  }

  /**
   * The classic group protocol request by request, with the errors a client only meets when it is
   * late or confused: member id required, illegal generations, unknown members.
   */
  private void classicProtocolByHand(Admin admin) throws Exception {
    String group = "manual";
    try (RawKafkaClient raw = RawKafkaClient.to(clients.bootstrap())) {
      JoinGroupResponse first = raw.send(join(group, ""));
      String member = first.data().memberId();
      // The member id is the server's to make up (client id plus a UUID): only "one" is compared.
      t.record(
          "join without a member id",
          error(first.data().errorCode()) + " member id given=" + !member.isEmpty());
      JoinGroupResponse joined = raw.send(join(group, member));
      int generation = joined.data().generationId();
      t.record(
          "join with the member id",
          error(joined.data().errorCode())
              + " generation="
              + generation
              + " protocol="
              + joined.data().protocolName()
              + " leader="
              + joined.data().leader().equals(member)
              + " members="
              + joined.data().members().size());
      t.record(
          "sync with a later generation",
          error(
              raw.<SyncGroupResponse>send(sync(group, member, generation + 1)).data().errorCode()));
      SyncGroupResponse synced = raw.send(sync(group, member, generation));
      t.record(
          "sync",
          error(synced.data().errorCode())
              + " "
              + synced.data().protocolName()
              + " "
              + ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(synced.data().assignment()))
                  .partitions());
      for (var hb :
          List.of(
              Map.entry("heartbeat", generation),
              Map.entry("heartbeat of an old generation", generation - 1))) {
        t.record(
            hb.getKey(),
            error(
                raw.<HeartbeatResponse>send(heartbeat(group, member, hb.getValue()))
                    .data()
                    .errorCode()));
      }
      t.record(
          "heartbeat of an unknown member",
          error(
              raw.<HeartbeatResponse>send(heartbeat(group, "nobody", generation))
                  .data()
                  .errorCode()));
      for (var c :
          List.of(
              Map.entry("commit in the generation", Map.entry(member, generation)),
              Map.entry("commit of an old generation", Map.entry(member, generation - 1)),
              Map.entry("commit of an unknown member", Map.entry("nobody", generation)))) {
        OffsetCommitResponse r =
            raw.send(commit(group, c.getValue().getKey(), c.getValue().getValue()));
        t.record(c.getKey(), error(r.data().topics().get(0).partitions().get(0).errorCode()));
      }
      t.attempt("manual described", () -> describeGroup(admin, group));
      t.attempt("manual committed", () -> committed(admin, group));
      LeaveGroupResponse unknown =
          raw.send(
              new LeaveGroupRequest.Builder(
                      group, List.of(new MemberIdentity().setMemberId("nobody")))
                  .build((short) 5));
      t.record(
          "leave of an unknown member",
          error(unknown.data().errorCode())
              + " member "
              + error(unknown.data().members().get(0).errorCode()));
      LeaveGroupResponse left =
          raw.send(
              new LeaveGroupRequest.Builder(
                      group, List.of(new MemberIdentity().setMemberId(member)))
                  .build((short) 5));
      t.record(
          "leave",
          error(left.data().errorCode())
              + " member "
              + error(left.data().members().get(0).errorCode()));
      t.record(
          "heartbeat after leaving",
          error(
              raw.<HeartbeatResponse>send(heartbeat(group, member, generation))
                  .data()
                  .errorCode()));
      t.attempt("manual described after leaving", () -> describeGroup(admin, group));
    }
  }

  private static JoinGroupRequest join(String group, String member) {
    JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
    protocols.add(
        new JoinGroupRequestProtocol()
            .setName("range")
            .setMetadata(
                Utils.toArray(
                    ConsumerProtocol.serializeSubscription(
                        new ConsumerPartitionAssignor.Subscription(List.of("exactly"))))));
    return new JoinGroupRequest.Builder(
            new JoinGroupRequestData()
                .setGroupId(group)
                .setMemberId(member)
                .setSessionTimeoutMs(30_000)
                .setRebalanceTimeoutMs(10_000)
                .setProtocolType("consumer")
                .setProtocols(protocols))
        .build((short) 9);
  }

  private static SyncGroupRequest sync(String group, String member, int generation) {
    byte[] assignment =
        Utils.toArray(
            ConsumerProtocol.serializeAssignment(
                new ConsumerPartitionAssignor.Assignment(
                    List.of(new TopicPartition("exactly", 0)))));
    return new SyncGroupRequest.Builder(
            new SyncGroupRequestData()
                .setGroupId(group)
                .setMemberId(member)
                .setGenerationId(generation)
                .setProtocolType("consumer")
                .setProtocolName("range")
                .setAssignments(
                    List.of(
                        new SyncGroupRequestAssignment()
                            .setMemberId(member)
                            .setAssignment(assignment))))
        .build((short) 5);
  }

  private static HeartbeatRequest heartbeat(String group, String member, int generation) {
    return new HeartbeatRequest.Builder(
            new HeartbeatRequestData()
                .setGroupId(group)
                .setMemberId(member)
                .setGenerationId(generation))
        .build((short) 4);
  }

  private static OffsetCommitRequest commit(String group, String member, int generation) {
    return OffsetCommitRequest.Builder.forTopicNames(
            new OffsetCommitRequestData()
                .setGroupId(group)
                .setMemberId(member)
                .setGenerationIdOrMemberEpoch(generation)
                .setTopics(
                    List.of(
                        new OffsetCommitRequestTopic()
                            .setName("exactly")
                            .setPartitions(
                                List.of(
                                    new OffsetCommitRequestPartition()
                                        .setPartitionIndex(0)
                                        .setCommittedOffset(generation + 2L))))))
        .build((short) 8);
  }

  private void deleteTopics(Admin admin) throws Exception {
    t.attempt("delete alpha", () -> ok(admin.deleteTopics(List.of("alpha")).all()));
    t.attempt("delete alpha again", () -> ok(admin.deleteTopics(List.of("alpha")).all()));
    t.attempt("recreate alpha at once", () -> create(admin, new NewTopic("alpha", 1, (short) 1)));
    t.attempt(
        "describe alpha recreated",
        () -> settled(() -> describe(admin, "alpha"), d -> !d.contains("1:leader")));
    t.attempt(
        "delete __consumer_offsets",
        () -> ok(admin.deleteTopics(List.of("__consumer_offsets")).all()));
    t.attempt("delete defaults", () -> ok(admin.deleteTopics(List.of("defaults")).all()));
    t.record(
        "list topics at the end",
        settled(() -> listTopics(admin), names -> !names.contains("defaults")));
  }

  // --- helpers ---------------------------------------------------------------------------------

  /**
   * Observes until {@code done} holds (or the wait ends) and returns the last observation: Kafka
   * applies topic and config changes to its brokers' metadata asynchronously after the controller
   * acknowledged them, so a read right after a change may still see the old state.
   */
  static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while ((t instanceof java.util.concurrent.ExecutionException
            || t instanceof java.util.concurrent.CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  static <T> T settled(Callable<T> observe, Predicate<T> done) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      try {
        T seen = observe.call();
        if (done.test(seen) || System.nanoTime() > deadline) {
          return seen;
        }
      } catch (Exception notYet) {
        // e.g. a topic deleted and created again, not yet visible: observed again until the end
        if (System.nanoTime() > deadline) {
          throw notYet;
        }
      }
      Thread.sleep(50);
    }
  }

  private static String ok(org.apache.kafka.common.KafkaFuture<?> f) throws Exception {
    f.get();
    return "ok";
  }

  private static String create(Admin admin, NewTopic... topics) throws Exception {
    return ok(admin.createTopics(List.of(topics)).all());
  }

  private static String grow(Admin admin, String topic, int count) throws Exception {
    return ok(admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(count))).all());
  }

  private static String alter(Admin admin, ConfigResource res, AlterConfigOp... ops)
      throws Exception {
    return ok(admin.incrementalAlterConfigs(Map.of(res, List.of(ops))).all());
  }

  /**
   * A topic just created: Kafka (KRaft) answers CreateTopics once its controller committed the
   * topic, and its broker may learn of it a moment later, so an early DescribeConfigs can say
   * UNKNOWN_TOPIC_OR_PARTITION on a loaded machine. Asked again until known, as a client would.
   */
  private static Config describeCreated(Admin admin, ConfigResource res) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        return describeConfig(admin, res);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  private static Config describeConfig(Admin admin, ConfigResource res) throws Exception {
    return admin
        .describeConfigs(List.of(res), new DescribeConfigsOptions().includeSynonyms(true))
        .all()
        .get()
        .get(res);
  }

  private void recordConfig(String step, Config config) {
    for (String key : TOPIC_KEYS) {
      ConfigEntry e = config.get(key);
      t.record(step + " " + key, e == null ? "absent" : entry(e));
    }
  }

  private static String entry(ConfigEntry e) {
    return e.value()
        + " "
        + e.source()
        + (e.isReadOnly() ? " read-only" : "")
        + (e.isSensitive() ? " sensitive" : "")
        + (e.synonyms().isEmpty()
            ? ""
            : " synonyms="
                + e.synonyms().stream()
                    .map(y -> y.source() + ":" + y.name() + "=" + y.value())
                    .toList());
  }

  private static String describe(Admin admin, String topic) throws Exception {
    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    return d.name()
        + " internal="
        + d.isInternal()
        + " "
        + d.partitions().stream()
            .sorted(Comparator.comparingInt(TopicPartitionInfo::partition))
            .map(p ->
                p.partition()
                    + ":leader="
                    + p.leader().id()
                    + ",replicas="
                    + p.replicas().stream().map(n -> n.id()).toList()
                    + ",isr="
                    + p.isr().stream().map(n -> n.id()).toList())
            .toList();
  }

  private static List<String> listTopics(Admin admin) throws Exception {
    return admin.listTopics().names().get().stream().sorted().toList();
  }

  private String listOffset(Admin admin, TopicPartition tp, OffsetSpec spec) throws Exception {
    var info = admin.listOffsets(Map.of(tp, spec)).all().get().get(tp);
    return info.offset() + " ts=" + relative(info.timestamp()) + " epoch=" + info.leaderEpoch();
  }

  private static long deleteRecords(Admin admin, TopicPartition tp, long before) throws Exception {
    return admin
        .deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(before)))
        .lowWatermarks()
        .get(tp)
        .get()
        .lowWatermark();
  }

  private static String alterOffsets(Admin admin, String group, TopicPartition tp, long offset)
      throws Exception {
    return ok(
        admin.alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(offset))).all());
  }

  private static String describeGroup(Admin admin, String group) throws Exception {
    ConsumerGroupDescription d =
        admin.describeConsumerGroups(List.of(group)).all().get().get(group);
    // Member ids are the client id plus a random UUID: compared through instance and client ids.
    return d.groupState()
        + " type="
        + d.type()
        + " simple="
        + d.isSimpleConsumerGroup()
        + " assignor="
        + d.partitionAssignor()
        + " coordinator="
        + (d.coordinator() == null ? null : d.coordinator().id())
        + " members="
        + d.members().stream()
            .map(m ->
                m.groupInstanceId().orElse("-")
                    + "/"
                    + m.clientId()
                    + "/"
                    + m.host()
                    + "/"
                    + sorted(m.assignment().topicPartitions()))
            .sorted()
            .toList();
  }

  static Map<String, String> committed(Admin admin, String group) throws Exception {
    Map<String, String> out = new TreeMap<>();
    admin
        .listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata()
        .get()
        .forEach((tp, om) ->
            out.put(
                tp.toString(),
                om == null
                    ? "null"
                    : om.offset() + " '" + om.metadata() + "' " + om.leaderEpoch()));
    return out;
  }

  /** Operation sets print in hash order: sorted names compare; null stays "null" (not asked). */
  private static List<String> names(Set<AclOperation> operations) {
    return operations == null ? null : operations.stream().map(Enum::name).sorted().toList();
  }

  private static List<String> sorted(java.util.Collection<TopicPartition> tps) {
    return tps.stream().map(TopicPartition::toString).sorted().toList();
  }

  private String sent(RecordMetadata m) {
    return m.partition() + "@" + m.offset() + " ts=" + relative(m.timestamp());
  }

  /** A timestamp as an offset from {@link #base}; -1 (none) stays -1. */
  private String relative(long ts) {
    return ts == -1 ? "-1" : String.format("%+d", ts - base);
  }

  private List<String> read(KafkaConsumer<String, String> c, TopicPartition tp, int n) {
    return poll(c, tp, n).stream()
        .map(r ->
            r.offset()
                + " "
                + r.key()
                + "="
                + r.value()
                + " "
                + r.timestampType()
                + ":"
                + relative(r.timestamp())
                + " headers="
                + headers(r))
        .toList();
  }

  private static String headers(ConsumerRecord<String, String> r) {
    List<String> hs = new ArrayList<>();
    for (Header h : r.headers()) {
      hs.add(h.key() + ":" + new String(h.value(), StandardCharsets.UTF_8));
    }
    return String.join(",", hs);
  }

  /** Reads {@code n} records of one partition from its beginning, within a bounded wait. */
  private static List<ConsumerRecord<String, String>> poll(
      KafkaConsumer<String, String> c, TopicPartition tp, int n) {
    c.assign(List.of(tp));
    c.seekToBeginning(List.of(tp));
    List<ConsumerRecord<String, String>> got = new ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (got.size() < n && System.nanoTime() < deadline) {
      c.poll(Duration.ofMillis(100)).records(tp).forEach(got::add);
    }
    return got;
  }

  private static void awaitWhilePolling(
      BooleanSupplier condition, KafkaConsumer<?, ?>... consumers) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("group did not settle within " + WAIT);
      }
      for (KafkaConsumer<?, ?> c : consumers) {
        c.poll(Duration.ofMillis(50));
      }
    }
  }
}
