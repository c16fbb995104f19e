package dev.cairn.broker.differential;

import static dev.cairn.broker.differential.RawRequests.error;
import static dev.cairn.broker.differential.RawRequests.produce;
import static dev.cairn.broker.differential.RawRequests.rec;

import dev.cairn.broker.ClientProps;
import dev.cairn.common.testkit.Transcript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.Records;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.EndTxnResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;

/**
 * The transactions part of the differential test: what each isolation level reads around committed,
 * aborted and open transactions, the last stable offset as ListOffsets and Fetch report it, fencing
 * of a second producer with the same transactional id, offsets committed in a transaction, the
 * coordinator's error codes for requests out of turn (InitProducerId over an open transaction
 * included), and a partition leader's answers to markers of a fenced coordinator or producer. Run
 * once against Apache Kafka and once against Cairn; the transcripts must be equal.
 *
 * <p>Raw requests use the versions a pre-KIP-890 client sends (InitProducerId v4,
 * AddPartitionsToTxn v3, EndTxn v4, Produce v11), whose rules both servers document; kafka-clients
 * picks its own. Producer ids are never recorded, only whether they are valid.
 */
final class TransactionScenario {
  private static final Duration WAIT = Duration.ofSeconds(15);

  /** Coordinator answers a client retries: loading, moving, or markers still being written. */
  private static final Set<Errors> RETRIABLE =
      Set.of(
          Errors.COORDINATOR_LOAD_IN_PROGRESS,
          Errors.COORDINATOR_NOT_AVAILABLE,
          Errors.NOT_COORDINATOR,
          Errors.CONCURRENT_TRANSACTIONS);

  private final ClientProps clients;
  private final Transcript t =
      new Transcript(e -> Scenario.rootCause(e).getClass().getSimpleName());

  private TransactionScenario(String bootstrap) {
    this.clients = new ClientProps(bootstrap);
  }

  /** Runs the transactions script against the broker at {@code bootstrap} (host:port). */
  static Transcript run(String bootstrap) throws Exception {
    TransactionScenario s = new TransactionScenario(bootstrap);
    try (Admin admin = Admin.create(s.clients.admin())) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("txn-visible", 1, (short) 1),
                  new NewTopic("txn-fenced", 1, (short) 1),
                  new NewTopic("txn-raw", 1, (short) 1),
                  new NewTopic("txn-reinit", 1, (short) 1)))
          .all()
          .get();
      s.visibilityAndLastStableOffset(admin);
      s.fencing();
      s.offsetsInTransactions(admin);
      s.coordinatorErrors();
      s.reinitAndStaleMarkers();
    }
    return s.t;
  }

  /** Committed, aborted and open transactions in one partition, seen by both isolation levels. */
  private void visibilityAndLastStableOffset(Admin admin) throws Exception {
    TopicPartition tp = new TopicPartition("txn-visible", 0);
    try (KafkaProducer<String, String> p = transactional("diff-visible")) {
      p.initTransactions();
      p.beginTransaction();
      for (String v : List.of("a1", "a2", "a3")) {
        p.send(new ProducerRecord<>(tp.topic(), 0, "k", v));
      }
      p.commitTransaction();
      p.beginTransaction();
      // Sent before the abort: records still in the client's buffer would just be dropped.
      p.send(new ProducerRecord<>(tp.topic(), 0, "k", "b1"));
      p.send(new ProducerRecord<>(tp.topic(), 0, "k", "b2")).get();
      p.abortTransaction();
      p.beginTransaction();
      p.send(new ProducerRecord<>(tp.topic(), 0, "k", "c1")).get();

      // The open transaction starts at offset 7: markers took offsets 3 and 6.
      t.record(
          "open: latest read_uncommitted", endOffset(admin, tp, IsolationLevel.READ_UNCOMMITTED));
      t.record("open: latest read_committed", endOffset(admin, tp, IsolationLevel.READ_COMMITTED));
      t.record("open: read_committed reads", read(tp, true, 3));
      t.record("open: read_uncommitted reads", read(tp, false, 6));
      t.record("open: fetch read_committed", rawFetch(tp, IsolationLevel.READ_COMMITTED));
      t.record("open: fetch read_uncommitted", rawFetch(tp, IsolationLevel.READ_UNCOMMITTED));
      p.commitTransaction();
    }
    // Markers are written after EndTxn answers (Kafka's transaction version 2): both ends are
    // observed until the marker is in, when the partition is stable again and they agree.
    List<String> ends =
        Scenario.settled(
            () ->
                List.of(
                    endOffset(admin, tp, IsolationLevel.READ_UNCOMMITTED),
                    endOffset(admin, tp, IsolationLevel.READ_COMMITTED)),
            e -> e.get(0).equals(e.get(1)));
    t.record("committed: latest read_committed", ends.get(1));
    t.record("committed: latest read_uncommitted", ends.get(0));
    t.record("committed: read_committed reads", read(tp, true, 4));
    t.record("committed: fetch read_committed", rawFetch(tp, IsolationLevel.READ_COMMITTED));
  }

  /** A second producer with the same transactional id fences the first and aborts its work. */
  private void fencing() throws Exception {
    TopicPartition tp = new TopicPartition("txn-fenced", 0);
    try (KafkaProducer<String, String> zombie = transactional("diff-fenced");
        KafkaProducer<String, String> successor = transactional("diff-fenced")) {
      zombie.initTransactions();
      zombie.beginTransaction();
      zombie.send(new ProducerRecord<>(tp.topic(), 0, "k", "zombie")).get();
      successor.initTransactions();
      t.attempt(
          "fenced producer sends",
          () -> zombie.send(new ProducerRecord<>(tp.topic(), 0, "k", "late")).get().offset());
      t.attempt(
          "fenced producer commits",
          () -> {
            zombie.commitTransaction();
            return "committed";
          });
      successor.beginTransaction();
      successor.send(new ProducerRecord<>(tp.topic(), 0, "k", "successor"));
      t.attempt(
          "successor commits",
          () -> {
            successor.commitTransaction();
            return "committed";
          });
    }
    t.record("fenced: read_committed reads", read(tp, true, 1));
    t.record("fenced: read_uncommitted reads", read(tp, false, 2));
  }

  /** Offsets sent in a transaction: invisible while it is open, kept on commit, lost on abort. */
  private void offsetsInTransactions(Admin admin) throws Exception {
    TopicPartition tp = new TopicPartition("txn-visible", 0);
    String group = "diff-txn-group";
    try (KafkaProducer<String, String> p = transactional("diff-offsets")) {
      p.initTransactions();
      p.beginTransaction();
      p.send(new ProducerRecord<>("txn-raw", 0, "k", "o1"));
      p.sendOffsetsToTransaction(
          Map.of(tp, new OffsetAndMetadata(5, "in-txn")), new ConsumerGroupMetadata(group));
      t.record("offsets before commit", Scenario.committed(admin, group));
      p.commitTransaction();
      t.record(
          "offsets after commit",
          Scenario.settled(() -> Scenario.committed(admin, group), m -> !m.isEmpty()));
      p.beginTransaction();
      p.sendOffsetsToTransaction(
          Map.of(tp, new OffsetAndMetadata(8, "aborted")), new ConsumerGroupMetadata(group));
      p.abortTransaction();
      t.record("offsets after abort", Scenario.committed(admin, group));
    }
  }

  /** The coordinator's answers to requests out of turn, by raw requests. */
  private void coordinatorErrors() throws Exception {
    TopicPartition tp = new TopicPartition("txn-raw", 0);
    try (RawKafkaClient raw = RawKafkaClient.to(clients.bootstrap())) {
      FindCoordinatorResponse found =
          raw.send(
              new FindCoordinatorRequest.Builder(
                      new FindCoordinatorRequestData()
                          .setKeyType(FindCoordinatorRequest.CoordinatorType.TRANSACTION.id())
                          .setCoordinatorKeys(List.of("diff-raw")))
                  .build((short) 4));
      t.record(
          "find transaction coordinator", error(found.data().coordinators().get(0).errorCode()));
      t.record(
          "end txn of an unknown transactional id",
          retried(() -> endTxn(raw, "diff-nobody", 4242, (short) 0, true)));

      InitProducerIdResponse first = retried(raw, () -> initTxn(raw, "diff-raw"));
      t.record(
          "init transactional",
          error(first.data().errorCode()) + " epoch=" + first.data().producerEpoch());
      long pid = first.data().producerId();
      short old = first.data().producerEpoch();
      InitProducerIdResponse second = retried(raw, () -> initTxn(raw, "diff-raw"));
      t.record(
          "init again",
          error(second.data().errorCode())
              + " same id="
              + (second.data().producerId() == pid)
              + " epoch="
              + second.data().producerEpoch());
      short epoch = second.data().producerEpoch();

      t.record(
          "commit with nothing in the transaction",
          retried(() -> endTxn(raw, "diff-raw", pid, epoch, true)));
      t.record(
          "transactional produce to a partition not added",
          txnProduce(raw, "diff-raw", tp, txnBatch(pid, epoch, 0, "not-added")));
      t.record("add partition with the old epoch", addPartition(raw, "diff-raw", pid, old, tp));
      t.record(
          "end txn with the old epoch", retried(() -> endTxn(raw, "diff-raw", pid, old, true)));
      t.record("add partition", addPartition(raw, "diff-raw", pid, epoch, tp));
      t.record(
          "transactional produce",
          txnProduce(raw, "diff-raw", tp, txnBatch(pid, epoch, 0, "raw-1")));
      t.record(
          "non-transactional produce by the same producer",
          produce(
              raw,
              tp.topic(),
              0,
              MemoryRecords.withIdempotentRecords(Compression.NONE, pid, epoch, 1, rec("plain"))));
      t.record("abort", retried(() -> endTxn(raw, "diff-raw", pid, epoch, false)));
      t.record("abort retried", retried(() -> endTxn(raw, "diff-raw", pid, epoch, false)));
      t.record("commit after abort", retried(() -> endTxn(raw, "diff-raw", pid, epoch, true)));
      t.record("raw: fetch read_committed", rawFetch(tp, IsolationLevel.READ_COMMITTED));
    }
  }

  /**
   * InitProducerId while the id's transaction is open: the coordinator aborts it (fencing its
   * producer) and answers CONCURRENT_TRANSACTIONS; the retry bumps the epoch once more. Then
   * WriteTxnMarkers as a coordinator that lost its partition would send them: from an older
   * coordinator epoch, and for an older producer epoch.
   */
  private void reinitAndStaleMarkers() throws Exception {
    TopicPartition tp = new TopicPartition("txn-reinit", 0);
    String id = "diff-reinit";
    try (RawKafkaClient raw = RawKafkaClient.to(clients.bootstrap())) {
      InitProducerIdResponse first = retried(raw, () -> initTxn(raw, id));
      long pid = first.data().producerId();
      short epoch = first.data().producerEpoch();
      t.record("reinit: add partition", addPartition(raw, id, pid, epoch, tp));
      t.record("reinit: produce", txnProduce(raw, id, tp, txnBatch(pid, epoch, 0, "open")));
      t.record("init during an open transaction", error(initTxn(raw, id).data().errorCode()));
      InitProducerIdResponse again = retried(raw, () -> initTxn(raw, id));
      t.record(
          "init retried",
          error(again.data().errorCode())
              + " same id="
              + (again.data().producerId() == pid)
              + " epoch bumped by "
              + (again.data().producerEpoch() - epoch));
      t.record("reinit: fetch read_committed", rawFetch(tp, IsolationLevel.READ_COMMITTED));
      // The fencing abort's marker carries epoch + 1 and the coordinator's epoch (>= 0).
      t.record(
          "marker from an older coordinator epoch",
          writeMarker(raw, tp, pid, (short) (epoch + 1), -1));
      t.record(
          "marker of an older producer epoch", writeMarker(raw, tp, pid, epoch, Integer.MAX_VALUE));
    }
  }

  // --- raw requests ----------------------------------------------------------------------------

  /** WriteTxnMarkers v1 with one commit marker for {@code tp}: the partition's error. */
  private static String writeMarker(
      RawKafkaClient raw, TopicPartition tp, long pid, short epoch, int coordinatorEpoch)
      throws Exception {
    WriteTxnMarkersResponse r =
        raw.send(
            new WriteTxnMarkersRequest.Builder(
                    new WriteTxnMarkersRequestData()
                        .setMarkers(
                            List.of(
                                new WriteTxnMarkersRequestData.WritableTxnMarker()
                                    .setProducerId(pid)
                                    .setProducerEpoch(epoch)
                                    .setCoordinatorEpoch(coordinatorEpoch)
                                    .setTransactionResult(true)
                                    .setTopics(
                                        List.of(
                                            new WriteTxnMarkersRequestData.WritableTxnMarkerTopic()
                                                .setName(tp.topic())
                                                .setPartitionIndexes(List.of(tp.partition())))))))
                .build((short) 1));
    return error(r.data().markers().get(0).topics().get(0).partitions().get(0).errorCode());
  }

  private static InitProducerIdResponse initTxn(RawKafkaClient raw, String id) throws Exception {
    return raw.send(
        new InitProducerIdRequest.Builder(
                new InitProducerIdRequestData()
                    .setTransactionalId(id)
                    .setTransactionTimeoutMs(60_000)
                    .setProducerId(-1)
                    .setProducerEpoch((short) -1))
            .build((short) 4));
  }

  private static String endTxn(RawKafkaClient raw, String id, long pid, short epoch, boolean commit)
      throws Exception {
    EndTxnResponse r =
        raw.send(
            new EndTxnRequest.Builder(
                    new EndTxnRequestData()
                        .setTransactionalId(id)
                        .setProducerId(pid)
                        .setProducerEpoch(epoch)
                        .setCommitted(commit),
                    false)
                .build((short) 4));
    return error(r.data().errorCode());
  }

  private static String addPartition(
      RawKafkaClient raw, String id, long pid, short epoch, TopicPartition tp) throws Exception {
    for (long deadline = System.nanoTime() + WAIT.toNanos(); ; Thread.sleep(50)) {
      AddPartitionsToTxnResponse r =
          raw.send(
              AddPartitionsToTxnRequest.Builder.forClient(id, pid, epoch, List.of(tp))
                  .build((short) 3));
      Errors e = r.errors().get(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID).get(tp);
      if (!RETRIABLE.contains(e) || System.nanoTime() > deadline) {
        return e.name();
      }
    }
  }

  /** A produce of transactional id {@code id}'s batch: "ERROR base=… logStart=…". */
  private static String txnProduce(
      RawKafkaClient raw, String id, TopicPartition tp, MemoryRecords records) throws Exception {
    ProduceRequestData data =
        RawRequests.produceRequest(tp.topic(), tp.partition(), records)
            .data()
            .setTransactionalId(id);
    ProduceResponse r = raw.send(ProduceRequest.builder(data).build((short) 11));
    var pr = r.data().responses().iterator().next().partitionResponses().get(0);
    return error(pr.errorCode()) + " base=" + pr.baseOffset() + " logStart=" + pr.logStartOffset();
  }

  private static MemoryRecords txnBatch(long pid, short epoch, int seq, String value) {
    return MemoryRecords.withTransactionalRecords(Compression.NONE, pid, epoch, seq, rec(value));
  }

  /**
   * A fetch of the whole partition at an isolation level: high watermark, last stable offset, the
   * first offsets of the aborted transactions it reports, and the batches it returns.
   */
  private String rawFetch(TopicPartition tp, IsolationLevel level) throws Exception {
    try (RawKafkaClient raw = RawKafkaClient.to(clients.bootstrap())) {
      FetchRequestData data =
          RawRequests.fetch(tp.topic(), tp.partition(), 0).data().setIsolationLevel(level.id());
      FetchResponse r = raw.send(new FetchRequest(data, (short) 12));
      var pd = r.data().responses().get(0).partitions().get(0);
      List<String> batches = new ArrayList<>();
      for (RecordBatch b : ((Records) pd.records()).batches()) {
        batches.add(
            b.baseOffset()
                + "-"
                + b.lastOffset()
                + (b.isControlBatch() ? " control" : "")
                + (b.isTransactional() ? " txn" : ""));
      }
      return error(pd.errorCode())
          + " hw="
          + pd.highWatermark()
          + " lso="
          + pd.lastStableOffset()
          + " aborted="
          + (pd.abortedTransactions() == null
              ? null
              : pd.abortedTransactions().stream().map(a -> a.firstOffset()).toList())
          + " batches="
          + batches;
    }
  }

  /** Retries a coordinator request while the answer is one a client retries. */
  private static String retried(Callable<String> request) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      String e = request.call();
      if (!RETRIABLE.contains(Errors.valueOf(e)) || System.nanoTime() > deadline) {
        return e;
      }
      Thread.sleep(50);
    }
  }

  private static InitProducerIdResponse retried(
      RawKafkaClient raw, Callable<InitProducerIdResponse> request) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      InitProducerIdResponse r = request.call();
      if (!RETRIABLE.contains(Errors.forCode(r.data().errorCode()))
          || System.nanoTime() > deadline) {
        return r;
      }
      Thread.sleep(50);
    }
  }

  // --- clients ---------------------------------------------------------------------------------

  private static String endOffset(Admin admin, TopicPartition tp, IsolationLevel level)
      throws Exception {
    return String.valueOf(
        admin
            .listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(level))
            .all()
            .get()
            .get(tp)
            .offset());
  }

  /**
   * Reads the partition from its beginning until {@code n} records came and the position reached
   * the end the isolation level allows; records are "offset:value", then the position.
   */
  private List<String> read(TopicPartition tp, boolean readCommitted, int n) {
    Properties props =
        clients.consumer(
            null,
            Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                readCommitted ? "read_committed" : "read_uncommitted"));
    List<String> got = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props)) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while ((got.size() < n || c.position(tp) < end) && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(100))
            .records(tp)
            .forEach(r -> got.add(r.offset() + ":" + r.value()));
      }
      got.add("position " + c.position(tp));
    }
    return got;
  }

  private KafkaProducer<String, String> transactional(String id) {
    return new KafkaProducer<>(
        clients.producer(
            Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                id,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                "15000")));
  }
}
