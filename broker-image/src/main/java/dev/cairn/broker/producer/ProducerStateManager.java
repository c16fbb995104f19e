package dev.cairn.broker.producer;

import dev.cairn.broker.log.BatchHeader;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.RecordBatch;

/**
 * The idempotent-producer state of one partition: for every producer id its epoch and the metadata
 * of its last {@value #CACHED_BATCHES} batches — the producer keeps at most five requests in
 * flight, so a retried batch is always among them.
 *
 * <p>Rules (Kafka's): an older epoch is fenced (INVALID_PRODUCER_EPOCH); a newer epoch must start
 * at sequence 0; within an epoch, a batch whose first and last sequence equal a cached batch is a
 * duplicate and is answered with the original offsets without being written again; otherwise the
 * first sequence must follow the last one (wrapping after {@link Integer#MAX_VALUE}), else
 * OUT_OF_ORDER_SEQUENCE. Non-idempotent batches (producer id -1) are not tracked.
 *
 * <p>A pure state machine: no I/O. The log rebuilds it on load by replaying batch headers and calls
 * it under its append lock.
 */
public final class ProducerStateManager {
  static final int CACHED_BATCHES = 5;

  /** Offsets and sequences of an appended batch. */
  public record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset) {}

  private static final class Entry {
    short epoch;
    final Deque<BatchMetadata> batches = new ArrayDeque<>();
  }

  private final Map<Long, Entry> producers = new HashMap<>();

  /**
   * Checks a batch about to be appended. Returns the original metadata if it is a duplicate, null
   * if it must be appended; throws the Kafka exception otherwise.
   */
  public BatchMetadata check(BatchHeader h) {
    if (h.producerId() == RecordBatch.NO_PRODUCER_ID) {
      return null;
    }
    Entry e = producers.get(h.producerId());
    int firstSeq = h.baseSequence();
    if (e == null) {
      return null;
    }
    if (h.producerEpoch() < e.epoch) {
      throw new InvalidProducerEpochException(
          "producer "
              + h.producerId()
              + " epoch "
              + h.producerEpoch()
              + " is older than "
              + e.epoch);
    }
    if (h.producerEpoch() > e.epoch) {
      if (firstSeq != 0) {
        throw new OutOfOrderSequenceException(
            "producer "
                + h.producerId()
                + " new epoch "
                + h.producerEpoch()
                + " must start at sequence 0, got "
                + firstSeq);
      }
      return null;
    }
    int lastSeq = lastSequence(h);
    for (BatchMetadata b : e.batches) {
      if (b.firstSeq() == firstSeq && b.lastSeq() == lastSeq) {
        return b;
      }
    }
    BatchMetadata last = e.batches.peekLast();
    if (last != null && firstSeq != nextSequence(last.lastSeq())) {
      throw new OutOfOrderSequenceException(
          "producer "
              + h.producerId()
              + " sent sequence "
              + firstSeq
              + ", expected "
              + nextSequence(last.lastSeq()));
    }
    return null;
  }

  /** Records an appended batch (its header carries the offsets it was written with). */
  public void update(BatchHeader h) {
    if (h.producerId() == RecordBatch.NO_PRODUCER_ID) {
      return;
    }
    Entry e = producers.computeIfAbsent(h.producerId(), id -> new Entry());
    if (h.producerEpoch() != e.epoch) {
      e.epoch = h.producerEpoch();
      e.batches.clear();
    }
    e.batches.addLast(
        new BatchMetadata(h.baseSequence(), lastSequence(h), h.baseOffset(), h.lastOffset()));
    if (e.batches.size() > CACHED_BATCHES) {
      e.batches.removeFirst();
    }
  }

  /** Number of producer ids tracked (a gauge). */
  /** Forgets every producer (the log was truncated and is read again). */
  public void clear() {
    producers.clear();
  }

  public int size() {
    return producers.size();
  }

  private static int lastSequence(BatchHeader h) {
    long last = (long) h.baseSequence() + (h.lastOffset() - h.baseOffset());
    return (int) (last > Integer.MAX_VALUE ? last - Integer.MAX_VALUE - 1 : last);
  }

  private static int nextSequence(int seq) {
    return seq == Integer.MAX_VALUE ? 0 : seq + 1;
  }
}
