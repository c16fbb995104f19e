package dev.cairn.cache.rdb;

import dev.cairn.cache.db.Dict.KeyEntry;
import dev.cairn.cache.db.Keyspace;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/** Snapshots as RDB files: key records of {@link RecordWriter} framed by {@link RdbFileWriter}. */
public final class RdbSnapshotFormat implements SnapshotFormat {
  private final RecordWriter records;
  private final boolean compress;
  private final boolean checksum;
  private final Map<String, String> aux;
  private final List<byte[]> functions;

  /**
   * {@code aux}: the aux fields of the header ({@link #aux}); {@code functions}: the FUNCTION
   * libraries' code, written after them as Redis does.
   */
  public RdbSnapshotFormat(
      Keyspace keyspace,
      boolean compress,
      boolean checksum,
      Map<String, String> aux,
      List<byte[]> functions) {
    this.records = new RecordWriter(keyspace);
    this.compress = compress;
    this.checksum = checksum;
    this.aux = aux;
    this.functions = functions;
  }

  /**
   * The aux fields Redis 7.0 writes: {@code aof-base} is 1 in an AOF's base file (RDB preamble), 0
   * in a plain save.
   */
  public static Map<String, String> aux(
      String version, long usedMemory, long nowMillis, boolean aofBase) {
    Map<String, String> aux = RdbFileWriter.aux(version, usedMemory, nowMillis);
    aux.put("aof-base", aofBase ? "1" : "0");
    return aux;
  }

  @Override
  public boolean compress() {
    return compress;
  }

  @Override
  public void record(RdbOutput out, KeyEntry e) {
    records.write(out, e);
  }

  @Override
  public File open(OutputStream out, Snapshot snapshot) throws java.io.IOException {
    RdbFileWriter w = new RdbFileWriter(out, checksum, snapshot, snapshot.databases());
    w.header(aux, functions);
    return w;
  }
}
