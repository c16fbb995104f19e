package dev.cairn.coord.server;

import dev.cairn.coord.persist.LoggedTxn;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.txn.TxnHeader;

/** A txn as the quorum replicates it: jute TxnHeader, then the txn record, as ZooKeeper logs it. */
final class QuorumTxns {
  private QuorumTxns() {}

  static byte[] encode(TxnHeader header, Record txn) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      BinaryOutputArchive archive = new BinaryOutputArchive(out);
      header.serialize(archive, "hdr");
      txn.serialize(archive, "txn");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static LoggedTxn decode(byte[] bytes, int maxBuffer) {
    try {
      return LoggedTxn.decode(bytes, maxBuffer);
    } catch (IOException e) {
      // Committed by the quorum: a txn this server cannot read means the servers disagree on
      // the format, and applying around it would fork the tree.
      throw new IllegalStateException("a committed txn does not decode: " + e, e);
    }
  }
}
