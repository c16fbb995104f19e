package dev.cairn.coord.persist;

import dev.cairn.coord.tree.TxnCodec;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.txn.TxnHeader;

/** A txn as read back from the log: header (zxid, session, type, time) and record. */
public record LoggedTxn(TxnHeader header, Record txn) {

  /**
   * Reads a txn as ZooKeeper logs it — jute TxnHeader, then the record its type names — from a log
   * entry or a quorum proposal. Unchecked failures (an unknown type) come out as IOException too.
   */
  public static LoggedTxn decode(byte[] bytes, int maxBuffer) throws IOException {
    try {
      BinaryInputArchive in =
          new BinaryInputArchive(
              new DataInputStream(new ByteArrayInputStream(bytes)), maxBuffer, 1024);
      TxnHeader header = new TxnHeader();
      header.deserialize(in, "hdr");
      Record txn = TxnCodec.recordFor(header.getType()).get();
      txn.deserialize(in, "txn");
      return new LoggedTxn(header, txn);
    } catch (RuntimeException e) {
      throw new IOException(e.toString(), e);
    }
  }
}
