package dev.cairn.coord.server;

import dev.cairn.coord.persist.LoggedTxn;
import dev.cairn.coord.tree.TxnCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.jute.BinaryInputArchive;
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
      BinaryInputArchive in =
          new BinaryInputArchive(
              new DataInputStream(new ByteArrayInputStream(bytes)), maxBuffer, 0);
      TxnHeader header = new TxnHeader();
      header.deserialize(in, "hdr");
      Record txn = TxnCodec.recordFor(header.getType()).get();
      txn.deserialize(in, "txn");
      return new LoggedTxn(header, txn);
    } catch (IOException e) {
      // Committed by the quorum: a txn this server cannot read means the servers disagree on
      // the format, and applying around it would fork the tree.
      throw new IllegalStateException("a committed txn does not decode: " + e, e);
    }
  }
}
