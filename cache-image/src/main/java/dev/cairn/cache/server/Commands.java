package dev.cairn.cache.server;

import dev.cairn.cache.acl.Category;
import dev.cairn.cache.geo.Geo;
import dev.cairn.cache.hll.HyperLogLogs;
import dev.cairn.cache.rdb.PersistenceCommands;
import dev.cairn.cache.replication.ReplicationCommands;
import dev.cairn.cache.script.EvalScripts;
import dev.cairn.cache.script.Functions;
import dev.cairn.cache.server.Command.Flag;
import dev.cairn.cache.server.Command.Handler;
import dev.cairn.cache.stream.StreamGroups;
import dev.cairn.cache.stream.StreamInfo;
import dev.cairn.cache.stream.StreamReads;
import dev.cairn.cache.stream.Streams;
import dev.cairn.cache.transaction.TransactionCommands;
import dev.cairn.cache.types.Bitfield;
import dev.cairn.cache.types.Hashes;
import dev.cairn.cache.types.Keys;
import dev.cairn.cache.types.Lists;
import dev.cairn.cache.types.Sets;
import dev.cairn.cache.types.Sort;
import dev.cairn.cache.types.SortedSets;
import dev.cairn.cache.types.Strings;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * THE command table: every command the cache serves, one line each, as Redis's commands.def — name,
 * arity (negative = at least), flags, ACL categories (beyond those the flags imply), key positions
 * (first, last, step; 0 = none or variable "movable" keys) and handler. Metadata matches Redis 7 so
 * COMMAND, COMMAND INFO and ACL categories answer what clients expect.
 */
final class Commands {
  private Commands() {}

  private static final List<Command> table = new ArrayList<>();

  private static void def(
      String name, int arity, String flags, String cats, int first, int last, int step, Handler h) {
    def(name, arity, flags, cats, first, last, step, 0, null, 0, h);
  }

  /**
   * A stream command whose keys are the first half of the arguments after (lower-case) {@code
   * keyword}, searched from {@code from}.
   */
  private static void keywordKeys(
      String name, int arity, String flags, String keyword, int from, Handler h) {
    def(name, arity, flags, "stream", 0, 0, 0, 0, keyword, from, h);
  }

  private static void def(
      String name,
      int arity,
      String flags,
      String cats,
      int first,
      int last,
      int step,
      int keyCountAt,
      Handler h) {
    def(name, arity, flags, cats, first, last, step, keyCountAt, null, 0, h);
  }

  /** A command whose keys include {@code argv[keyCountAt]} keys right after that count. */
  private static void def(
      String name,
      int arity,
      String flags,
      String cats,
      int first,
      int last,
      int step,
      int keyCountAt,
      String keysAfter,
      int keywordFrom,
      Handler h) {
    EnumSet<Flag> f = EnumSet.noneOf(Flag.class);
    for (String x : flags.split(" ")) {
      if (!x.isEmpty()) {
        f.add(Flag.valueOf(x.toUpperCase(Locale.ROOT).replace('-', '_')));
      }
    }
    EnumSet<Category> c = EnumSet.noneOf(Category.class);
    for (String x : cats.split(" ")) {
      if (!x.isEmpty()) {
        Category cat = Category.of(x);
        if (cat == null) {
          throw new IllegalArgumentException("unknown category " + x + " for " + name);
        }
        c.add(cat);
      }
    }
    boolean keys = first != 0 || keyCountAt != 0 || keysAfter != null;
    // WATCH only marks its keys; scripts' keys are their commands' business
    boolean neither = f.contains(Flag.SCRIPT) || f.contains(Flag.TX_CONTROL);
    if (f.contains(Flag.WRITE) == f.contains(Flag.READONLY) && keys && !neither) {
      throw new IllegalArgumentException(name + ": a command with keys is write or readonly");
    }
    table.add(
        new Command(
            name,
            arity,
            f,
            Command.derive(f, c),
            first,
            last,
            step,
            keyCountAt,
            keysAfter,
            keywordFrom,
            h,
            new CommandStats()));
  }

  /** A keyless command outside the table (sentinel mode's own handlers). */
  static Command command(String name, int arity, String flags, Handler h) {
    EnumSet<Flag> f = EnumSet.noneOf(Flag.class);
    for (String x : flags.split(" ")) {
      if (!x.isEmpty()) {
        f.add(Flag.valueOf(x.toUpperCase(Locale.ROOT).replace('-', '_')));
      }
    }
    return new Command(
        name,
        arity,
        f,
        Command.derive(f, EnumSet.noneOf(Category.class)),
        0,
        0,
        0,
        0,
        null,
        0,
        h,
        new CommandStats());
  }

  /** A fresh table: statistics belong to one server. */
  static CommandTable table() {
    List<Command> fresh = new ArrayList<>();
    for (Command c : table) {
      fresh.add(
          new Command(
              c.name(),
              c.arity(),
              c.flags(),
              c.categories(),
              c.firstKey(),
              c.lastKey(),
              c.step(),
              c.keyCountAt(),
              c.keysAfter(),
              c.keywordFrom(),
              c.handler(),
              new CommandStats()));
    }
    return new CommandTable(fresh);
  }

  static {
    // strings (t_string.c, bitops.c)
    def("get", 2, "readonly fast", "string", 1, 1, 1, Strings::get);
    def("set", -3, "write denyoom", "string", 1, 1, 1, Strings::set);
    def("setnx", 3, "write denyoom fast", "string", 1, 1, 1, Strings::setnx);
    def("setex", 4, "write denyoom", "string", 1, 1, 1, Strings::setex);
    def("psetex", 4, "write denyoom", "string", 1, 1, 1, Strings::psetex);
    def("getset", 3, "write denyoom fast", "string", 1, 1, 1, Strings::getset);
    def("getdel", 2, "write fast", "string", 1, 1, 1, Strings::getdel);
    def("getex", -2, "write fast", "string", 1, 1, 1, Strings::getex);
    def("mget", -2, "readonly fast", "string", 1, -1, 1, Strings::mget);
    def("mset", -3, "write denyoom", "string", 1, -1, 2, Strings::mset);
    def("msetnx", -3, "write denyoom", "string", 1, -1, 2, Strings::msetnx);
    def("append", 3, "write denyoom fast", "string", 1, 1, 1, Strings::append);
    def("strlen", 2, "readonly fast", "string", 1, 1, 1, Strings::strlen);
    def("incr", 2, "write denyoom fast", "string", 1, 1, 1, Strings::incr);
    def("decr", 2, "write denyoom fast", "string", 1, 1, 1, Strings::decr);
    def("incrby", 3, "write denyoom fast", "string", 1, 1, 1, Strings::incrby);
    def("decrby", 3, "write denyoom fast", "string", 1, 1, 1, Strings::decrby);
    def("incrbyfloat", 3, "write denyoom fast", "string", 1, 1, 1, Strings::incrbyfloat);
    def("getrange", 4, "readonly", "string", 1, 1, 1, Strings::getrange);
    def("lcs", -3, "readonly", "string", 1, 2, 1, Strings::lcs);
    def("substr", 4, "readonly", "string", 1, 1, 1, Strings::getrange);
    def("setrange", 4, "write denyoom", "string", 1, 1, 1, Strings::setrange);
    def("bitfield", -2, "write denyoom", "bitmap", 1, 1, 1, Bitfield::bitfield);
    def("bitfield_ro", -2, "readonly fast", "bitmap", 1, 1, 1, Bitfield::bitfieldRo);
    def("setbit", 4, "write denyoom", "bitmap", 1, 1, 1, Strings::setbit);
    def("getbit", 3, "readonly fast", "bitmap", 1, 1, 1, Strings::getbit);
    def("bitcount", -2, "readonly", "bitmap", 1, 1, 1, Strings::bitcount);
    def("bitpos", -3, "readonly", "bitmap", 1, 1, 1, Strings::bitpos);
    def("bitop", -4, "write denyoom", "bitmap", 2, -1, 1, Strings::bitop);

    // keys and databases (db.c, expire.c, object.c)
    def("del", -2, "write", "keyspace", 1, -1, 1, Keys::del);
    def("unlink", -2, "write fast", "keyspace", 1, -1, 1, Keys::del);
    def("exists", -2, "readonly fast", "keyspace", 1, -1, 1, Keys::exists);
    def("touch", -2, "readonly fast", "keyspace", 1, -1, 1, Keys::touch);
    def("type", 2, "readonly fast", "keyspace", 1, 1, 1, Keys::type);
    def("rename", 3, "write", "keyspace", 1, 2, 1, Keys::rename);
    def("renamenx", 3, "write fast", "keyspace", 1, 2, 1, Keys::renamenx);
    def("copy", -3, "write denyoom", "keyspace", 1, 2, 1, Keys::copy);
    def("move", 3, "write fast", "keyspace", 1, 1, 1, Keys::move);
    def("randomkey", 1, "readonly", "keyspace", 0, 0, 0, Keys::randomkey);
    def("keys", 2, "readonly", "keyspace dangerous", 0, 0, 0, Keys::keys);
    def("scan", -2, "readonly", "keyspace", 0, 0, 0, Keys::scan);
    def("object", -2, "readonly", "keyspace", 2, 2, 1, Keys::object);
    def("expire", -3, "write fast", "keyspace", 1, 1, 1, Keys::expire);
    def("pexpire", -3, "write fast", "keyspace", 1, 1, 1, Keys::pexpire);
    def("expireat", -3, "write fast", "keyspace", 1, 1, 1, Keys::expireat);
    def("pexpireat", -3, "write fast", "keyspace", 1, 1, 1, Keys::pexpireat);
    def("ttl", 2, "readonly fast", "keyspace", 1, 1, 1, Keys::ttl);
    def("pttl", 2, "readonly fast", "keyspace", 1, 1, 1, Keys::pttl);
    def("expiretime", 2, "readonly fast", "keyspace", 1, 1, 1, Keys::expiretime);
    def("pexpiretime", 2, "readonly fast", "keyspace", 1, 1, 1, Keys::pexpiretime);
    def("persist", 2, "write fast", "keyspace", 1, 1, 1, Keys::persist);
    def("select", 2, "fast", "connection", 0, 0, 0, Keys::select);
    def("dbsize", 1, "readonly fast", "keyspace", 0, 0, 0, Keys::dbsize);
    def("flushdb", -1, "write", "keyspace dangerous", 0, 0, 0, Keys::flushdb);
    def("flushall", -1, "write", "keyspace dangerous", 0, 0, 0, Keys::flushall);
    def("swapdb", 3, "write fast", "keyspace dangerous", 0, 0, 0, Keys::swapdb);

    // sort.c
    def("sort", -2, "write denyoom", "set sortedset list dangerous", 1, 1, 1, Sort::sort);
    def("sort_ro", -2, "readonly", "set sortedset list dangerous", 1, 1, 1, Sort::sortRo);
    // lists (t_list.c)
    def("lpush", -3, "write denyoom fast", "list", 1, 1, 1, Lists::lpush);
    def("rpush", -3, "write denyoom fast", "list", 1, 1, 1, Lists::rpush);
    def("lpushx", -3, "write denyoom fast", "list", 1, 1, 1, Lists::lpushx);
    def("rpushx", -3, "write denyoom fast", "list", 1, 1, 1, Lists::rpushx);
    def("lpop", -2, "write fast", "list", 1, 1, 1, Lists::lpop);
    def("rpop", -2, "write fast", "list", 1, 1, 1, Lists::rpop);
    def("llen", 2, "readonly fast", "list", 1, 1, 1, Lists::llen);
    def("lrange", 4, "readonly", "list", 1, 1, 1, Lists::lrange);
    def("lindex", 3, "readonly", "list", 1, 1, 1, Lists::lindex);
    def("lset", 4, "write denyoom", "list", 1, 1, 1, Lists::lset);
    def("linsert", 5, "write denyoom", "list", 1, 1, 1, Lists::linsert);
    def("lrem", 4, "write", "list", 1, 1, 1, Lists::lrem);
    def("ltrim", 4, "write", "list", 1, 1, 1, Lists::ltrim);
    def("lpos", -3, "readonly", "list", 1, 1, 1, Lists::lpos);
    def("rpoplpush", 3, "write denyoom", "list", 1, 2, 1, Lists::rpoplpush);
    def("lmove", 5, "write denyoom", "list", 1, 2, 1, Lists::lmove);
    def("lmpop", -4, "write", "list", 0, 0, 0, 1, Lists::lmpop);
    def("blpop", -3, "write blocking noscript", "list", 1, -2, 1, Lists::blpop);
    def("brpop", -3, "write blocking noscript", "list", 1, -2, 1, Lists::brpop);
    def("brpoplpush", 4, "write denyoom blocking noscript", "list", 1, 2, 1, Lists::brpoplpush);
    def("blmove", 6, "write denyoom blocking noscript", "list", 1, 2, 1, Lists::blmove);
    def("blmpop", -5, "write blocking", "list", 0, 0, 0, 2, Lists::blmpop);

    // hashes (t_hash.c)
    def("hset", -4, "write denyoom fast", "hash", 1, 1, 1, Hashes::hset);
    def("hmset", -4, "write denyoom fast", "hash", 1, 1, 1, Hashes::hset);
    def("hsetnx", 4, "write denyoom fast", "hash", 1, 1, 1, Hashes::hsetnx);
    def("hget", 3, "readonly fast", "hash", 1, 1, 1, Hashes::hget);
    def("hmget", -3, "readonly fast", "hash", 1, 1, 1, Hashes::hmget);
    def("hdel", -3, "write fast", "hash", 1, 1, 1, Hashes::hdel);
    def("hlen", 2, "readonly fast", "hash", 1, 1, 1, Hashes::hlen);
    def("hstrlen", 3, "readonly fast", "hash", 1, 1, 1, Hashes::hstrlen);
    def("hexists", 3, "readonly fast", "hash", 1, 1, 1, Hashes::hexists);
    def("hkeys", 2, "readonly", "hash", 1, 1, 1, Hashes::hkeys);
    def("hvals", 2, "readonly", "hash", 1, 1, 1, Hashes::hvals);
    def("hgetall", 2, "readonly", "hash", 1, 1, 1, Hashes::hgetall);
    def("hincrby", 4, "write denyoom fast", "hash", 1, 1, 1, Hashes::hincrby);
    def("hincrbyfloat", 4, "write denyoom fast", "hash", 1, 1, 1, Hashes::hincrbyfloat);
    def("hrandfield", -2, "readonly", "hash", 1, 1, 1, Hashes::hrandfield);
    def("hscan", -3, "readonly", "hash", 1, 1, 1, Hashes::hscan);

    // sets (t_set.c)
    def("sadd", -3, "write denyoom fast", "set", 1, 1, 1, Sets::sadd);
    def("srem", -3, "write fast", "set", 1, 1, 1, Sets::srem);
    def("smembers", 2, "readonly", "set", 1, 1, 1, Sets::smembers);
    def("sismember", 3, "readonly fast", "set", 1, 1, 1, Sets::sismember);
    def("smismember", -3, "readonly fast", "set", 1, 1, 1, Sets::smismember);
    def("scard", 2, "readonly fast", "set", 1, 1, 1, Sets::scard);
    def("spop", -2, "write fast", "set", 1, 1, 1, Sets::spop);
    def("srandmember", -2, "readonly", "set", 1, 1, 1, Sets::srandmember);
    def("smove", 4, "write fast", "set", 1, 2, 1, Sets::smove);
    def("sinter", -2, "readonly", "set", 1, -1, 1, Sets::sinter);
    def("sinterstore", -3, "write denyoom", "set", 1, -1, 1, Sets::sinterstore);
    def("sunion", -2, "readonly", "set", 1, -1, 1, Sets::sunion);
    def("sunionstore", -3, "write denyoom", "set", 1, -1, 1, Sets::sunionstore);
    def("sdiff", -2, "readonly", "set", 1, -1, 1, Sets::sdiff);
    def("sdiffstore", -3, "write denyoom", "set", 1, -1, 1, Sets::sdiffstore);
    def("sintercard", -3, "readonly", "set", 0, 0, 0, 1, Sets::sintercard);
    def("sscan", -3, "readonly", "set", 1, 1, 1, Sets::sscan);

    // sorted sets (t_zset.c)
    def("zadd", -4, "write denyoom fast", "sortedset", 1, 1, 1, SortedSets::zadd);
    def("zincrby", 4, "write denyoom fast", "sortedset", 1, 1, 1, SortedSets::zincrby);
    def("zscore", 3, "readonly fast", "sortedset", 1, 1, 1, SortedSets::zscore);
    def("zmscore", -3, "readonly fast", "sortedset", 1, 1, 1, SortedSets::zmscore);
    def("zcard", 2, "readonly fast", "sortedset", 1, 1, 1, SortedSets::zcard);
    def("zcount", 4, "readonly fast", "sortedset", 1, 1, 1, SortedSets::zcount);
    def("zlexcount", 4, "readonly fast", "sortedset", 1, 1, 1, SortedSets::zlexcount);
    def("zrank", 3, "readonly fast", "sortedset", 1, 1, 1, SortedSets::zrank);
    def("zrevrank", 3, "readonly fast", "sortedset", 1, 1, 1, SortedSets::zrevrank);
    def("zrem", -3, "write fast", "sortedset", 1, 1, 1, SortedSets::zrem);
    def("zrange", -4, "readonly", "sortedset", 1, 1, 1, SortedSets::zrange);
    def("zrevrange", -4, "readonly", "sortedset", 1, 1, 1, SortedSets::zrevrange);
    def("zrangebyscore", -4, "readonly", "sortedset", 1, 1, 1, SortedSets::zrangebyscore);
    def("zrevrangebyscore", -4, "readonly", "sortedset", 1, 1, 1, SortedSets::zrevrangebyscore);
    def("zrangebylex", -4, "readonly", "sortedset", 1, 1, 1, SortedSets::zrangebylex);
    def("zrevrangebylex", -4, "readonly", "sortedset", 1, 1, 1, SortedSets::zrevrangebylex);
    def("zrangestore", -5, "write denyoom", "sortedset", 1, 2, 1, SortedSets::zrangestore);
    def("zremrangebyrank", 4, "write", "sortedset", 1, 1, 1, SortedSets::zremrangebyrank);
    def("zremrangebyscore", 4, "write", "sortedset", 1, 1, 1, SortedSets::zremrangebyscore);
    def("zremrangebylex", 4, "write", "sortedset", 1, 1, 1, SortedSets::zremrangebylex);
    def("zpopmin", -2, "write fast", "sortedset", 1, 1, 1, SortedSets::zpopmin);
    def("zpopmax", -2, "write fast", "sortedset", 1, 1, 1, SortedSets::zpopmax);
    def(
        "bzpopmin",
        -3,
        "write blocking fast noscript",
        "sortedset",
        1,
        -2,
        1,
        SortedSets::bzpopmin);
    def(
        "bzpopmax",
        -3,
        "write blocking fast noscript",
        "sortedset",
        1,
        -2,
        1,
        SortedSets::bzpopmax);
    def("zmpop", -4, "write", "sortedset", 0, 0, 0, 1, SortedSets::zmpop);
    def("bzmpop", -5, "write blocking", "sortedset", 0, 0, 0, 2, SortedSets::bzmpop);
    def("zunion", -3, "readonly", "sortedset", 0, 0, 0, 1, SortedSets::zunion);
    def("zinter", -3, "readonly", "sortedset", 0, 0, 0, 1, SortedSets::zinter);
    def("zdiff", -3, "readonly", "sortedset", 0, 0, 0, 1, SortedSets::zdiff);
    def("zunionstore", -4, "write denyoom", "sortedset", 1, 1, 1, 2, SortedSets::zunionstore);
    def("zinterstore", -4, "write denyoom", "sortedset", 1, 1, 1, 2, SortedSets::zinterstore);
    def("zdiffstore", -4, "write denyoom", "sortedset", 1, 1, 1, 2, SortedSets::zdiffstore);
    def("zintercard", -3, "readonly", "sortedset", 0, 0, 0, 1, SortedSets::zintercard);
    def("zrandmember", -2, "readonly", "sortedset", 1, 1, 1, SortedSets::zrandmember);
    def("zscan", -3, "readonly", "sortedset", 1, 1, 1, SortedSets::zscan);

    // streams (t_stream.c)
    def("xadd", -5, "write denyoom fast", "stream", 1, 1, 1, Streams::xadd);
    def("xrange", -4, "readonly", "stream", 1, 1, 1, Streams::xrange);
    def("xrevrange", -4, "readonly", "stream", 1, 1, 1, Streams::xrevrange);
    def("xlen", 2, "readonly fast", "stream", 1, 1, 1, Streams::xlen);
    def("xdel", -3, "write fast", "stream", 1, 1, 1, Streams::xdel);
    def("xtrim", -4, "write", "stream", 1, 1, 1, Streams::xtrim);
    def("xsetid", -3, "write denyoom fast", "stream", 1, 1, 1, Streams::xsetid);
    keywordKeys("xread", -4, "readonly blocking", "streams", 1, StreamReads::xread);
    keywordKeys("xreadgroup", -7, "write blocking", "streams", 4, StreamReads::xreadgroup);
    def("xgroup", -2, "write", "stream", 2, 2, 1, StreamGroups::xgroup);
    def("xack", -4, "write fast", "stream", 1, 1, 1, StreamGroups::xack);
    def("xpending", -3, "readonly", "stream", 1, 1, 1, StreamGroups::xpending);
    def("xclaim", -6, "write fast", "stream", 1, 1, 1, StreamGroups::xclaim);
    def("xautoclaim", -6, "write fast", "stream", 1, 1, 1, StreamGroups::xautoclaim);
    def("xinfo", -2, "readonly", "stream", 2, 2, 1, StreamInfo::xinfo);

    // geo (geo.c): sorted sets of geohash scores
    def("geoadd", -5, "write denyoom", "geo", 1, 1, 1, Geo::geoadd);
    def("geodist", -4, "readonly", "geo", 1, 1, 1, Geo::geodist);
    def("geohash", -2, "readonly", "geo", 1, 1, 1, Geo::geohash);
    def("geopos", -2, "readonly", "geo", 1, 1, 1, Geo::geopos);
    def("georadius", -6, "write denyoom", "geo", 1, 1, 1, Geo::georadius);
    def("georadius_ro", -6, "readonly", "geo", 1, 1, 1, Geo::georadiusRo);
    def("georadiusbymember", -5, "write denyoom", "geo", 1, 1, 1, Geo::georadiusbymember);
    def("georadiusbymember_ro", -5, "readonly", "geo", 1, 1, 1, Geo::georadiusbymemberRo);
    def("geosearch", -7, "readonly", "geo", 1, 1, 1, Geo::geosearch);
    def("geosearchstore", -8, "write denyoom", "geo", 1, 2, 1, Geo::geosearchstore);

    // HyperLogLog (hyperloglog.c)
    def("pfadd", -2, "write denyoom fast", "hyperloglog", 1, 1, 1, HyperLogLogs::pfadd);
    def("pfcount", -2, "readonly", "hyperloglog", 1, -1, 1, HyperLogLogs::pfcount);
    def("pfmerge", -2, "write denyoom", "hyperloglog", 1, -1, 1, HyperLogLogs::pfmerge);
    def("pfdebug", 3, "write denyoom admin", "hyperloglog", 2, 2, 1, HyperLogLogs::pfdebug);
    def("pfselftest", 1, "admin", "hyperloglog", 0, 0, 0, HyperLogLogs::pfselftest);

    // connection, transactions, pub/sub
    def("ping", -1, "fast subscribed-ok", "connection", 0, 0, 0, ConnectionCommands::ping);
    def("echo", 2, "fast", "connection", 0, 0, 0, ConnectionCommands::echo);
    def(
        "quit",
        -1,
        "fast no-auth tx-control subscribed-ok noscript allow-busy",
        "connection",
        0,
        0,
        0,
        ConnectionCommands::quit);
    def(
        "reset",
        1,
        "fast no-auth tx-control subscribed-ok noscript allow-busy",
        "connection",
        0,
        0,
        0,
        ConnectionCommands::reset);
    def(
        "hello",
        -1,
        "fast no-auth noscript allow-busy",
        "connection",
        0,
        0,
        0,
        ConnectionCommands::hello);
    def(
        "auth",
        -2,
        "fast no-auth noscript allow-busy",
        "connection",
        0,
        0,
        0,
        ConnectionCommands::auth);
    def("client", -2, "noscript", "connection", 0, 0, 0, ConnectionCommands::client);
    def(
        "multi",
        1,
        "fast tx-control noscript allow-busy",
        "transaction",
        0,
        0,
        0,
        TransactionCommands::multi);
    def(
        "exec",
        1,
        "tx-control noscript skip-slowlog",
        "transaction",
        0,
        0,
        0,
        TransactionCommands::exec);
    def(
        "discard",
        1,
        "fast tx-control noscript allow-busy",
        "transaction",
        0,
        0,
        0,
        TransactionCommands::discard);
    def(
        "watch",
        -2,
        "fast tx-control noscript allow-busy",
        "transaction",
        1,
        -1,
        1,
        TransactionCommands::watch);
    def(
        "unwatch",
        1,
        "fast noscript allow-busy",
        "transaction",
        0,
        0,
        0,
        TransactionCommands::unwatch);
    def(
        "subscribe",
        -2,
        "pubsub subscribed-ok noscript",
        "",
        0,
        0,
        0,
        ConnectionCommands::subscribe);
    def(
        "psubscribe",
        -2,
        "pubsub subscribed-ok noscript",
        "",
        0,
        0,
        0,
        ConnectionCommands::psubscribe);
    def(
        "unsubscribe",
        -1,
        "pubsub subscribed-ok noscript",
        "",
        0,
        0,
        0,
        ConnectionCommands::unsubscribe);
    def(
        "punsubscribe",
        -1,
        "pubsub subscribed-ok noscript",
        "",
        0,
        0,
        0,
        ConnectionCommands::punsubscribe);
    def("publish", 3, "pubsub fast may-replicate", "", 0, 0, 0, ConnectionCommands::publish);
    def(
        "ssubscribe",
        -2,
        "pubsub subscribed-ok noscript",
        "",
        0,
        0,
        0,
        ConnectionCommands::ssubscribe);
    def(
        "sunsubscribe",
        -1,
        "pubsub subscribed-ok noscript",
        "",
        0,
        0,
        0,
        ConnectionCommands::sunsubscribe);
    def("spublish", 3, "pubsub fast may-replicate", "", 0, 0, 0, ConnectionCommands::spublish);
    def("pubsub", -2, "pubsub", "", 0, 0, 0, ConnectionCommands::pubsub);
    def("monitor", 1, "admin noscript", "", 0, 0, 0, ConnectionCommands::monitor);
    def("shutdown", -1, "admin noscript allow-busy", "", 0, 0, 0, AdminCommands::shutdown);

    // server
    def("info", -1, "", "dangerous", 0, 0, 0, Info::info);
    def("config", -2, "admin noscript", "", 0, 0, 0, ConfigCommands::config);
    def("command", -1, "", "connection", 0, 0, 0, CommandIntrospection::command);
    def("time", 1, "fast", "", 0, 0, 0, AdminCommands::time);
    def("slowlog", -2, "admin", "", 0, 0, 0, AdminCommands::slowlog);
    def("latency", -2, "admin noscript", "", 0, 0, 0, LatencyCommands::latency);
    def("memory", -2, "readonly", "", 2, 2, 1, AdminCommands::memory);
    def("debug", -2, "admin noscript", "", 0, 0, 0, DebugCommands::debug);
    def("wait", 3, "noscript", "connection", 0, 0, 0, ReplicationCommands::waitCommand);
    def("role", 1, "fast noscript", "admin dangerous", 0, 0, 0, ReplicationCommands::role);
    def("psync", -3, "admin noscript", "", 0, 0, 0, ReplicationCommands::psync);
    def("sync", 1, "admin noscript", "", 0, 0, 0, ReplicationCommands::sync);
    def("replconf", -1, "admin noscript allow-busy", "", 0, 0, 0, ReplicationCommands::replconf);
    def("replicaof", 3, "admin noscript", "", 0, 0, 0, ReplicationCommands::replicaof);
    def("slaveof", 3, "admin noscript", "", 0, 0, 0, ReplicationCommands::replicaof);
    def("lastsave", 1, "fast", "admin dangerous", 0, 0, 0, AdminCommands::lastsave);
    def("save", 1, "admin noscript", "dangerous", 0, 0, 0, PersistenceCommands::save);
    def("bgsave", -1, "admin noscript", "dangerous", 0, 0, 0, PersistenceCommands::bgsave);
    def(
        "bgrewriteaof",
        1,
        "admin noscript",
        "dangerous",
        0,
        0,
        0,
        PersistenceCommands::bgrewriteaof);
    def("dump", 2, "readonly", "keyspace", 1, 1, 1, PersistenceCommands::dump);
    def(
        "restore",
        -4,
        "write denyoom",
        "keyspace dangerous",
        1,
        1,
        1,
        PersistenceCommands::restore);
    def("acl", -2, "noscript", "", 0, 0, 0, dev.cairn.cache.acl.AclCommands::acl);
    // the keys are movable (KEYS ...): checked by the key specs, as Redis
    def(
        "migrate",
        -6,
        "write",
        "keyspace dangerous",
        3,
        3,
        1,
        dev.cairn.cache.rdb.Migrate::migrate);
    def(
        "restore-asking",
        -4,
        "write denyoom",
        "keyspace dangerous",
        1,
        1,
        1,
        PersistenceCommands::restore);
    def(
        "failover",
        -1,
        "admin noscript",
        "",
        0,
        0,
        0,
        dev.cairn.cache.replication.ReplicationCommands::failover);
    def("lolwut", -1, "readonly fast", "", 0, 0, 0, StandaloneCommands::lolwut);
    def("module", -2, "", "", 0, 0, 0, StandaloneCommands::module);
    def("cluster", -2, "", "", 0, 0, 0, StandaloneCommands::clusterDisabled);
    def("asking", 1, "fast", "connection", 0, 0, 0, StandaloneCommands::clusterDisabled);
    def("readonly", 1, "fast", "connection", 0, 0, 0, StandaloneCommands::clusterDisabled);
    def("readwrite", 1, "fast", "connection", 0, 0, 0, StandaloneCommands::clusterDisabled);

    // scripting (eval.c, functions.c): the keys are the numkeys arguments after argv[2]
    def(
        "eval",
        -3,
        "noscript skip-monitor may-replicate script",
        "scripting",
        0,
        0,
        0,
        2,
        EvalScripts::eval);
    def(
        "evalsha",
        -3,
        "noscript skip-monitor may-replicate script",
        "scripting",
        0,
        0,
        0,
        2,
        EvalScripts::evalsha);
    def(
        "eval_ro",
        -3,
        "readonly noscript skip-monitor script",
        "scripting",
        0,
        0,
        0,
        2,
        EvalScripts::evalRo);
    def(
        "evalsha_ro",
        -3,
        "readonly noscript skip-monitor script",
        "scripting",
        0,
        0,
        0,
        2,
        EvalScripts::evalshaRo);
    def(
        "fcall",
        -3,
        "noscript skip-monitor may-replicate script",
        "scripting",
        0,
        0,
        0,
        2,
        Functions::fcall);
    def(
        "fcall_ro",
        -3,
        "readonly noscript skip-monitor script",
        "scripting",
        0,
        0,
        0,
        2,
        Functions::fcallRo);
    // SCRIPT KILL, FUNCTION KILL and FUNCTION STATS are served while busy; the handlers refuse the
    // other subcommands then
    def("script", -2, "noscript allow-busy", "scripting", 0, 0, 0, EvalScripts::script);
    def("function", -2, "noscript allow-busy", "scripting", 0, 0, 0, Functions::function);
  }
}
