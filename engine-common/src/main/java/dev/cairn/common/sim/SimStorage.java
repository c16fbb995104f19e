package dev.cairn.common.sim;

import dev.cairn.common.io.Storage;
import dev.cairn.common.io.StorageFile;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * A node's disk in the simulator. Each file keeps what was last fsynced apart from what was written
 * since; {@link #crash} decides, with the simulation's randomness, what of the unsynced part
 * survives, as a real disk may: nothing, a prefix cut in the middle of a write, or that prefix with
 * its last bytes zeroed (the size reached the disk, the data did not).
 *
 * <p>An fsync may also run in the background ({@link dev.cairn.common.io.BackgroundFsync}, which
 * the {@link Simulator} drives): it covers what the file held when it was requested, and that
 * becomes durable only when the simulator finishes it; a crash before then treats it as never made.
 */
public final class SimStorage implements Storage {
  private final TreeMap<String, SimFile> files = new TreeMap<>();
  private final ArrayDeque<PendingFsync> pending = new ArrayDeque<>();
  private long fsyncs;
  private boolean crashAtNextFsync;

  /** A background fsync requested and not yet finished: the file as it was when requested. */
  static final class PendingFsync {
    private final SimFile file;
    private final long version;
    private final byte[] content;

    private PendingFsync(SimFile file) {
      this.file = file;
      this.version = file.version;
      this.content = Arrays.copyOf(file.data, file.size);
    }
  }

  /** Thrown by an fsync the simulator chose to crash in: the node dies mid-step. */
  static final class Crash extends RuntimeException {
    Crash() {
      super("simulated crash during fsync", null, false, false);
    }
  }

  @Override
  public StorageFile open(String name) {
    return files.computeIfAbsent(name, n -> new SimFile());
  }

  @Override
  public boolean exists(String name) {
    return files.containsKey(name);
  }

  @Override
  public List<String> list() {
    return new ArrayList<>(files.keySet());
  }

  @Override
  public void delete(String name) {
    files.remove(name);
  }

  @Override
  public void rename(String from, String to) {
    SimFile file = files.remove(from);
    if (file == null) {
      throw new IllegalStateException("rename of a missing file " + from);
    }
    files.put(to, file);
  }

  /** The next fsync crashes the node instead: what it was to make durable is torn or lost. */
  void crashAtNextFsync() {
    crashAtNextFsync = true;
  }

  void cancelCrash() {
    crashAtNextFsync = false;
  }

  /** Whether the fsync finishing now is the one to crash in (and it will not be any more). */
  boolean takeCrashAtFsync() {
    boolean crash = crashAtNextFsync;
    crashAtNextFsync = false;
    return crash;
  }

  /** A background fsync of {@code file} starts: it covers what the file holds now. */
  PendingFsync requestFsync(StorageFile file) {
    PendingFsync fsync = new PendingFsync((SimFile) file);
    pending.add(fsync);
    return fsync;
  }

  /** The disk finished {@code fsync}, and every background fsync requested before it. */
  void finishFsync(PendingFsync fsync) {
    while (pending.contains(fsync)) {
      PendingFsync first = pending.poll();
      first.file.synced(first.version, first.content);
      fsyncs++;
    }
  }

  /** The disk finishes every background fsync requested so far. */
  void finishFsyncs() {
    if (!pending.isEmpty()) {
      finishFsync(pending.peekLast());
    }
  }

  /**
   * What a crash that keeps nothing unsynced would leave, as a separate disk: for checkers asking
   * whether something a node acknowledged is durable.
   */
  public SimStorage durableCopy() {
    SimStorage copy = new SimStorage();
    files.forEach((name, file) -> {
      SimFile f = (SimFile) copy.open(name);
      f.data = Arrays.copyOf(file.synced, file.synced.length);
      f.size = file.synced.length;
      f.synced = file.synced;
    });
    return copy;
  }

  /** How many fsyncs this disk has seen: simulations count them as the cost of durability. */
  public long fsyncs() {
    return fsyncs;
  }

  /**
   * Forgets what was not synced, keeping a random part of it where a real disk could. Open {@link
   * StorageFile} handles keep working on what survived.
   */
  void crash(RandomGenerator random) {
    crashAtNextFsync = false;
    pending.clear();
    for (SimFile file : files.values()) {
      file.crash(random);
    }
  }

  private final class SimFile implements StorageFile {
    private byte[] data = new byte[0];
    private int size;
    private byte[] synced = new byte[0];

    /** Counts appends and truncations: an fsync is durable only over an older one's content. */
    private long version;

    private long syncedVersion;

    @Override
    public long size() {
      return size;
    }

    @Override
    public void append(byte[] bytes, int offset, int length) {
      if (size + length > data.length) {
        data = Arrays.copyOf(data, Math.max(size + length, data.length * 2));
      }
      System.arraycopy(bytes, offset, data, size, length);
      size += length;
      version++;
    }

    @Override
    public int read(long position, byte[] into, int offset, int length) {
      if (position >= size) {
        return -1;
      }
      int n = (int) Math.min(length, size - position);
      System.arraycopy(data, (int) position, into, offset, n);
      return n;
    }

    @Override
    public void truncate(long newSize) {
      if (newSize < size) {
        size = (int) newSize;
        version++;
      }
    }

    @Override
    public void fsync() {
      if (crashAtNextFsync) {
        crashAtNextFsync = false;
        throw new Crash();
      }
      synced(version, Arrays.copyOf(data, size));
      fsyncs++;
    }

    /**
     * {@code content}, the file as of {@code asOf}, is durable, unless a newer content already is.
     */
    void synced(long asOf, byte[] content) {
      if (asOf >= syncedVersion) {
        synced = content;
        syncedVersion = asOf;
      }
    }

    void crash(RandomGenerator random) {
      boolean onlyAppended =
          size >= synced.length && Arrays.equals(data, 0, synced.length, synced, 0, synced.length);
      byte[] survivor = synced;
      if (onlyAppended && size > synced.length && random.nextInt(3) > 0) {
        int kept = synced.length + random.nextInt(size - synced.length + 1);
        survivor = Arrays.copyOf(data, kept);
        if (kept > synced.length && random.nextInt(4) == 0) {
          int zeroFrom = kept - 1 - random.nextInt(Math.min(kept - synced.length, 64));
          Arrays.fill(survivor, zeroFrom, kept, (byte) 0);
        }
      }
      data = Arrays.copyOf(survivor, survivor.length);
      size = survivor.length;
      synced = survivor;
      syncedVersion = ++version;
    }
  }
}
