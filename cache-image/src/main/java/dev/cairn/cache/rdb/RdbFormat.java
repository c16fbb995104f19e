package dev.cairn.cache.rdb;

/**
 * Redis's RDB format, version 10 (Redis 7.0): the opcodes and value types of rdb.h and the fixed
 * limits of its string and quicklist encodings (the hash, set and sorted set forms follow the live
 * encoding thresholds, see {@link ValueWriter}).
 *
 * <p>File layout: {@code "REDIS0010"}, aux fields ({@link #AUX} name value), then per non-empty
 * database {@link #SELECTDB} id, {@link #RESIZEDB} sizes and its keys — each optionally preceded by
 * {@link #EXPIRETIME_MS}, {@link #IDLE} or {@link #FREQ} — then {@link #EOF} and the CRC-64 of
 * everything before it, little-endian (0 when {@code rdbchecksum no}).
 */
public final class RdbFormat {
  private RdbFormat() {}

  public static final int VERSION = 10;
  public static final byte[] MAGIC = {'R', 'E', 'D', 'I', 'S'};

  // value types
  static final int TYPE_STRING = 0;
  static final int TYPE_LIST = 1;
  static final int TYPE_SET = 2;
  static final int TYPE_ZSET = 3;
  static final int TYPE_HASH = 4;
  static final int TYPE_ZSET_2 = 5;
  static final int TYPE_MODULE_2 = 7;
  static final int TYPE_SET_INTSET = 11;
  static final int TYPE_HASH_LISTPACK = 16;
  static final int TYPE_ZSET_LISTPACK = 17;
  static final int TYPE_LIST_QUICKLIST_2 = 18;
  static final int TYPE_STREAM_LISTPACKS_2 = 19;

  // opcodes
  static final int FUNCTION2 = 245;
  static final int FUNCTION = 246;
  static final int MODULE_AUX = 247;
  static final int IDLE = 248;
  static final int FREQ = 249;
  static final int AUX = 250;
  static final int RESIZEDB = 251;
  static final int EXPIRETIME_MS = 252;
  static final int EXPIRETIME = 253;
  static final int SELECTDB = 254;
  static final int EOF = 255;

  // length encoding: the top two bits of the first byte
  static final int LEN_6BIT = 0;
  static final int LEN_14BIT = 1;
  static final int LEN_32BIT = 0x80;
  static final int LEN_64BIT = 0x81;
  static final int ENCVAL = 3;
  static final int ENC_INT8 = 0;
  static final int ENC_INT16 = 1;
  static final int ENC_INT32 = 2;
  static final int ENC_LZF = 3;

  // quicklist node containers
  static final int QUICKLIST_PLAIN = 1;
  static final int QUICKLIST_PACKED = 2;

  /** list-max-listpack-size -2: a quicklist node's listpack stays within 8 KiB. */
  static final int QUICKLIST_NODE_BYTES = 8192;

  /** Redis tries the integer encoding only for strings this short ("-2147483648" is 11). */
  static final int INT_ENCODING_MAX_LENGTH = 11;

  /** Redis tries LZF only for strings longer than this. */
  static final int LZF_MIN_LENGTH = 20;
}
