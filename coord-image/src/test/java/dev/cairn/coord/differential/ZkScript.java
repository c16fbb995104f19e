package dev.cairn.coord.differential;

import dev.cairn.common.testkit.Transcript;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;

/**
 * The scripted sequence of plain ZooKeeper client calls run against both servers. Session {@code a}
 * does most of the work; session {@code b} holds watches (its events are observed in order, up to a
 * sync of its own, see {@link #events}); session {@code c} owns ephemerals that die with it.
 *
 * <p>Normalisations, each because the value legitimately differs between two servers: session ids
 * (random) are shown by the script's name for the session, {@code a}, {@code b} or {@code c}; zxids
 * and ctime/mtime are absolute (each server has its own history and clock) so a stat shows only how
 * its zxids relate ({@code czxid} vs {@code mzxid} and {@code pzxid}), and a step that must move a
 * zxid records whether it moved. Error messages are free text: only codes are compared. Child and
 * ephemeral lists are sorted: both servers keep children in hash sets, the order means nothing.
 */
final class ZkScript {
  private static final byte[] NONE = new byte[0];
  private static final List<ACL> OPEN = Ids.OPEN_ACL_UNSAFE;

  // A failed step is the KeeperException code (the protocol's error), else the exception type.
  private final Transcript t =
      new Transcript(e ->
          e instanceof org.apache.zookeeper.KeeperException ke
              ? ke.code().toString()
              : e.getClass().getSimpleName());
  private final BlockingQueue<String> bEvents = new LinkedBlockingQueue<>();
  private ZooKeeper a;
  private ZooKeeper b;
  private ZooKeeper c;
  private long[] sessions;

  static Transcript run(String connectString) throws Exception {
    ZkScript script = new ZkScript();
    try {
      script.a = connect(connectString, null);
      script.b = connect(connectString, script.bEvents);
      script.c = connect(connectString, null);
      script.sessions =
          new long[] {script.a.getSessionId(), script.b.getSessionId(), script.c.getSessionId()};
      script.creates();
      script.readsAndWrites();
      script.deletes();
      script.multis();
      script.acls();
      script.watches();
      script.persistentWatches();
      script.sessionEnd();
      script.edges();
      script.sessionInfo();
      script.aclValidity();
    } finally {
      for (ZooKeeper zk : new ZooKeeper[] {script.a, script.b, script.c}) {
        if (zk != null) {
          zk.close();
        }
      }
    }
    return script.t;
  }

  private void creates() throws Exception {
    t.attempt("create /d", () -> created(a, "/d", "a", CreateMode.PERSISTENT));
    t.attempt("stat / after create /d", () -> stat(a.exists("/", false)));
    t.attempt("create /d again", () -> a.create("/d", NONE, OPEN, CreateMode.PERSISTENT));
    t.attempt("stat / after create /d again", () -> stat(a.exists("/", false)));
    t.attempt(
        "create under missing parent", () -> a.create("/no/x", NONE, OPEN, CreateMode.PERSISTENT));
    t.attempt(
        "create /d/s- seq 1", () -> created(a, "/d/s-", "", CreateMode.PERSISTENT_SEQUENTIAL));
    t.attempt(
        "create /d/s- seq 2", () -> created(a, "/d/s-", "x", CreateMode.PERSISTENT_SEQUENTIAL));
    t.attempt(
        "create /d/e- eph seq", () -> created(a, "/d/e-", "", CreateMode.EPHEMERAL_SEQUENTIAL));
    t.attempt("create /d/eph", () -> created(a, "/d/eph", "e", CreateMode.EPHEMERAL));
    t.attempt(
        "create child of ephemeral", () -> a.create("/d/eph/x", NONE, OPEN, CreateMode.PERSISTENT));
    t.attempt("create /box container", () -> created(a, "/box", "", CreateMode.CONTAINER));
    t.attempt("stat / after create /box container", () -> stat(a.exists("/", false)));
    t.attempt("create /box/in", () -> created(a, "/box/in", "", CreateMode.PERSISTENT));
    t.attempt("stat / after create /box/in", () -> stat(a.exists("/", false)));
    t.attempt("create /ttl", () -> createdTtl("/ttl", CreateMode.PERSISTENT_WITH_TTL, 60_000));
    t.attempt("stat / after create /ttl", () -> stat(a.exists("/", false)));
    t.attempt(
        "create /ttls- seq",
        () -> createdTtl("/ttls-", CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, 60_000));
    t.attempt("stat / after create /ttls- seq", () -> stat(a.exists("/", false)));
    t.attempt("create ttl 0", () -> createdTtl("/ttl0", CreateMode.PERSISTENT_WITH_TTL, 0));
    t.attempt(
        "create with no acl", () -> a.create("/noacl", NONE, List.of(), CreateMode.PERSISTENT));
    t.attempt(
        "create creator acl unauthenticated",
        () -> a.create("/cr", NONE, Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT));
    t.attempt(
        "create sequential under /d after failures",
        () -> created(a, "/d/s-", "", CreateMode.PERSISTENT_SEQUENTIAL));
  }

  private void readsAndWrites() throws Exception {
    Stat before = a.exists("/d", false);
    t.attempt("exists /d", () -> stat(a.exists("/d", false)));
    t.attempt("exists missing", () -> a.exists("/nope", false));
    t.attempt("getData /d", () -> data(a, "/d"));
    t.attempt("getData missing", () -> data(a, "/nope"));
    t.attempt("setData /d v0", () -> stat(a.setData("/d", bytes("bb"), 0)));
    t.attempt("setData /d v5", () -> stat(a.setData("/d", bytes("cc"), 5)));
    t.attempt("setData /d any", () -> stat(a.setData("/d", bytes("ccc"), -1)));
    t.attempt("setData missing", () -> a.setData("/nope", NONE, -1));
    Stat after = a.exists("/d", false);
    t.record("setData moved mzxid", after.getMzxid() > before.getMzxid());
    t.record(
        "setData kept czxid and pzxid",
        after.getCzxid() == before.getCzxid() && after.getPzxid() == before.getPzxid());
    t.attempt("getData /d after", () -> data(a, "/d"));
    t.attempt("getChildren /d", () -> sorted(a.getChildren("/d", false)));
    t.attempt(
        "getChildren2 /d",
        () -> {
          Stat s = new Stat();
          return sorted(a.getChildren("/d", false, s)) + " " + stat(s);
        });
    t.attempt("getChildren missing", () -> a.getChildren("/nope", false));
    t.attempt("getChildren of ephemeral", () -> a.getChildren("/d/eph", false));
    t.attempt("getChildren /", () -> sorted(a.getChildren("/", false)));
    t.attempt("getChildren /zookeeper", () -> sorted(a.getChildren("/zookeeper", false)));
    t.attempt("stat /", () -> stat(a.exists("/", false)));
    t.attempt("getAllChildrenNumber /d", () -> a.getAllChildrenNumber("/d"));
    t.attempt("getAllChildrenNumber /", () -> a.getAllChildrenNumber("/"));
    t.attempt("getAllChildrenNumber missing", () -> a.getAllChildrenNumber("/nope"));
    t.attempt("getEphemerals a /", () -> sorted(a.getEphemerals("/")));
    t.attempt("getEphemerals a /d/e", () -> sorted(a.getEphemerals("/d/e")));
    t.attempt("getEphemerals b", () -> sorted(b.getEphemerals()));
    t.attempt("sync /d", () -> sync(a, "/d"));
    t.attempt("stat /box", () -> stat(a.exists("/box", false)));
  }

  private void deletes() throws Exception {
    Stat parent = a.exists("/d", false);
    t.attempt("delete non-empty /d", () -> del("/d", -1));
    t.attempt("stat /d after delete non-empty /d", () -> stat(a.exists("/d", false)));
    t.attempt("delete /d/eph bad version", () -> del("/d/eph", 3));
    t.attempt("stat /d after delete /d/eph bad version", () -> stat(a.exists("/d", false)));
    t.attempt("delete /d/eph v0", () -> del("/d/eph", 0));
    t.attempt("stat /d after delete /d/eph v0", () -> stat(a.exists("/d", false)));
    t.attempt("delete missing", () -> del("/nope", -1));
    t.attempt("delete root", () -> del("/", -1));
    t.attempt("delete /zookeeper", () -> del("/zookeeper", -1));
    Stat after = a.exists("/d", false);
    t.record("child delete moved pzxid", after.getPzxid() > parent.getPzxid());
    t.record("child delete kept mzxid", after.getMzxid() == parent.getMzxid());
    t.attempt("stat /d after child delete", () -> stat(after));
  }

  private void multis() throws Exception {
    t.attempt(
        "multi ok",
        () ->
            results(
                a.multi(
                    List.of(
                        Op.create("/m", bytes("1"), OPEN, CreateMode.PERSISTENT),
                        Op.setData("/m", bytes("22"), 0),
                        Op.check("/m", 1),
                        Op.create("/m/s-", NONE, OPEN, CreateMode.PERSISTENT_SEQUENTIAL),
                        Op.delete("/box/in", -1)))));
    t.attempt("stat /m", () -> stat(a.exists("/m", false)));
    t.attempt(
        "multi failing check",
        () -> {
          try {
            return results(
                a.multi(
                    List.of(
                        Op.create("/m2", NONE, OPEN, CreateMode.PERSISTENT),
                        Op.check("/m", 9),
                        Op.setData("/m", NONE, -1))));
          } catch (KeeperException e) {
            return e.code() + " " + results(e.getResults());
          }
        });
    t.attempt(
        "multi failing create",
        () -> {
          try {
            return results(
                a.multi(
                    List.of(
                        Op.setData("/m", NONE, -1),
                        Op.create("/no/x", NONE, OPEN, CreateMode.PERSISTENT),
                        Op.delete("/m", -1))));
          } catch (KeeperException e) {
            return e.code() + " " + results(e.getResults());
          }
        });
    t.attempt(
        "failed multi left nothing",
        () -> a.exists("/m2", false) + " " + stat(a.exists("/m", false)));
    t.attempt("multi check alone", () -> results(a.multi(List.of(Op.check("/m", 1)))));
    t.attempt("multi empty", () -> results(a.multi(List.of())));
    t.attempt(
        "multi read ops", () -> results(a.multi(List.of(Op.getChildren("/m"), Op.getData("/m")))));
    t.attempt(
        "multi read missing",
        () -> results(a.multi(List.of(Op.getData("/nope"), Op.getChildren("/m")))));
  }

  private void acls() throws Exception {
    a.addAuthInfo("digest", bytes("alice:secret"));
    t.attempt(
        "create creator acl authenticated",
        () -> created(a, "/acl", "s", CreateMode.PERSISTENT, Ids.CREATOR_ALL_ACL));
    t.attempt(
        "getACL /acl",
        () -> {
          Stat s = new Stat();
          return acl(a.getACL("/acl", s)) + " " + stat(s);
        });
    t.attempt("getACL /d", () -> acl(a.getACL("/d", new Stat())));
    t.attempt("getACL missing", () -> a.getACL("/nope", new Stat()));
    t.attempt("getData /acl other session", () -> data(b, "/acl"));
    t.attempt("exists /acl other session", () -> stat(b.exists("/acl", false)));
    // Mutable lists: the client's ACL check asks contains(null), which List.of refuses.
    List<ACL> readOnly =
        new ArrayList<>(
            List.of(
                new ACL(Perms.READ, Ids.ANYONE_ID_UNSAFE), new ACL(Perms.ALL, new Id("auth", ""))));
    t.attempt("setACL /acl v0", () -> stat(a.setACL("/acl", readOnly, 0)));
    t.attempt("setACL /acl v0 again", () -> stat(a.setACL("/acl", readOnly, 0)));
    t.attempt("setACL empty", () -> stat(a.setACL("/acl", List.of(), -1)));
    t.attempt("setACL missing", () -> stat(a.setACL("/nope", OPEN, -1)));
    t.attempt("getACL /acl after", () -> acl(a.getACL("/acl", new Stat())));
    t.attempt("getData /acl other session after", () -> data(b, "/acl"));
    t.attempt("setData /acl other session", () -> stat(b.setData("/acl", NONE, -1)));
    t.attempt(
        "create under read-only other session",
        () -> b.create("/acl/x", NONE, OPEN, CreateMode.PERSISTENT));
    t.attempt(
        "setACL bad scheme",
        () ->
            stat(
                a.setACL(
                    "/d",
                    new ArrayList<>(List.of(new ACL(Perms.ALL, new Id("nosuch", "x")))),
                    -1)));
  }

  private void watches() throws Exception {
    a.create("/w", bytes("w"), OPEN, CreateMode.PERSISTENT);
    t.attempt("watch getData /w", () -> data(b, "/w", true));
    t.attempt("watch exists /wn", () -> b.exists("/wn", true));
    t.attempt("watch getChildren /w", () -> sorted(b.getChildren("/w", true)));
    t.record("events after registering", events());
    a.create("/wn", NONE, OPEN, CreateMode.PERSISTENT);
    t.record("events create /wn", events());
    a.setData("/w", bytes("w2"), -1);
    t.record("events setData /w", events());
    a.setData("/w", bytes("w3"), -1);
    t.record("events second setData /w (one-shot)", events());
    a.create("/w/k", NONE, OPEN, CreateMode.PERSISTENT);
    t.record("events create /w/k", events());
    t.attempt(
        "rewatch",
        () ->
            data(b, "/w", true)
                + " "
                + sorted(b.getChildren("/w", true))
                + " "
                + stat(b.exists("/w/k", true)));
    a.delete("/w/k", -1);
    t.record("events delete /w/k", events());
    a.delete("/w", -1);
    t.record("events delete /w", events());
    t.attempt("watch exists then create in multi", () -> stat(b.exists("/wm", true)));
    a.multi(
        List.of(
            Op.create("/wm", NONE, OPEN, CreateMode.PERSISTENT),
            Op.setData("/wm", bytes("m"), -1)));
    t.record("events multi create+set /wm", events());
  }

  private void persistentWatches() throws Exception {
    a.create("/p", NONE, OPEN, CreateMode.PERSISTENT);
    b.addWatch("/p", AddWatchMode.PERSISTENT);
    b.addWatch("/r", AddWatchMode.PERSISTENT_RECURSIVE);
    t.record("events after addWatch", events());
    a.setData("/p", bytes("1"), -1);
    a.create("/p/c", NONE, OPEN, CreateMode.PERSISTENT);
    a.setData("/p/c", bytes("1"), -1);
    a.delete("/p/c", -1);
    a.setData("/p", bytes("2"), -1);
    t.record("events persistent /p", events());
    a.create("/r", NONE, OPEN, CreateMode.PERSISTENT);
    a.create("/r/x", NONE, OPEN, CreateMode.PERSISTENT);
    a.create("/r/x/y", NONE, OPEN, CreateMode.PERSISTENT);
    a.setData("/r/x/y", bytes("1"), -1);
    a.delete("/r/x/y", -1);
    a.setData("/r", bytes("1"), -1);
    t.record("events recursive /r", events());
    removeWatches("removeWatches /p", "/p", Watcher.WatcherType.Any);
    removeWatches("removeWatches nothing", "/nope", Watcher.WatcherType.Any);
    a.setData("/p", bytes("3"), -1);
    t.record("events after removeWatches", events());
  }

  private void sessionEnd() throws Exception {
    t.attempt("c creates /ce", () -> created(c, "/ce", "", CreateMode.EPHEMERAL));
    t.attempt(
        "c creates /d/ce- seq", () -> created(c, "/d/ce-", "", CreateMode.EPHEMERAL_SEQUENTIAL));
    t.attempt(
        "watch /ce and /d",
        () -> stat(b.exists("/ce", true)) + " " + sorted(b.getChildren("/d", true)));
    t.attempt("getEphemerals c", () -> sorted(c.getEphemerals()));
    c.close();
    c = null;
    t.record("events c closed", events());
    t.attempt(
        "after c closed", () -> a.exists("/ce", false) + " " + sorted(a.getChildren("/d", false)));
  }

  private void edges() throws Exception {
    t.attempt("create /", () -> a.create("/", NONE, OPEN, CreateMode.PERSISTENT));
    t.attempt(
        "create seq with empty name",
        () -> created(a, "/d/", "", CreateMode.PERSISTENT_SEQUENTIAL));
    t.attempt("create null data", () -> created(a, "/nul", null, CreateMode.PERSISTENT));
    t.attempt("getData null data", () -> data(a, "/nul"));
    t.attempt(
        "create under /zookeeper",
        () -> a.create("/zookeeper/x", NONE, OPEN, CreateMode.PERSISTENT));
    t.attempt("setData /zookeeper", () -> stat(a.setData("/zookeeper", bytes("x"), -1)));
    t.attempt("getData /zookeeper/quota", () -> data(a, "/zookeeper/quota"));
    t.attempt("getACL /zookeeper/config", () -> acl(a.getACL("/zookeeper/config", new Stat())));
    t.attempt(
        "setData /zookeeper/config", () -> stat(a.setData("/zookeeper/config", bytes("x"), -1)));
    t.attempt("ephemeral under container", () -> created(a, "/box/e", "", CreateMode.EPHEMERAL));
    t.attempt("setData container", () -> stat(a.setData("/box", bytes("c"), 0)));
    t.attempt(
        "multi create+delete same path",
        () ->
            results(
                a.multi(
                    List.of(
                        Op.create("/tmp", NONE, OPEN, CreateMode.PERSISTENT),
                        Op.delete("/tmp", 0),
                        Op.create("/tmp", bytes("again"), OPEN, CreateMode.EPHEMERAL)))));
    t.attempt("stat /tmp", () -> stat(a.exists("/tmp", false)));
    t.attempt(
        "multi delete bad version",
        () -> {
          try {
            return results(a.multi(List.of(Op.delete("/tmp", 4), Op.setData("/tmp", NONE, -1))));
          } catch (KeeperException e) {
            return e.code() + " " + results(e.getResults());
          }
        });
    t.attempt(
        "multi seq names",
        () ->
            results(
                a.multi(
                    List.of(
                        Op.create("/m/s-", NONE, OPEN, CreateMode.PERSISTENT_SEQUENTIAL),
                        Op.create("/m/s-", NONE, OPEN, CreateMode.EPHEMERAL_SEQUENTIAL),
                        Op.delete("/m/s-0000000000", -1),
                        Op.create("/m/s-", NONE, OPEN, CreateMode.PERSISTENT_SEQUENTIAL)))));
    t.attempt("stat /m after seq multi", () -> stat(a.exists("/m", false)));
    t.attempt(
        "ip acl",
        () ->
            stat(
                a.setACL(
                    "/nul",
                    new ArrayList<>(List.of(new ACL(Perms.READ, new Id("ip", "127.0.0.1")))),
                    -1)));
    t.attempt("ip acl read", () -> data(b, "/nul"));
    t.attempt("ip acl write", () -> stat(b.setData("/nul", NONE, -1)));
    t.attempt(
        "bad ip acl",
        () ->
            stat(
                a.setACL(
                    "/d",
                    new ArrayList<>(List.of(new ACL(Perms.READ, new Id("ip", "not-an-ip")))),
                    -1)));
    t.attempt(
        "data watch then remove",
        () -> {
          b.getData("/d", true, null);
          b.getChildren("/d", true);
          b.removeAllWatches("/d", Watcher.WatcherType.Data, false);
          return "ok";
        });
    t.record("events after data watch removed", events());
    a.setData("/d", bytes("z"), -1);
    a.create("/d/late", NONE, OPEN, CreateMode.PERSISTENT);
    t.record("events after change with child watch only", events());
    removeWatches("remove child watch twice", "/d", Watcher.WatcherType.Children);
    t.attempt(
        "addWatch on missing path",
        () -> {
          b.addWatch("/later", AddWatchMode.PERSISTENT);
          return "ok";
        });
    a.create("/later", NONE, OPEN, CreateMode.PERSISTENT);
    a.delete("/later", -1);
    t.record("events persistent watch on missing path", events());
  }

  private void sessionInfo() throws Exception {
    t.attempt("whoAmI a", () -> clients(a.whoAmI()));
    t.attempt("whoAmI b", () -> clients(b.whoAmI()));
    t.attempt(
        "getConfig",
        () -> {
          Stat s = new Stat();
          byte[] config = a.getConfig(false, s);
          return (config == null ? "null" : config.length + " bytes") + " " + stat(s);
        });
    t.attempt("create persistent with ttl", () -> createdTtl("/pt", CreateMode.PERSISTENT, 1000));
    t.attempt(
        "create ttl too large", () -> createdTtl("/big", CreateMode.PERSISTENT_WITH_TTL, 1L << 41));
    t.attempt(
        "multi ttl and container",
        () ->
            results(
                a.multi(
                    List.of(
                        Op.create("/mt", NONE, OPEN, CreateMode.PERSISTENT_WITH_TTL, 5000),
                        Op.create("/mc", NONE, OPEN, CreateMode.CONTAINER)))));
    t.attempt(
        "stat /mt /mc", () -> stat(a.exists("/mt", false)) + " " + stat(a.exists("/mc", false)));
    // Own-session order: the event for b's write reaches b before b's answer to that write.
    a.create("/own", NONE, OPEN, CreateMode.PERSISTENT);
    b.getData("/own", true, null);
    b.setData(
        "/own",
        bytes("x"),
        -1,
        (rc, path, ctx, stat) -> bEvents.add("REPLY setData " + KeeperException.Code.get(rc)),
        null);
    t.record("events own write", events());
    // A one-shot watch and a persistent watch of one client on one path: one event.
    b.addWatch("/own", AddWatchMode.PERSISTENT);
    b.exists("/own", true);
    a.setData("/own", bytes("y"), -1);
    a.delete("/own", -1);
    t.record("events one-shot and persistent on one path", events());
  }

  private void aclValidity() throws Exception {
    a.create("/av", NONE, OPEN, CreateMode.PERSISTENT);
    String[][] ids = {
      {"digest", "alice"},
      {"digest", "alice:hash"},
      {"ip", "127.0.0.0/8"},
      {"ip", "10.0.0.1/99"},
      {"world", "nobody"},
      {"world", "anyone"},
      {"auth", "x"},
      {"auth", null},
      {"super", "x"},
      {"sasl", "x"}
    };
    // Each ACL on a node of its own: an accepted one may lock the script out of the node.
    for (String[] id : ids) {
      String node = a.create("/av-", NONE, OPEN, CreateMode.PERSISTENT_SEQUENTIAL);
      t.attempt(
          "setACL " + id[0] + ":" + id[1],
          () -> {
            a.setACL(node, new ArrayList<>(List.of(new ACL(Perms.ALL, new Id(id[0], id[1])))), -1);
            return acl(a.getACL(node, new Stat()));
          });
    }
    for (int perms : new int[] {0, 32, Perms.READ | Perms.WRITE}) {
      String node = a.create("/av-", NONE, OPEN, CreateMode.PERSISTENT_SEQUENTIAL);
      t.attempt(
          "setACL perms " + perms,
          () -> {
            a.setACL(
                node,
                new ArrayList<>(
                    List.of(
                        new ACL(perms, Ids.ANYONE_ID_UNSAFE),
                        new ACL(Perms.ALL, new Id("auth", "")))),
                -1);
            return acl(a.getACL(node, new Stat()));
          });
    }
    String dup = a.create("/av-", NONE, OPEN, CreateMode.PERSISTENT_SEQUENTIAL);
    t.attempt(
        "setACL duplicates",
        () -> {
          ACL open = new ACL(Perms.ALL, Ids.ANYONE_ID_UNSAFE);
          a.setACL(
              dup,
              new ArrayList<>(List.of(open, open, new ACL(Perms.READ, Ids.ANYONE_ID_UNSAFE))),
              -1);
          return acl(a.getACL(dup, new Stat()));
        });
    t.attempt(
        "setACL read-only for others",
        () ->
            stat(
                a.setACL(
                    "/av",
                    new ArrayList<>(
                        List.of(
                            new ACL(Perms.READ, Ids.ANYONE_ID_UNSAFE),
                            new ACL(Perms.ALL, new Id("auth", "")))),
                    -1)));
    t.attempt("getACL without admin", () -> acl(b.getACL("/av", new Stat())));
    t.attempt(
        "setACL write-only for others",
        () ->
            stat(
                a.setACL(
                    "/av",
                    new ArrayList<>(
                        List.of(
                            new ACL(Perms.WRITE, Ids.ANYONE_ID_UNSAFE),
                            new ACL(Perms.ALL, new Id("auth", "")))),
                    -1)));
    t.attempt("getACL without read or admin", () -> acl(b.getACL("/av", new Stat())));
    t.attempt("exists without read", () -> stat(b.exists("/av", false)));
    t.attempt("getChildren without read", () -> b.getChildren("/av", false));
    t.attempt("setData with write only", () -> stat(b.setData("/av", bytes("w"), -1)));
    t.attempt(
        "delete child needs parent delete",
        () -> {
          b.delete("/av", -1);
          return "ok";
        });
  }

  private static String clients(List<ClientInfo> infos) {
    List<String> out = new ArrayList<>();
    for (ClientInfo info : infos) {
      out.add(info.getAuthScheme() + ":" + info.getUser());
    }
    return sorted(out).toString();
  }

  /** The events session b received, in order, up to the answer to a sync it sends now. */
  private String events() throws InterruptedException {
    CountDownLatch synced = new CountDownLatch(1);
    // The server answers the sync after any event it queued for b before it: the client delivers
    // events and callbacks on one thread in arrival order, so the marker closes the batch.
    b.sync(
        "/",
        (rc, path, ctx) -> {
          bEvents.add("SYNC");
          synced.countDown();
        },
        null);
    if (!synced.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("sync unanswered");
    }
    List<String> batch = new ArrayList<>();
    for (String e = bEvents.poll(10, TimeUnit.SECONDS);
        !"SYNC".equals(e);
        e = bEvents.poll(10, TimeUnit.SECONDS)) {
      if (e == null) {
        throw new IllegalStateException("sync marker missing after " + batch);
      }
      batch.add(e);
    }
    return batch.toString();
  }

  private static ZooKeeper connect(String connectString, BlockingQueue<String> events)
      throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk =
        new ZooKeeper(
            connectString,
            10_000,
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected
                  && e.getType() == Watcher.Event.EventType.None) {
                connected.countDown();
              } else if (events != null && e.getType() != Watcher.Event.EventType.None) {
                events.add(e.getType() + " " + e.getPath());
              }
            });
    if (!connected.await(10, TimeUnit.SECONDS)) {
      zk.close();
      throw new IllegalStateException("client did not connect to " + connectString);
    }
    return zk;
  }

  private String created(ZooKeeper zk, String path, String data, CreateMode mode) throws Exception {
    return created(zk, path, data, mode, OPEN);
  }

  private String created(ZooKeeper zk, String path, String data, CreateMode mode, List<ACL> acl)
      throws Exception {
    Stat s = new Stat();
    String name = zk.create(path, bytes(data), acl, mode, s);
    return name + " " + stat(s);
  }

  private String createdTtl(String path, CreateMode mode, long ttl) throws Exception {
    Stat s = new Stat();
    return a.create(path, NONE, OPEN, mode, s, ttl) + " " + stat(s);
  }

  private String del(String path, int version) throws Exception {
    a.delete(path, version);
    return "ok";
  }

  private String data(ZooKeeper zk, String path) throws Exception {
    return data(zk, path, false);
  }

  private String data(ZooKeeper zk, String path, boolean watch) throws Exception {
    Stat s = new Stat();
    byte[] d = zk.getData(path, watch, s);
    return (d == null ? "null" : "'" + new String(d, StandardCharsets.UTF_8) + "'") + " " + stat(s);
  }

  private static String sync(ZooKeeper zk, String path) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    String[] result = new String[1];
    zk.sync(
        path,
        (rc, p, ctx) -> {
          result[0] = KeeperException.Code.get(rc) + " " + p;
          done.countDown();
        },
        null);
    done.await(10, TimeUnit.SECONDS);
    return result[0];
  }

  /**
   * A stat without its absolute zxids and times: versions, sizes, the owner (the name of the
   * session, a, b or c; containers and TTL nodes keep their raw marker value), and how the zxids
   * relate.
   */
  private String stat(Stat s) {
    if (s == null) {
      return "null";
    }
    long o = s.getEphemeralOwner();
    String owner =
        o == 0
            ? "0"
            : o == sessions[0]
                ? "a"
                : o == sessions[1] ? "b" : o == sessions[2] ? "c" : Long.toHexString(o);
    return "{v="
        + s.getVersion()
        + " cv="
        + s.getCversion()
        + " av="
        + s.getAversion()
        + " len="
        + s.getDataLength()
        + " kids="
        + s.getNumChildren()
        + " owner="
        + owner
        + " mzxid"
        + relation(s.getMzxid(), s.getCzxid())
        + "czxid pzxid"
        + relation(s.getPzxid(), s.getCzxid())
        + "czxid}";
  }

  private static String relation(long x, long y) {
    return x == y ? "=" : x > y ? ">" : "<";
  }

  private String results(List<OpResult> results) {
    List<String> out = new ArrayList<>();
    for (OpResult r : results) {
      out.add(
          switch (r) {
            case OpResult.CreateResult c -> "create " + c.getPath() + " " + stat(c.getStat());
            case OpResult.SetDataResult sd -> "set " + stat(sd.getStat());
            case OpResult.DeleteResult d -> "delete";
            case OpResult.CheckResult ch -> "check";
            case OpResult.GetDataResult gd ->
                "data '"
                    + new String(gd.getData(), StandardCharsets.UTF_8)
                    + "' "
                    + stat(gd.getStat());
            case OpResult.GetChildrenResult gc -> "children " + sorted(gc.getChildren());
            case OpResult.ErrorResult er -> "error " + KeeperException.Code.get(er.getErr());
            default -> r.getClass().getSimpleName() + " type " + r.getType();
          });
    }
    return out.toString();
  }

  private static String acl(List<ACL> acls) {
    List<String> out = new ArrayList<>();
    for (ACL acl : acls) {
      out.add(acl.getPerms() + ":" + acl.getId().getScheme() + ":" + acl.getId().getId());
    }
    return out.toString();
  }

  private static List<String> sorted(List<String> names) {
    List<String> copy = new ArrayList<>(names);
    copy.sort(null);
    return copy;
  }

  /** Null stays null: a create without data, which getData then answers as null. */
  private static byte[] bytes(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  /** Session b removes its watches of one type on a path; the step records "ok" or the error. */
  private void removeWatches(String step, String path, Watcher.WatcherType type) {
    t.attempt(
        step,
        () -> {
          b.removeAllWatches(path, type, false);
          return "ok";
        });
  }
}
