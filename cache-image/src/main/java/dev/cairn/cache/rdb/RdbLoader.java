package dev.cairn.cache.rdb;

import dev.cairn.cache.db.Database;
import dev.cairn.cache.db.Dict.KeyEntry;
import dev.cairn.cache.db.Encodings;
import dev.cairn.cache.db.Keyspace;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads an RDB file (versions up to 11; every encoding Redis 7.0 writes) into an empty keyspace, as
 * rdbLoad does on a primary: keys whose expiry has passed are skipped, IDLE/FREQ set the access
 * clock, aux fields are read and returned, RESIZEDB is a hint only. The trailing CRC-64 is checked
 * unless the file carries 0 (written with {@code rdbchecksum no}).
 *
 * <p>Any flaw — truncation, a bad checksum, an unknown opcode, a malformed blob, a duplicate key, a
 * database number out of range — fails the whole load with an {@link RdbLoadException} naming the
 * file, the byte offset and the flaw; the caller refuses to serve rather than run on part of the
 * data.
 */
public final class RdbLoader {
  private static final int MAX_VERSION = 11;

  /**
   * What a load found; {@code length} is where the RDB data ended in the file (an old-style AOF
   * with an RDB preamble goes on with commands after it); {@code functions} are the FUNCTION2
   * records' library codes.
   */
  public record Result(
      long keys,
      long expiredSkipped,
      Map<String, String> aux,
      List<byte[]> functions,
      long length) {}

  private RdbLoader() {}

  /** Loads {@code file}; hashes, sets and sorted sets take the encodings {@code limits} give. */
  public static Result load(Path file, Keyspace keyspace, Encodings limits) throws IOException {
    long size = Files.size(file);
    try (InputStream in = Files.newInputStream(file)) {
      return load(new RdbInput(in, size), keyspace, limits);
    } catch (RdbCorruptException e) {
      throw new RdbLoadException(file, e.getMessage(), e);
    }
  }

  static Result load(RdbInput in, Keyspace keyspace, Encodings limits) throws IOException {
    byte[] magic = new byte[9];
    in.readFully(magic, 0, 9);
    if (!Arrays.equals(magic, 0, 5, RdbFormat.MAGIC, 0, 5)) {
      throw in.corrupt("not an RDB file (no REDIS signature)");
    }
    int version;
    try {
      version = Integer.parseInt(new String(magic, 5, 4, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      throw in.corrupt("bad RDB version field");
    }
    if (version < 1 || version > MAX_VERSION) {
      throw in.corrupt("RDB version " + version + " is not supported (1 to " + MAX_VERSION + ")");
    }
    keyspace.tick();
    long now = keyspace.now();
    Map<String, String> aux = new LinkedHashMap<>();
    List<byte[]> functions = new ArrayList<>();
    Database db = keyspace.db(0);
    long keys = 0;
    long skipped = 0;
    long expireAt = 0;
    long idle = -1;
    int freq = -1;
    while (true) {
      int type = in.readByte();
      switch (type) {
        case RdbFormat.EXPIRETIME_MS -> expireAt = in.readLittleEndian(8);
        case RdbFormat.EXPIRETIME -> expireAt = in.readLittleEndian(4) * 1000;
        case RdbFormat.IDLE -> idle = in.readLength();
        case RdbFormat.FREQ -> freq = in.readByte();
        case RdbFormat.AUX -> aux.put(in.readText(), in.readText());
        case RdbFormat.RESIZEDB -> {
          // a hint, bounded by what the rest of the file can hold (a record takes at least 3
          // bytes), so a corrupt count cannot allocate a huge table
          long bound = Math.min(in.remaining() / 3, 1 << 30);
          long size = Math.min(in.readLength(), bound);
          long volatileKeys = Math.min(in.readLength(), bound);
          db.reserve((int) size, (int) volatileKeys);
        }
        case RdbFormat.SELECTDB -> {
          long id = in.readLength();
          if (id >= keyspace.count()) {
            throw in.corrupt(
                "database " + id + " out of range (databases is " + keyspace.count() + ")");
          }
          db = keyspace.db((int) id);
        }
        case RdbFormat.MODULE_AUX -> throw in.corrupt("module aux data is not supported");
        case RdbFormat.FUNCTION2 -> functions.add(in.readString());
        case RdbFormat.FUNCTION ->
            throw in.corrupt("pre-release 7.0 function records (opcode 246) are not supported");
        case RdbFormat.EOF -> {
          checkTrailer(in, version);
          return new Result(keys, skipped, aux, functions, in.offset());
        }
        default -> {
          if (!ValueReader.isValueType(type)) {
            throw in.corrupt("unknown opcode or value type " + type);
          }
          byte[] key = in.readString();
          Object value = ValueReader.read(in, type, limits);
          if (value != null && (expireAt == 0 || expireAt > now)) {
            int before = db.size();
            KeyEntry e = db.addLoaded(key, value);
            if (db.size() == before) { // one lookup, not a find before the add
              throw in.corrupt("duplicate key in database " + db.id);
            }
            if (expireAt != 0) {
              db.setExpire(e, expireAt);
            }
            keyspace.restoreClock(e, idle, freq);
            keyspace.settle();
            keys++;
          } else if (value != null) {
            skipped++;
          }
          expireAt = 0;
          idle = -1;
          freq = -1;
        }
      }
    }
  }

  private static void checkTrailer(RdbInput in, int version) throws IOException {
    if (version < 5) {
      return;
    }
    long computed = in.checksum();
    long stored = in.readLittleEndian(8);
    if (stored != 0 && stored != computed) {
      throw in.corrupt(
          String.format(
              "checksum mismatch: file says %016x, content gives %016x", stored, computed));
    }
  }
}
