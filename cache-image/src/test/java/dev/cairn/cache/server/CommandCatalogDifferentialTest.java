package dev.cairn.cache.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.acl.Category;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.it.ReferenceRedis;
import dev.cairn.common.testkit.EngineExtension;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * COMMAND as client libraries read it (cluster clients route by key specs, redis-cli and redis-py
 * read arity and flags, tools list commands by ACL category), against Debian's redis-server 7.0 on
 * loopback: the catalog holds exactly what Cairn serves, agrees with the dispatch table, and every
 * COMMAND form answers what Redis answers for those commands.
 */
class CommandCatalogDifferentialTest {
  @RegisterExtension
  static final EngineExtension<CacheEngine> cache =
      EngineExtension.of(() -> new CacheEngine(CacheConfig.forTest(0)));

  @RegisterExtension static final ReferenceRedis.PerClass redis = new ReferenceRedis.PerClass();

  private static int cairnPort() {
    return cache.engine().address().getPort();
  }

  @Test
  void catalogHoldsExactlyTheServedCommands() {
    Set<String> catalog =
        CommandCatalog.get().all().stream()
            .map(CommandCatalog.Entry::name)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(catalog).isEqualTo(CommandCatalogCapture.served()).hasSizeGreaterThan(200);
  }

  /**
   * The dispatcher's own table (arity checks, key positions for ACL, flags for MULTI, scripts and
   * OOM, ACL categories) says what the catalog, hence COMMAND, says. A container (CONFIG,
   * OBJECT...) is one handler here while Redis gives each subcommand its flags and keys, so only
   * its arity is compared; sharded pub/sub "keys" are channels (not_key), which Cairn's table
   * leaves out.
   */
  @Test
  void dispatchTableAgreesWithTheCatalog() {
    List<String> differences = new ArrayList<>();
    for (Command cmd : Commands.table().all()) {
      CommandCatalog.Entry e = CommandCatalog.get().lookup(cmd.name());
      boolean container = !e.subcommands().isEmpty();
      boolean channels = Set.of("ssubscribe", "sunsubscribe", "spublish").contains(cmd.name());
      String ours =
          describe(
              cmd.arity(),
              redisFlags(cmd),
              cmd.firstKey(),
              cmd.lastKey(),
              cmd.step(),
              cmd.categories().stream().map(Category::label).toList(),
              container,
              channels);
      Set<String> flags = new TreeSet<>(e.flags());
      flags.retainAll(COMPARED_FLAGS);
      String theirs =
          describe(
              e.arity(),
              flags,
              e.firstKey(),
              e.lastKey(),
              e.step(),
              e.aclCategories(),
              container,
              channels);
      if (!ours.equals(theirs)) {
        differences.add(cmd.name() + "\n    redis: " + theirs + "\n    cairn: " + ours);
      }
    }
    assertThat(differences).as(String.join("\n", differences)).isEmpty();
  }

  private static String describe(
      long arity,
      Set<String> flags,
      long first,
      long last,
      long step,
      java.util.Collection<String> categories,
      boolean container,
      boolean channels) {
    if (container) {
      return Long.toString(arity);
    }
    return arity
        + " "
        + flags
        + " "
        + (channels ? "" : first + "," + last + "," + step)
        + " "
        + new TreeSet<>(categories);
  }

  /**
   * The flags both tables know; Redis's others (loading, stale...) live only in the catalog, and
   * Cairn's may_replicate is its own (PUBLISH and the script commands are refused in read-only
   * scripts by it) where Redis 7.0 lists it for fewer commands.
   */
  private static final Set<String> COMPARED_FLAGS =
      Set.of(
          "write",
          "readonly",
          "denyoom",
          "admin",
          "pubsub",
          "noscript",
          "blocking",
          "fast",
          "no_auth",
          "allow_busy",
          "skip_monitor",
          "skip_slowlog");

  private static Set<String> redisFlags(Command cmd) {
    Set<String> out = new TreeSet<>();
    for (Command.Flag f : cmd.flags()) {
      String name = f.name().toLowerCase(Locale.ROOT);
      if (COMPARED_FLAGS.contains(name)) {
        out.add(name);
      }
    }
    return out;
  }

  /**
   * Every subcommand of a served container that Redis has is in the catalog exactly when Cairn's
   * handler recognizes it: no COMMAND entry for what answers "unknown subcommand", no recognized
   * subcommand missing from COMMAND.
   */
  @Test
  void catalogSubcommandsAreExactlyTheRecognizedOnes() throws Exception {
    try (Resp3Reader r = new Resp3Reader(redis.port(), 3);
        Resp3Reader c = new Resp3Reader(cairnPort(), 2)) {
      List<String> wrong = new ArrayList<>();
      int checked = 0;
      for (RespTree t : ((RespTree.Aggregate) r.call("COMMAND")).items()) {
        RespTree.Aggregate info = (RespTree.Aggregate) t;
        if (CommandCatalog.get().lookup(name(info)) == null) {
          continue;
        }
        for (RespTree s : ((RespTree.Aggregate) info.items().get(9)).items()) {
          RespTree.Aggregate sub = (RespTree.Aggregate) s;
          boolean listed = CommandCatalog.get().lookup(name(sub)) != null;
          if (listed != CommandCatalogCapture.recognizes(c, sub)) {
            wrong.add(name(sub) + (listed ? " listed, not served" : " served, not listed"));
          }
          checked++;
        }
      }
      assertThat(checked).isGreaterThan(80);
      assertThat(wrong).isEmpty();
    }
  }

  /** COMMAND and COMMAND INFO (all): Redis's entries for the served commands, equal as data. */
  @Test
  void wholeTableMatchesRedisForServedCommands() throws Exception {
    for (int protocol : new int[] {2, 3}) {
      try (Resp3Reader r = new Resp3Reader(redis.port(), protocol);
          Resp3Reader c = new Resp3Reader(cairnPort(), protocol)) {
        for (String[] request :
            List.of(new String[] {"COMMAND"}, new String[] {"COMMAND", "INFO"})) {
          Map<String, RespTree> expected = byName(r.call(request));
          Map<String, RespTree> actual = byName(c.call(request));
          assertThat(actual.keySet()).isEqualTo(CommandCatalogCapture.served());
          for (Map.Entry<String, RespTree> e : actual.entrySet()) {
            RespTree want = keepServedSubcommands(expected.get(e.getKey()));
            assertThat(normalize(e.getValue())).as(e.getKey()).isEqualTo(normalize(want));
          }
        }
        assertThat(c.call("COMMAND", "COUNT")).isEqualTo(new RespTree.Int(actual(c).size()));
      }
    }
  }

  private static Map<String, RespTree> actual(Resp3Reader c) throws Exception {
    return byName(c.call("COMMAND"));
  }

  /** Replies that must be the same, element for element, in RESP2 and in RESP3. */
  private static final List<String> SAME =
      List.of(
          "COMMAND INFO get set xread georadius sort eval config|get CONFIG|SET nosuch a|b|c",
          "COMMAND INFO config client object xinfo function script acl memory command",
          "COMMAND DOCS get zadd xadd set",
          "COMMAND DOCS xinfo|stream client|kill nosuch",
          "COMMAND DOCS object",
          "COMMAND HELP",
          "COMMAND NOSUCH",
          "COMMAND COUNT extra",
          "COMMAND GETKEYS",
          "COMMAND GETKEYS get",
          "COMMAND GETKEYS nosuch a",
          "COMMAND GETKEYS ping",
          "COMMAND GETKEYS get k",
          "COMMAND GETKEYS mset a 1 b 2 c 3",
          "COMMAND GETKEYS del a b c",
          "COMMAND GETKEYS blpop l1 l2 0",
          "COMMAND GETKEYS zunionstore dst 2 a b WEIGHTS 1 2",
          "COMMAND GETKEYS zunionstore dst 3 a b",
          "COMMAND GETKEYS zunion 2 a b",
          "COMMAND GETKEYS lmpop 2 a b LEFT",
          "COMMAND GETKEYS blmpop 0 2 a b LEFT",
          "COMMAND GETKEYS sintercard 2 a b LIMIT 1",
          "COMMAND GETKEYS eval return 2 k1 k2 a1",
          "COMMAND GETKEYS eval return 0",
          "COMMAND GETKEYS fcall f 1 k",
          "COMMAND GETKEYS xread COUNT 2 STREAMS s1 s2 0 0",
          "COMMAND GETKEYS xreadgroup GROUP g c STREAMS s1 >",
          "COMMAND GETKEYS sort s BY w_* GET o_* LIMIT 0 1 STORE d1 STORE d2",
          "COMMAND GETKEYS sort_ro s BY w_*",
          "COMMAND GETKEYS georadius g 0 0 1 km STORE d STOREDIST d2",
          "COMMAND GETKEYS object encoding k",
          "COMMAND GETKEYS memory usage k",
          "COMMAND GETKEYS config get maxmemory",
          "COMMAND GETKEYS xinfo stream s",
          "COMMAND GETKEYS spublish ch m",
          "COMMAND GETKEYS rename a b",
          "COMMAND GETKEYSANDFLAGS set k v",
          "COMMAND GETKEYSANDFLAGS set k v GET",
          "COMMAND GETKEYSANDFLAGS bitfield k GET u8 0",
          "COMMAND GETKEYSANDFLAGS bitfield k INCRBY u8 0 1",
          "COMMAND GETKEYSANDFLAGS lmove a b LEFT RIGHT",
          "COMMAND GETKEYSANDFLAGS sort s STORE d",
          "COMMAND GETKEYSANDFLAGS zunionstore dst 2 a b",
          "COMMAND GETKEYSANDFLAGS getdel k",
          "COMMAND GETKEYSANDFLAGS xadd s * f v",
          "COMMAND GETKEYSANDFLAGS geosearchstore d s FROMMEMBER m BYRADIUS 1 km",
          "COMMAND GETKEYSANDFLAGS eval return 1 k",
          "COMMAND GETKEYSANDFLAGS pfmerge d a b",
          "COMMAND GETKEYSANDFLAGS restore k 0 x",
          "COMMAND LIST FILTERBY",
          "COMMAND LIST FILTERBY nosuch x",
          "COMMAND LIST FILTERBY module foo",
          "CONFIG GET",
          "CONFIG SET maxmemory",
          "CONFIG HELP",
          "OBJECT ENCODING",
          "XINFO STREAM",
          "CLIENT KILL",
          "CLIENT NOSUCH",
          "CONFIG",
          "COMMAND INFO");

  @Test
  void commandRepliesMatchRedis() throws Exception {
    List<String> differences = new ArrayList<>();
    for (int protocol : new int[] {2, 3}) {
      try (Resp3Reader r = new Resp3Reader(redis.port(), protocol);
          Resp3Reader c = new Resp3Reader(cairnPort(), protocol)) {
        for (String line : SAME) {
          String[] args = line.split(" ");
          RespTree expected = r.call(args);
          RespTree actual = c.call(args);
          if (line.equals("COMMAND INFO")) {
            // every command: compared as a table in wholeTableMatchesRedisForServedCommands
            continue;
          }
          if (!normalize(expected).equals(normalize(actual))) {
            differences.add(
                "RESP"
                    + protocol
                    + " "
                    + line
                    + "\n    redis: "
                    + expected
                    + "\n    cairn: "
                    + actual);
          }
        }
      }
    }
    assertThat(differences).as(String.join("\n", differences)).isEmpty();
  }

  /**
   * COMMAND LIST, filtered or not, names Redis's commands and subcommands that Cairn serves;
   * Redis's order is its hash table's, so compared as sets.
   */
  @Test
  void commandListMatchesRedisForServedCommands() throws Exception {
    Set<String> served = new TreeSet<>();
    for (CommandCatalog.Entry e : CommandCatalog.get().all()) {
      served.add(e.name());
      e.subcommands().forEach(s -> served.add(s.name()));
    }
    try (Resp3Reader r = new Resp3Reader(redis.port(), 2);
        Resp3Reader c = new Resp3Reader(cairnPort(), 2)) {
      for (String filter :
          List.of(
              "",
              " FILTERBY ACLCAT stream",
              " FILTERBY ACLCAT Admin",
              " FILTERBY ACLCAT dangerous",
              " FILTERBY ACLCAT slow",
              " FILTERBY ACLCAT nosuch",
              " FILTERBY PATTERN config*",
              " FILTERBY PATTERN *|*",
              " FILTERBY PATTERN X*",
              " FILTERBY MODULE foo")) {
        Set<String> expected = names(r.call(("COMMAND LIST" + filter).split(" ")));
        expected.retainAll(served);
        Set<String> actual = names(c.call(("COMMAND LIST" + filter).split(" ")));
        assertThat(actual).as(filter).isEqualTo(expected);
      }
      assertThat(names(c.call("COMMAND", "LIST"))).isEqualTo(served);
    }
  }

  private static String text(RespTree t) {
    StringBuilder sb = new StringBuilder();
    RespTree.print(t, 0, sb);
    return sb.toString();
  }

  /** The first differing line of two text forms, with a little context. */
  private static String firstDifference(String want, String got) {
    String[] a = want.split("\n");
    String[] b = got.split("\n");
    for (int i = 0; i < Math.max(a.length, b.length); i++) {
      String x = i < a.length ? a[i] : "<end>";
      String y = i < b.length ? b[i] : "<end>";
      if (!x.equals(y)) {
        String before = i > 0 ? a[i - 1].strip() + " / " : "";
        return "    line " + i + " after " + before + "\n    redis: " + x + "\n    cairn: " + y;
      }
    }
    return "";
  }

  private static Set<String> names(RespTree reply) {
    Set<String> out = new TreeSet<>();
    for (RespTree t : ((RespTree.Aggregate) reply).items()) {
      out.add(((RespTree.Text) t).value());
    }
    return out;
  }

  private static String name(RespTree.Aggregate info) {
    return ((RespTree.Text) info.items().get(0)).value();
  }

  private static Map<String, RespTree> byName(RespTree reply) {
    Map<String, RespTree> out = new TreeMap<>();
    for (RespTree t : ((RespTree.Aggregate) reply).items()) {
      out.put(name((RespTree.Aggregate) t), t);
    }
    return out;
  }

  /** Redis's entry with only the subcommands the catalog lists. */
  private static RespTree keepServedSubcommands(RespTree entry) {
    RespTree.Aggregate info = (RespTree.Aggregate) entry;
    RespTree.Aggregate subs = (RespTree.Aggregate) info.items().get(9);
    List<RespTree> kept = new ArrayList<>();
    for (RespTree s : subs.items()) {
      if (CommandCatalog.get().lookup(name((RespTree.Aggregate) s)) != null) {
        kept.add(s);
      }
    }
    List<RespTree> items = new ArrayList<>(info.items());
    items.set(9, new RespTree.Aggregate(subs.type(), kept));
    return new RespTree.Aggregate(info.type(), items);
  }

  /**
   * Order-free where Redis's order is its hash tables' (subcommands, docs maps, sets); arrays
   * otherwise keep their order (arguments, key specs, keys).
   */
  private static RespTree normalize(RespTree t) {
    if (!(t instanceof RespTree.Aggregate a)) {
      return t;
    }
    List<RespTree> items = new ArrayList<>();
    for (int i = 0; i < a.items().size(); i++) {
      RespTree item = a.items().get(i);
      boolean pairs = a.type() == '%' || isFlatSubcommandDocs(a.items());
      if (pairs && i % 2 == 0 && unservedSubcommand(item)) {
        i++; // a docs entry of a subcommand Cairn does not serve, with its value
        continue;
      }
      if (!pairs
          && item instanceof RespTree.Aggregate e
          && !e.items().isEmpty()
          && unservedSubcommand(e.items().get(0))) {
        continue; // an info entry of a subcommand Cairn does not serve
      }
      items.add(normalize(item));
    }
    Comparator<RespTree> byText = Comparator.comparing(RespTree::toString);
    if (a.type() == '~') {
      items.sort(byText);
    } else if (a.type() == '%') {
      List<List<RespTree>> pairs = new ArrayList<>();
      for (int i = 0; i < items.size(); i += 2) {
        pairs.add(List.of(items.get(i), items.get(i + 1)));
      }
      pairs.sort(Comparator.comparing(p -> p.get(0).toString()));
      items.clear();
      pairs.forEach(items::addAll);
    } else if (isFlatSubcommandDocs(items)) {
      // RESP2's form of the docs' subcommands map: name, docs, name, docs...
      List<List<RespTree>> pairs = new ArrayList<>();
      for (int i = 0; i < items.size(); i += 2) {
        pairs.add(List.of(items.get(i), items.get(i + 1)));
      }
      pairs.sort(Comparator.comparing(p -> p.get(0).toString()));
      items.clear();
      pairs.forEach(items::addAll);
    } else if (!items.isEmpty()
        && items.stream()
            .allMatch(i ->
                i instanceof RespTree.Aggregate x
                    && !x.items().isEmpty()
                    && x.items().get(0) instanceof RespTree.Text n
                    && n.value().contains("|"))) {
      items.sort(byText); // subcommand entries
    }
    return new RespTree.Aggregate(a.type(), items);
  }

  private static boolean unservedSubcommand(RespTree name) {
    return name instanceof RespTree.Text t
        && !t.simple()
        && t.value().matches("[a-z_-]+\\|[a-z_-]+")
        && CommandCatalog.get().lookup(t.value()) == null;
  }

  private static boolean isFlatSubcommandDocs(List<RespTree> items) {
    if (items.isEmpty() || items.size() % 2 != 0) {
      return false;
    }
    for (int i = 0; i < items.size(); i += 2) {
      if (!(items.get(i) instanceof RespTree.Text n && n.value().contains("|"))
          || !(items.get(i + 1) instanceof RespTree.Aggregate)) {
        return false;
      }
    }
    return true;
  }
}
