package dev.cairn.broker.producer;

import dev.cairn.broker.log.BatchHeader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;
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
 * <p>Transactions (Kafka's): a producer's first transactional batch opens its transaction at that
 * offset; its control batch (commit or abort marker) closes it. The first offset of the earliest
 * open transaction bounds the last stable offset; aborted transactions are remembered (producer,
 * first offset, marker offset) so read_committed fetches can tell consumers what to skip. Batches
 * without a sequence (control batches, transactional offset commits) are checked for their epoch
 * only.
 *
 * <p>Expiry (Kafka's {@code producer.id.expiration.ms}): a producer with no open transaction whose
 * latest batch or marker timestamp is that old is forgotten. Should it send again, its batch is
 * accepted whatever its sequence, as Kafka 4 accepts a producer it holds no state for.
 *
 * <p>A pure state machine: no I/O. The log restores it from its latest producer snapshot ({@link
 * #entries()} / {@link #restore}) and replays the batch headers after it, and calls it under its
 * append lock; the transaction queries are synchronized so fetches can ask anytime.
 */
public final class ProducerStateManager {
  static final int CACHED_BATCHES = 5;

  /** Offsets and sequences of an appended batch. */
  public record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset) {}

  /** An aborted transaction, as Kafka's transaction index records it. */
  public record AbortedTxn(
      long producerId, long firstOffset, long lastOffset, long lastStableOffset) {}

  /**
   * One producer as DescribeProducers reports it: last sequence and timestamp of its latest batch
   * (-1 if none carried one), the coordinator epoch of its latest marker (-1 before any), the first
   * offset of its open transaction (-1 if none).
   */
  public record ProducerSnapshot(
      long producerId,
      short epoch,
      int lastSequence,
      long lastTimestamp,
      int coordinatorEpoch,
      long txnFirstOffset) {}

  /**
   * One producer's whole state, as a snapshot file holds it: epoch, timestamp of its latest batch
   * or marker, coordinator epoch of its latest marker (-1 before any), first offset of its open
   * transaction (-1 if none), and its cached batches, oldest first.
   */
  public record ProducerEntry(
      long producerId,
      short epoch,
      long lastTimestamp,
      int coordinatorEpoch,
      long txnFirstOffset,
      List<BatchMetadata> batches) {
    public ProducerEntry {
      batches = List.copyOf(batches);
      if (batches.size() > CACHED_BATCHES) {
        throw new IllegalArgumentException(
            "producer " + producerId + " has " + batches.size() + " cached batches");
      }
    }
  }

  private static final class Entry {
    short epoch;
    long lastTimestamp = -1;
    int coordinatorEpoch = -1;
    long txnFirstOffset = -1;
    final Deque<BatchMetadata> batches = new ArrayDeque<>();
  }

  private final Map<Long, Entry> producers = new HashMap<>();

  /** Open transactions: first offset → producer id. */
  private final TreeMap<Long, Long> ongoing = new TreeMap<>();

  /** Aborted transactions in marker-offset order. */
  private final List<AbortedTxn> aborted = new ArrayList<>();

  /**
   * Checks a batch about to be appended. Returns the original metadata if it is a duplicate, null
   * if it must be appended; throws the Kafka exception otherwise.
   */
  public synchronized BatchMetadata check(BatchHeader h) {
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
    if (h.isControl() || firstSeq == RecordBatch.NO_SEQUENCE) {
      return null;
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
    if (!h.isTransactional() && e.txnFirstOffset >= 0) {
      // As Kafka: the open transaction would otherwise swallow the write, or end around it.
      throw new InvalidTxnStateException(
          "expected a transactional write from producer "
              + h.producerId()
              + ", whose transaction is open since offset "
              + e.txnFirstOffset);
    }
    return null;
  }

  /**
   * Checks a coordinator's marker about to be appended, as Kafka does: a producer epoch older than
   * the producer's is INVALID_PRODUCER_EPOCH, and a coordinator epoch older than that of the
   * producer's latest marker is TRANSACTION_COORDINATOR_FENCED (a coordinator that lost its
   * partition of {@code __transaction_state} must not end a transaction its successor owns).
   */
  public synchronized void checkMarker(long producerId, short epoch, int coordinatorEpoch) {
    Entry e = producers.get(producerId);
    if (e == null) {
      return;
    }
    if (epoch < e.epoch) {
      throw new InvalidProducerEpochException(
          "marker of producer " + producerId + " at epoch " + epoch + ", older than " + e.epoch);
    }
    if (coordinatorEpoch < e.coordinatorEpoch) {
      throw new TransactionCoordinatorFencedException(
          "marker of producer "
              + producerId
              + " from coordinator epoch "
              + coordinatorEpoch
              + " (zombie), "
              + e.coordinatorEpoch
              + " (current)");
    }
  }

  /**
   * Records an appended batch (its header carries the offsets it was written with); {@code commit}
   * says which marker a control batch carries (ignored for other batches). Returns the aborted
   * transaction an abort marker closed, else null.
   */
  public AbortedTxn update(BatchHeader h, boolean commit) {
    return update(h, commit, -1);
  }

  /** As {@link #update(BatchHeader, boolean)}, with the coordinator epoch a marker carries. */
  public synchronized AbortedTxn update(BatchHeader h, boolean commit, int coordinatorEpoch) {
    if (h.producerId() == RecordBatch.NO_PRODUCER_ID) {
      return null;
    }
    Entry e = producers.computeIfAbsent(h.producerId(), id -> new Entry());
    if (h.producerEpoch() != e.epoch) {
      e.epoch = h.producerEpoch();
      e.batches.clear();
    }
    e.lastTimestamp = h.maxTimestamp();
    if (h.isControl()) {
      e.coordinatorEpoch = coordinatorEpoch;
      AbortedTxn closed = null;
      if (e.txnFirstOffset >= 0) {
        ongoing.remove(e.txnFirstOffset);
        if (!commit) {
          long lso = ongoing.isEmpty() ? h.lastOffset() + 1 : ongoing.firstKey();
          closed = new AbortedTxn(h.producerId(), e.txnFirstOffset, h.lastOffset(), lso);
          aborted.add(closed);
        }
        e.txnFirstOffset = -1;
      }
      return closed;
    }
    if (h.isTransactional() && e.txnFirstOffset < 0) {
      e.txnFirstOffset = h.baseOffset();
      ongoing.put(h.baseOffset(), h.producerId());
    }
    if (h.baseSequence() == RecordBatch.NO_SEQUENCE) {
      return null;
    }
    e.batches.addLast(
        new BatchMetadata(h.baseSequence(), lastSequence(h), h.baseOffset(), h.lastOffset()));
    if (e.batches.size() > CACHED_BATCHES) {
      e.batches.removeFirst();
    }
    return null;
  }

  /** The first offset of the earliest open transaction, or -1 when none is open. */
  public synchronized long firstUnstableOffset() {
    return ongoing.isEmpty() ? -1 : ongoing.firstKey();
  }

  /** True if {@code producerId} has an open transaction in this partition. */
  public synchronized boolean inTransaction(long producerId) {
    Entry e = producers.get(producerId);
    return e != null && e.txnFirstOffset >= 0;
  }

  /** Aborted transactions overlapping [{@code from}, {@code to}). */
  public synchronized List<AbortedTxn> abortedTransactions(long from, long to) {
    List<AbortedTxn> result = new ArrayList<>();
    for (AbortedTxn t : aborted) {
      if (t.lastOffset() >= from && t.firstOffset() < to) {
        result.add(t);
      }
    }
    return result;
  }

  /** Drops aborted transactions whose marker lies below {@code offset} (the new log start). */
  public synchronized void forgetAbortedBefore(long offset) {
    aborted.removeIf(t -> t.lastOffset() < offset);
  }

  /** Forgets every producer (the log was truncated and is read again). */
  public synchronized void clear() {
    producers.clear();
    ongoing.clear();
    aborted.clear();
  }

  /** Every producer's state, in producer id order (what a snapshot file holds). */
  public synchronized List<ProducerEntry> entries() {
    List<ProducerEntry> result = new ArrayList<>();
    new TreeMap<>(producers)
        .forEach((id, e) ->
            result.add(
                new ProducerEntry(
                    id,
                    e.epoch,
                    e.lastTimestamp,
                    e.coordinatorEpoch,
                    e.txnFirstOffset,
                    List.copyOf(e.batches))));
    return result;
  }

  /** Adds producers read from a snapshot (to an empty state: call {@link #clear()} first). */
  public synchronized void restore(List<ProducerEntry> entries) {
    for (ProducerEntry p : entries) {
      Entry e = new Entry();
      e.epoch = p.epoch();
      e.lastTimestamp = p.lastTimestamp();
      e.coordinatorEpoch = p.coordinatorEpoch();
      e.txnFirstOffset = p.txnFirstOffset();
      e.batches.addAll(p.batches());
      producers.put(p.producerId(), e);
      if (e.txnFirstOffset >= 0) {
        ongoing.put(e.txnFirstOffset, p.producerId());
      }
    }
  }

  /**
   * Adds aborted transactions read from a segment's transaction index; segments are added in offset
   * order, before the batches after them are replayed.
   */
  public synchronized void restoreAborted(List<AbortedTxn> txns) {
    aborted.addAll(txns);
  }

  /**
   * Forgets every producer with no open transaction whose latest timestamp is at least {@code
   * expirationMs} before {@code nowMs}. Returns how many were forgotten.
   */
  public synchronized int removeExpired(long nowMs, long expirationMs) {
    int before = producers.size();
    producers
        .values()
        .removeIf(e -> e.txnFirstOffset < 0 && nowMs - e.lastTimestamp >= expirationMs);
    return before - producers.size();
  }

  /** Every producer tracked, for DescribeProducers. */
  public synchronized List<ProducerSnapshot> snapshot() {
    List<ProducerSnapshot> result = new ArrayList<>();
    producers.forEach((id, e) -> {
      BatchMetadata last = e.batches.peekLast();
      result.add(
          new ProducerSnapshot(
              id,
              e.epoch,
              last == null ? -1 : last.lastSeq(),
              e.lastTimestamp,
              e.coordinatorEpoch,
              e.txnFirstOffset));
    });
    return result;
  }

  /** Number of producer ids tracked (a gauge). */
  public synchronized int size() {
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
