package dev.cairn.coord.persist;

import org.apache.jute.Record;
import org.apache.zookeeper.txn.TxnHeader;

/** A txn as read back from the log: header (zxid, session, type, time) and record. */
public record LoggedTxn(TxnHeader header, Record txn) {}
