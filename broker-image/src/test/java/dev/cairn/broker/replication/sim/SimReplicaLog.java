package dev.cairn.broker.replication.sim;

import dev.cairn.broker.log.LeaderEpochCache;
import dev.cairn.broker.log.LeaderEpochCache.EpochEnd;
import dev.cairn.broker.replication.ReplicaLog;
import dev.cairn.common.io.Storage;
import dev.cairn.common.io.StorageFile;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A partition log on a simulated disk: fixed-size entries (offset, leader epoch, value, CRC) in one
 * file that is never fsynced, as Kafka's default; a crash keeps any prefix of it, possibly torn.
 * The high watermark is checkpointed atomically, as {@code replication-offset-checkpoint}.
 */
final class SimReplicaLog implements ReplicaLog<List<SimReplicaLog.Entry>> {
  record Entry(long offset, int epoch, long value) {}

  private static final int SIZE = 24;
  private static final String LOG = "log";
  private static final String HW = "hw";

  private final Storage storage;
  private final StorageFile file;
  private final List<Entry> entries = new ArrayList<>();
  private final LeaderEpochCache epochs = new LeaderEpochCache();
  private long highWatermark;

  SimReplicaLog(Storage storage) {
    this.storage = storage;
    this.file = storage.open(LOG);
    byte[] content = storage.readAll(LOG);
    ByteBuffer in = ByteBuffer.wrap(content);
    while (in.remaining() >= SIZE) {
      long offset = in.getLong();
      int epoch = in.getInt();
      long value = in.getLong();
      int crc = in.getInt();
      if (crc != crc(offset, epoch, value) || offset != entries.size()) {
        break;
      }
      entries.add(new Entry(offset, epoch, value));
      epochs.assign(epoch, offset);
    }
    file.truncate((long) entries.size() * SIZE);
    byte[] hw = storage.readAll(HW);
    highWatermark = hw == null ? 0 : Math.min(ByteBuffer.wrap(hw).getLong(), entries.size());
  }

  private static int crc(long offset, int epoch, long value) {
    CRC32 crc = new CRC32();
    crc.update(ByteBuffer.allocate(20).putLong(offset).putInt(epoch).putLong(value).array());
    return (int) crc.getValue();
  }

  private void write(Entry e) {
    entries.add(e);
    epochs.assign(e.epoch(), e.offset());
    file.append(
        ByteBuffer.allocate(SIZE)
            .putLong(e.offset())
            .putInt(e.epoch())
            .putLong(e.value())
            .putInt(crc(e.offset(), e.epoch(), e.value()))
            .array());
  }

  long appendAsLeader(int epoch, long value) {
    long offset = entries.size();
    write(new Entry(offset, epoch, value));
    return offset;
  }

  List<Entry> read(long from, long to, int max) {
    int start = (int) Math.min(from, entries.size());
    int end = (int) Math.min(Math.min(to, entries.size()), start + (long) max);
    return List.copyOf(entries.subList(start, Math.max(start, end)));
  }

  List<Entry> entries() {
    return List.copyOf(entries);
  }

  void checkpoint() {
    storage.writeAtomically(HW, ByteBuffer.allocate(8).putLong(highWatermark).array());
  }

  @Override
  public long logStartOffset() {
    return 0;
  }

  @Override
  public long logEndOffset() {
    return entries.size();
  }

  @Override
  public long highWatermark() {
    return highWatermark;
  }

  @Override
  public void updateHighWatermark(long offset) {
    highWatermark = Math.min(offset, entries.size());
  }

  @Override
  public EpochEnd endOffsetForEpoch(int epoch) {
    return epochs.endOffsetFor(epoch, entries.size());
  }

  @Override
  public int latestEpoch() {
    return epochs.latestEpoch();
  }

  @Override
  public void appendAsFollower(List<Entry> batch) {
    for (Entry e : batch) {
      if (e.offset() != entries.size()) {
        throw new IllegalStateException(
            "follower append at " + e.offset() + " to " + entries.size());
      }
      write(e);
    }
  }

  @Override
  public void truncateFullyAndStartAt(long offset) {
    if (offset != 0) {
      throw new IllegalArgumentException("the simulated log always starts at offset 0");
    }
    truncateTo(0);
  }

  @Override
  public void truncateTo(long offset) {
    if (offset >= entries.size()) {
      return;
    }
    entries.subList((int) offset, entries.size()).clear();
    file.truncate(offset * SIZE);
    epochs.truncateFromEnd(offset);
    highWatermark = Math.min(highWatermark, offset);
  }
}
