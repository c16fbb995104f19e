package dev.cairn.broker.differential;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.utils.Crc32C;

/**
 * The raw requests of the scenario, built with kafka-clients' message classes (Produce v11 and
 * Fetch v12, which both servers accept), and how their answers are written into a transcript.
 */
public final class RawRequests {
  private RawRequests() {}

  /** A record for raw requests: stamped now (its timestamp is never observed). */
  static SimpleRecord rec(String value) {
    return new SimpleRecord(
        System.currentTimeMillis(),
        "k".getBytes(StandardCharsets.UTF_8),
        value.getBytes(StandardCharsets.UTF_8));
  }

  /** A batch of an idempotent producer: {@code pid}, {@code epoch}, first sequence {@code seq}. */
  static MemoryRecords batch(long pid, short epoch, int seq, String... values) {
    SimpleRecord[] records = new SimpleRecord[values.length];
    for (int i = 0; i < values.length; i++) {
      records[i] = rec(values[i]);
    }
    return MemoryRecords.withIdempotentRecords(Compression.NONE, pid, epoch, seq, records);
  }

  /** Sends one acks=all produce and answers "ERROR base=… logStart=…". */
  static String produce(RawKafkaClient raw, String topic, int partition, MemoryRecords records)
      throws Exception {
    ProduceResponse r = raw.send(produceRequest(topic, partition, records));
    var pr = r.data().responses().iterator().next().partitionResponses().get(0);
    return error(pr.errorCode()) + " base=" + pr.baseOffset() + " logStart=" + pr.logStartOffset();
  }

  static ProduceRequest produceRequest(String topic, int partition, MemoryRecords records) {
    return produceRequest(topic, partition, records, (short) -1, (short) 11);
  }

  /** A produce of {@code records} to one partition, with the given acks, at a request version. */
  public static ProduceRequest produceRequest(
      String topic, int partition, MemoryRecords records, short acks, short version) {
    ProduceRequestData data =
        new ProduceRequestData()
            .setAcks(acks)
            .setTimeoutMs(5000)
            .setTopicData(
                new ProduceRequestData.TopicProduceDataCollection(
                    List.of(
                            new ProduceRequestData.TopicProduceData()
                                .setName(topic)
                                .setPartitionData(
                                    List.of(
                                        new ProduceRequestData.PartitionProduceData()
                                            .setIndex(partition)
                                            .setRecords(records))))
                        .iterator()));
    return ProduceRequest.builder(data).build(version);
  }

  /** A sessionless, non-waiting fetch of one partition from {@code offset}. */
  static FetchRequest fetch(String topic, int partition, long offset) {
    FetchRequestData data =
        new FetchRequestData()
            .setReplicaId(-1)
            .setMaxWaitMs(0)
            .setMinBytes(0)
            .setMaxBytes(1 << 20)
            .setSessionId(0)
            .setSessionEpoch(-1)
            .setTopics(
                List.of(
                    new FetchRequestData.FetchTopic()
                        .setTopic(topic)
                        .setPartitions(
                            List.of(
                                new FetchRequestData.FetchPartition()
                                    .setPartition(partition)
                                    .setFetchOffset(offset)
                                    .setPartitionMaxBytes(1 << 20)))));
    return new FetchRequest(data, (short) 12);
  }

  static String error(short code) {
    return Errors.forCode(code).name();
  }

  /**
   * {@code records} (one batch) with the int at {@code offset} of its header replaced and the CRC
   * recomputed, so only the tampered field is wrong.
   */
  static MemoryRecords tampered(MemoryRecords records, int offset, int value) {
    ByteBuffer b = records.buffer().duplicate();
    b.putInt(offset, value);
    long crc =
        Crc32C.compute(
            b, DefaultRecordBatch.CRC_OFFSET + 4, b.limit() - DefaultRecordBatch.CRC_OFFSET - 4);
    b.putInt(DefaultRecordBatch.CRC_OFFSET, (int) crc);
    return MemoryRecords.readableRecords(b);
  }
}
