package dev.cairn.cache.rdb;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Frames a {@link Snapshot}'s records as an RDB file: magic and version, aux fields, SELECTDB (and,
 * the first time a database appears, RESIZEDB with its size at the snapshot's start) whenever the
 * records switch database, then EOF and the CRC-64 of all preceding bytes (0 with {@code
 * rdbchecksum no}, which loaders take as "not checked"). Not thread-safe: one writer thread.
 */
final class RdbFileWriter implements SnapshotFormat.File {
  private final OutputStream out;
  private final boolean checksum;
  private final Snapshot snapshot;
  private final boolean[] resized;
  private final RdbOutput frame = new RdbOutput(false, 64);
  private long crc;
  private int db = -1;

  RdbFileWriter(OutputStream out, boolean checksum, Snapshot snapshot, int databases) {
    this.out = out;
    this.checksum = checksum;
    this.snapshot = snapshot;
    this.resized = new boolean[databases];
  }

  /** The aux fields Redis 7.0 writes for a plain save. */
  static Map<String, String> aux(String version, long usedMemory, long nowMillis) {
    Map<String, String> aux = new LinkedHashMap<>();
    aux.put("redis-ver", version);
    aux.put("redis-bits", "64");
    aux.put("ctime", Long.toString(nowMillis / 1000));
    aux.put("used-mem", Long.toString(usedMemory));
    aux.put("aof-base", "0");
    return aux;
  }

  /** The signature, the aux fields and the FUNCTION libraries (Redis's order). */
  void header(Map<String, String> aux, java.util.List<byte[]> functions) throws IOException {
    frame.writeBytes(RdbFormat.MAGIC);
    frame.writeBytes(String.format("%04d", RdbFormat.VERSION).getBytes());
    for (var e : aux.entrySet()) {
      frame.writeByte(RdbFormat.AUX);
      frame.writeString(e.getKey());
      frame.writeString(e.getValue());
    }
    for (byte[] code : functions) {
      frame.writeByte(RdbFormat.FUNCTION2);
      frame.writeString(code);
    }
    emitFrame();
  }

  @Override
  public void chunk(Chunk c) throws IOException {
    if (c.db() != db) {
      db = c.db();
      frame.writeByte(RdbFormat.SELECTDB);
      frame.writeLength(db);
      if (!resized[db]) {
        resized[db] = true;
        frame.writeByte(RdbFormat.RESIZEDB);
        frame.writeLength(snapshot.size(db));
        frame.writeLength(snapshot.expiresSize(db));
      }
      emitFrame();
    }
    emit(c.bytes(), c.length());
  }

  @Override
  public void finish() throws IOException {
    frame.writeByte(RdbFormat.EOF);
    emitFrame();
    frame.writeLittleEndian(checksum ? crc : 0, 8);
    out.write(frame.array(), 0, frame.size());
    frame.reset();
    out.flush();
  }

  private void emitFrame() throws IOException {
    emit(frame.array(), frame.size());
    frame.reset();
  }

  private void emit(byte[] b, int len) throws IOException {
    if (checksum) {
      crc = Crc64.update(crc, b, 0, len);
    }
    out.write(b, 0, len);
  }
}
