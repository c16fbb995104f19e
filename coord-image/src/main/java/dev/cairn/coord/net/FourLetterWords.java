package dev.cairn.coord.net;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.cairn.coord.CoordinatorConfig;
import dev.cairn.coord.Version;
import dev.cairn.coord.quorum.QuorumPeer;
import dev.cairn.coord.quorum.ServerState;
import dev.cairn.coord.server.ServerStats;
import dev.cairn.coord.tree.DataTree;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * ZooKeeper's four-letter words, sent as a connection's first four bytes and answered in plain text
 * before the connection is closed. Only words in {@code 4lw.commands.whitelist} run (ZooKeeper's
 * default whitelist is {@code srvr}); others get ZooKeeper's refusal line. Output formats and the
 * {@code mntr} keys follow ZooKeeper so existing probes and scrapers keep working.
 */
final class FourLetterWords {
  private static final Map<String, Function<ServerContext, String>> WORDS = new TreeMap<>();

  static {
    WORDS.put("ruok", s -> "imok");
    WORDS.put("srvr", FourLetterWords::srvr);
    WORDS.put("stat", FourLetterWords::stat);
    WORDS.put("mntr", FourLetterWords::mntr);
    WORDS.put("conf", FourLetterWords::conf);
    WORDS.put("cons", FourLetterWords::cons);
    WORDS.put("envi", FourLetterWords::envi);
    WORDS.put("isro", s -> "rw");
    WORDS.put("wchs", FourLetterWords::wchs);
  }

  /** Words about the served tree and clients: an ensemble member not serving has none to give. */
  private static final Set<String> NEED_SERVING = Set.of("srvr", "stat", "mntr", "cons", "wchs");

  private static final String NOT_SERVING =
      "This ZooKeeper instance is not currently serving requests\n";

  /** The system properties {@code envi} lists, in ZooKeeper's order. */
  private static final List<String> ENVIRONMENT =
      List.of(
          "java.version",
          "java.vendor",
          "java.home",
          "java.class.path",
          "java.library.path",
          "java.io.tmpdir",
          "java.compiler",
          "os.name",
          "os.arch",
          "os.version",
          "user.name",
          "user.home",
          "user.dir");

  private FourLetterWords() {}

  /** The word whose four ASCII bytes read as {@code length}, or null. */
  static String word(int length) {
    byte[] b = {
      (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length
    };
    String w = new String(b, StandardCharsets.ISO_8859_1);
    return WORDS.containsKey(w) ? w : null;
  }

  static void answer(ChannelHandlerContext ctx, String word, ServerContext server) {
    Set<String> allowed = server.config().fourLetterWords();
    String text;
    if (!allowed.contains("*") && !allowed.contains(word)) {
      text = word + " is not executed because it is not in the whitelist.\n";
    } else if (server.mode() == null && NEED_SERVING.contains(word)) {
      text = NOT_SERVING;
    } else {
      text = WORDS.get(word).apply(server);
    }
    ctx.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private static String srvr(ServerContext s) {
    DataTree tree = s.tree();
    return "Zookeeper version: "
        + Version.ZOOKEEPER_COMPATIBLE
        + ", built on "
        + Version.BUILT
        + "\n"
        + "Latency min/avg/max: "
        + s.stats().minLatency()
        + "/"
        + s.stats().avgLatency()
        + "/"
        + s.stats().maxLatency()
        + "\n"
        + "Received: "
        + s.stats().packetsReceived()
        + "\n"
        + "Sent: "
        + s.stats().packetsSent()
        + "\n"
        + "Connections: "
        + s.connections().count()
        + "\n"
        + "Outstanding: "
        + s.outstanding().getAsInt()
        + "\n"
        + "Zxid: 0x"
        + Long.toHexString(tree.lastProcessedZxid())
        + "\n"
        + "Mode: "
        + s.mode()
        + "\n"
        + "Node count: "
        + tree.nodeCount()
        + "\n";
  }

  private static String stat(ServerContext s) {
    StringBuilder b = new StringBuilder();
    String srvr = srvr(s);
    int firstLine = srvr.indexOf('\n') + 1;
    b.append(srvr, 0, firstLine).append("Clients:\n");
    for (ClientConnection c : s.connections().all()) {
      b.append(c.describe()).append('\n');
    }
    b.append('\n').append(srvr.substring(firstLine));
    return b.toString();
  }

  private static String cons(ServerContext s) {
    StringBuilder b = new StringBuilder();
    for (ClientConnection c : s.connections().all()) {
      b.append(c.describe()).append('\n');
    }
    return b.append('\n').toString();
  }

  /**
   * ZooKeeper 3.9's standalone {@code mntr} gauges, each computed from this server. Values that
   * have no source here are what ZooKeeper itself shows without the feature: no connection is ever
   * dropped on purpose, there is no TLS (so no handshakes and no TLS auth failures), and no local
   * sessions.
   */
  private static String mntr(ServerContext s) {
    DataTree tree = s.tree();
    ServerStats stats = s.stats();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("zk_version", Version.ZOOKEEPER_COMPATIBLE + ", built on " + Version.BUILT);
    m.put("zk_server_state", s.mode());
    m.put("zk_avg_latency", stats.avgLatency());
    m.put("zk_max_latency", stats.maxLatency());
    m.put("zk_min_latency", stats.minLatency());
    m.put("zk_packets_received", stats.packetsReceived());
    m.put("zk_packets_sent", stats.packetsSent());
    m.put("zk_num_alive_connections", s.connections().count());
    m.put("zk_outstanding_requests", s.outstanding().getAsInt());
    m.put("zk_uptime", stats.uptimeMillis());
    m.put("zk_znode_count", tree.nodeCount());
    m.put("zk_watch_count", tree.watches().watchCount());
    m.put("zk_ephemerals_count", tree.ephemeralCount());
    m.put("zk_approximate_data_size", tree.approximateDataSize());
    m.put("zk_global_sessions", s.sessions().sessions().size());
    m.put("zk_local_sessions", 0);
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof UnixOperatingSystemMXBean unix) {
      m.put("zk_open_file_descriptor_count", unix.getOpenFileDescriptorCount());
      m.put("zk_max_file_descriptor_count", unix.getMaxFileDescriptorCount());
    }
    m.put("zk_connection_drop_probability", 0.0);
    m.put("zk_last_client_response_size", stats.lastResponseSize());
    m.put("zk_max_client_response_size", stats.maxResponseSize());
    m.put("zk_min_client_response_size", stats.minResponseSize());
    m.put("zk_outstanding_tls_handshake", 0);
    m.put("zk_auth_failed_count", 0);
    m.put("zk_non_mtls_remote_conn_count", stats.remoteConnections());
    m.put("zk_non_mtls_local_conn_count", stats.localConnections());
    QuorumPeer.Status quorum = s.quorum() == null ? null : s.quorum().get();
    if (quorum != null && quorum.state() == ServerState.LEADING) {
      // 3.9 says zk_learners; scrapers written for 3.4/3.5 read zk_followers.
      m.put("zk_learners", quorum.followers());
      m.put("zk_followers", quorum.followers());
      m.put("zk_synced_followers", quorum.syncedFollowers());
      m.put("zk_pending_syncs", 0);
    }
    StringBuilder b = new StringBuilder();
    m.forEach((k, v) -> b.append(k).append('\t').append(v).append('\n'));
    return b.toString();
  }

  /** ZooKeeper 3.9's standalone {@code conf}, in its order, plus the client address. */
  private static String conf(ServerContext s) {
    CoordinatorConfig c = s.config();
    StringBuilder b = new StringBuilder();
    b.append("clientPort=").append(c.clientPort()).append('\n');
    b.append("clientPortAddress=").append(c.clientPortAddress()).append('\n');
    b.append("secureClientPort=-1\n"); // no TLS listener, as ZooKeeper prints without one
    b.append("dataDir=").append(c.dataDir().toAbsolutePath()).append('\n');
    b.append("dataDirSize=").append(DirectorySize.of(c.dataDir())).append('\n');
    b.append("dataLogDir=").append(c.dataLogDir().toAbsolutePath()).append('\n');
    b.append("dataLogSize=").append(DirectorySize.of(c.dataLogDir())).append('\n');
    b.append("tickTime=").append(c.tickTime()).append('\n');
    b.append("maxClientCnxns=").append(c.maxClientCnxns()).append('\n');
    b.append("minSessionTimeout=").append(c.minSessionTimeout()).append('\n');
    b.append("maxSessionTimeout=").append(c.maxSessionTimeout()).append('\n');
    b.append("clientPortListenBacklog=-1\n");
    b.append("serverId=0\n");
    return b.toString();
  }

  /** ZooKeeper 3.9's {@code envi}: the same properties in the same order. */
  private static String envi(ServerContext s) {
    StringBuilder b = new StringBuilder("Environment:\n");
    b.append("zookeeper.version=")
        .append(Version.ZOOKEEPER_COMPATIBLE)
        .append(", built on ")
        .append(Version.BUILT)
        .append('\n');
    String host;
    try {
      host = InetAddress.getLocalHost().getCanonicalHostName();
    } catch (UnknownHostException e) {
      host = "<NA>";
    }
    b.append("host.name=").append(host).append('\n');
    for (String key : ENVIRONMENT) {
      b.append(key).append('=').append(System.getProperty(key, "<NA>")).append('\n');
    }
    Runtime rt = Runtime.getRuntime();
    long mb = 1024 * 1024;
    b.append("os.memory.free=").append(rt.freeMemory() / mb).append("MB\n");
    b.append("os.memory.max=").append(rt.maxMemory() / mb).append("MB\n");
    b.append("os.memory.total=").append(rt.totalMemory() / mb).append("MB\n");
    return b.toString();
  }

  private static String wchs(ServerContext s) {
    var w = s.tree().watches();
    return w.watcherCount()
        + " connections watching "
        + w.pathCount()
        + " paths\nTotal watches:"
        + w.watchCount()
        + "\n";
  }
}
