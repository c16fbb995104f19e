package dev.cairn.cache.stream;

import static dev.cairn.cache.server.Args.is;

import dev.cairn.cache.db.Database;
import dev.cairn.cache.db.Dict.KeyEntry;
import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;
import java.util.List;

/**
 * Stream commands on entries (Redis's t_stream.c): XADD, XRANGE, XREVRANGE, XLEN, XDEL, XTRIM and
 * XSETID, plus what the group and read commands share — typed lookup, ID arguments and replying
 * with entries. Argument errors come before key lookups, in Redis's order, with its texts.
 *
 * <p>Propagation (for AOF/replicas, once they exist): XADD with an auto or partial ID and XADD or
 * XTRIM with {@code ~} must propagate their effect, not their text — the generated ID, and {@code
 * MAXLEN = <length after>} / {@code MINID = <first ID after>} — as Redis rewrites them.
 */
public final class Streams {
  private Streams() {}

  /** The stream under a key entry, null if none, WRONGTYPE if another type. */
  static Stream stream(KeyEntry e) {
    if (e == null) {
      return null;
    }
    if (e.value instanceof Stream s) {
      return s;
    }
    throw CommandError.WRONGTYPE;
  }

  /** A read: counts hit/miss and touches the access clock. */
  static Stream forRead(Client c, byte[] key) {
    return stream(c.db().lookupRead(key));
  }

  /**
   * The stream about to be changed in place: marks it modified (WATCH, blocked readers, a snapshot
   * in progress takes it first). Call only once the change will happen.
   */
  static Stream forChange(Client c, byte[] key) {
    return stream(c.db().lookupWrite(key));
  }

  static void notify(Client c, byte[] key, String event) {
    c.server.notify(c.db(), key, 't', event);
  }

  static void replyEntry(Client c, StreamEntry e) {
    c.reply.array(2);
    c.reply.bulk(e.id.bytes());
    c.reply.array(e.fieldsValues.length);
    for (byte[] b : e.fieldsValues) {
      c.reply.bulk(b);
    }
  }

  static void replyEntries(Client c, List<StreamEntry> entries) {
    c.reply.array(entries.size());
    for (StreamEntry e : entries) {
      replyEntry(c, e);
    }
  }

  static StreamId strictId(byte[] arg) {
    return StreamId.parse(arg, 0, true);
  }

  /**
   * A range bound: "-", "+", an ID whose missing sequence is {@code missingSeq}, or with "(" the
   * exclusive form (strict: no "-" or "+"), moved one ID inward.
   */
  static StreamId bound(byte[] arg, long missingSeq, boolean start) {
    if (arg.length > 1 && arg[0] == '(') {
      byte[] rest = java.util.Arrays.copyOfRange(arg, 1, arg.length);
      StreamId id = StreamId.parse(rest, missingSeq, true);
      StreamId moved = start ? id.next() : id.previous();
      if (moved == null) {
        throw new CommandError(
            start
                ? "ERR invalid start ID for the interval"
                : "ERR invalid end ID for the interval");
      }
      return moved;
    }
    return StreamId.parse(arg, missingSeq, false);
  }

  // ---- XADD / XTRIM ----

  /** What XADD and XTRIM parsed: the trim (or null), and for XADD the ID position and options. */
  private record AddArgs(Stream.Trim trim, int idAt, StreamId.Parsed id, boolean noMkStream) {}

  private static AddArgs parseAddOrTrim(Client c, byte[][] a, boolean xadd) {
    Boolean byLength = null;
    long maxLen = 0;
    StreamId minId = StreamId.MIN;
    boolean approx = false;
    long limit = 0;
    boolean limitGiven = false;
    boolean noMkStream = false;
    StreamId.Parsed id = null;
    int i = 2;
    for (; i < a.length; i++) {
      int more = a.length - 1 - i;
      byte[] opt = a[i];
      if (xadd && opt.length == 1 && opt[0] == '*') {
        break;
      } else if ((is(opt, "maxlen") || is(opt, "minid")) && more > 0) {
        if (byLength != null) {
          throw new CommandError(
              "ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
        }
        boolean length = is(opt, "maxlen");
        approx = false;
        byte[] next = a[i + 1];
        if (more >= 2 && next.length == 1 && (next[0] == '~' || next[0] == '=')) {
          approx = next[0] == '~';
          i++;
        }
        if (length) {
          maxLen = Args.toLong(a[i + 1]);
          if (maxLen < 0) {
            throw new CommandError("ERR The MAXLEN argument must be >= 0.");
          }
        } else {
          minId = strictId(a[i + 1]);
        }
        i++;
        byLength = length;
      } else if (is(opt, "limit") && more > 0) {
        limit = Args.toLong(a[i + 1]);
        if (limit < 0) {
          throw new CommandError("ERR The LIMIT argument must be >= 0.");
        }
        limitGiven = true;
        i++;
      } else if (xadd && is(opt, "nomkstream")) {
        noMkStream = true;
      } else if (xadd) {
        id = StreamId.parse(opt, 0, true, true);
        break;
      } else {
        throw CommandError.SYNTAX;
      }
    }
    if (limit != 0 && byLength == null) {
      throw new CommandError(
          "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
    }
    if (!xadd && byLength == null) {
      throw new CommandError("ERR syntax error, XTRIM must be called with a trimming strategy");
    }
    if (limitGiven) {
      if (!approx) {
        throw new CommandError(
            "ERR syntax error, LIMIT cannot be used without the special ~ option");
      }
    } else if (approx) {
      // at most 100 nodes of work per call, as Redis caps it
      limit = 100 * c.server.encodings.streamNodeEntries();
      if (limit <= 0) {
        limit = 10000;
      } else if (limit > 1_000_000) {
        limit = 1_000_000;
      }
    } else {
      limit = 0;
    }
    Stream.Trim trim =
        byLength == null ? null : new Stream.Trim(byLength, maxLen, minId, approx, limit);
    return new AddArgs(trim, i, id, noMkStream);
  }

  /** XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value .... */
  public static void xadd(Client c, byte[][] a) {
    AddArgs args = parseAddOrTrim(c, a, true);
    int fieldsAt = args.idAt() + 1;
    int pairs = a.length - fieldsAt;
    if (pairs < 2 || pairs % 2 == 1) {
      throw Args.wrongArgs("xadd");
    }
    StreamId.Parsed given = args.id();
    if (given != null && given.seqGiven() && given.id().isZero()) {
      throw new CommandError("ERR The ID specified in XADD must be greater than 0-0");
    }
    Database db = c.db();
    Stream s = stream(db.peek(a[1]));
    boolean created = false;
    if (s == null) {
      if (args.noMkStream()) {
        c.reply.nullBulk();
        return;
      }
      s = new Stream();
      created = true;
    }
    if (s.lastId.equals(StreamId.MAX)) {
      throw new CommandError(
          "ERR The stream has exhausted the last possible ID, unable to add more items");
    }
    StreamId id = nextId(c, s, given);
    long elementBytes = 0;
    for (int i = fieldsAt; i < a.length; i++) {
      elementBytes += a[i].length;
    }
    if (elementBytes > (1 << 30)) {
      throw new CommandError("ERR Elements are too large to be stored");
    }
    if (created) {
      db.add(a[1], s);
    } else {
      forChange(c, a[1]);
    }
    byte[][] fv = java.util.Arrays.copyOfRange(a, fieldsAt, a.length);
    s.append(id, fv, c.server.encodings.streamNodeBytes(), c.server.encodings.streamNodeEntries());
    c.reply.bulk(id.bytes());
    notify(c, a[1], "xadd");
    if (args.trim() != null && s.trim(args.trim(), true) > 0) {
      notify(c, a[1], "xtrim");
    }
  }

  /** The ID XADD uses: generated, with a generated sequence, or as given; above the last. */
  private static StreamId nextId(Client c, Stream s, StreamId.Parsed given) {
    StreamId id;
    StreamId last = s.lastId;
    if (given == null) {
      long now = System.currentTimeMillis();
      id = Long.compareUnsigned(now, last.ms()) > 0 ? new StreamId(now, 0) : last.next();
    } else if (given.seqGiven()) {
      id = given.id();
    } else if (last.ms() == given.id().ms()) {
      id = last.seq() == -1L ? null : new StreamId(last.ms(), last.seq() + 1);
    } else {
      id = given.id();
    }
    if (id == null || id.compareTo(last) <= 0) {
      throw new CommandError(
          "ERR The ID specified in XADD is equal or smaller than the target stream top item");
    }
    return id;
  }

  /** XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]. */
  public static void xtrim(Client c, byte[][] a) {
    AddArgs args = parseAddOrTrim(c, a, false);
    Stream s = stream(c.db().peek(a[1]));
    if (s == null) {
      c.reply.integer(0);
      return;
    }
    long removed = 0;
    if (s.trim(args.trim(), false) > 0) {
      removed = forChange(c, a[1]).trim(args.trim(), true);
      notify(c, a[1], "xtrim");
    }
    c.reply.integer(removed);
  }

  // ---- XRANGE / XREVRANGE / XLEN ----

  public static void xrange(Client c, byte[][] a) {
    range(c, a, false);
  }

  public static void xrevrange(Client c, byte[][] a) {
    range(c, a, true);
  }

  private static void range(Client c, byte[][] a, boolean rev) {
    StreamId start = bound(rev ? a[3] : a[2], 0, true);
    StreamId end = bound(rev ? a[2] : a[3], -1L, false);
    long count = -1;
    for (int j = 4; j < a.length; j++) {
      if (is(a[j], "count") && j + 1 < a.length) {
        count = Math.max(0, Args.toLong(a[++j]));
      } else {
        throw CommandError.SYNTAX;
      }
    }
    Stream s = forRead(c, a[1]);
    if (s == null) {
      c.reply.array(0);
    } else if (count == 0) {
      c.reply.nullArray();
    } else {
      replyEntries(c, s.range(start, end, Math.max(count, 0), rev));
    }
  }

  public static void xlen(Client c, byte[][] a) {
    Stream s = forRead(c, a[1]);
    c.reply.integer(s == null ? 0 : s.length);
  }

  // ---- XDEL / XSETID ----

  public static void xdel(Client c, byte[][] a) {
    Stream s = stream(c.db().peek(a[1]));
    if (s == null) {
      c.reply.integer(0);
      return;
    }
    StreamId[] ids = new StreamId[a.length - 2];
    for (int j = 2; j < a.length; j++) {
      ids[j - 2] = strictId(a[j]);
    }
    int deleted = 0;
    boolean firstGone = false;
    boolean marked = false;
    for (StreamId id : ids) {
      if (s.get(id) == null) {
        continue;
      }
      if (!marked) {
        forChange(c, a[1]);
        marked = true;
      }
      s.delete(id);
      firstGone |= id.equals(s.firstId);
      if (id.compareTo(s.maxDeletedId) > 0) {
        s.maxDeletedId = id;
      }
      deleted++;
    }
    if (deleted > 0) {
      if (s.length == 0) {
        s.firstId = StreamId.MIN;
      } else if (firstGone) {
        s.refreshFirstId();
      }
      notify(c, a[1], "xdel");
    }
    c.reply.integer(deleted);
  }

  /** XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]. */
  public static void xsetid(Client c, byte[][] a) {
    StreamId id = strictId(a[2]);
    long entriesAdded = -1;
    StreamId maxDeleted = StreamId.MIN;
    for (int i = 3; i < a.length; i++) {
      boolean more = i < a.length - 1;
      if (is(a[i], "entriesadded") && more) {
        entriesAdded = Args.toLong(a[++i]);
        if (entriesAdded < 0) {
          throw new CommandError("ERR entries_added must be positive");
        }
      } else if (is(a[i], "maxdeletedid") && more) {
        maxDeleted = strictId(a[++i]);
        if (id.compareTo(maxDeleted) < 0) {
          throw new CommandError(
              "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
        }
      } else {
        throw CommandError.SYNTAX;
      }
    }
    Stream s = stream(c.db().peek(a[1]));
    if (s == null) {
      throw CommandError.NO_SUCH_KEY;
    }
    if (s.length > 0) {
      if (id.compareTo(s.lastValidId()) < 0) {
        throw new CommandError(
            "ERR The ID specified in XSETID is smaller than the target stream top item");
      }
      if (entriesAdded != -1 && s.length > entriesAdded) {
        throw new CommandError(
            "ERR The entries_added specified in XSETID is smaller than the target stream length");
      }
    }
    forChange(c, a[1]);
    s.lastId = id;
    if (entriesAdded != -1) {
      s.entriesAdded = entriesAdded;
    }
    if (!maxDeleted.isZero()) {
      s.maxDeletedId = maxDeleted;
    }
    c.reply.ok();
    notify(c, a[1], "xsetid");
  }
}
