package dev.cairn.cache.replication;

import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.propagation.EffectEncoder;
import dev.cairn.cache.propagation.Propagation;
import dev.cairn.cache.rdb.RdbSnapshotFormat;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;
import dev.cairn.cache.server.Server;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis replication (PSYNC2), both roles of one server.
 *
 * <p><b>Primary.</b> Once a replica attaches, every effect {@link Propagation} emits is encoded as
 * the replication stream (SELECT on database change, MULTI/EXEC around units) into the {@link
 * Backlog} and to each replica. PSYNC with this server's replication id (or the previous one, up to
 * {@code second_repl_offset}, after a promotion) and an offset the backlog still holds continues
 * ({@code +CONTINUE}); anything else gets {@code +FULLRESYNC <replid> <offset>}, a point-in-time
 * snapshot ({@link FullSync}) and then the stream from that offset. Replicas acknowledge their
 * offset (REPLCONF ACK), which WAIT counts; the primary PINGs them every {@code
 * repl-ping-replica-period} seconds through the stream.
 *
 * <p><b>Replica.</b> {@link MasterLink} connects to the primary and applies what it sends; the
 * stream is fed verbatim to this server's own backlog and replicas (so offsets match the primary's
 * and a promoted replica can continue its peers), while the commands' effects go to the local AOF
 * only. The replication id and offset of the last primary are kept across a disconnect, so the
 * reconnect is a partial resync when the primary's backlog allows. REPLICAOF NO ONE keeps the data
 * and starts a new history, remembering the old id as replid2 (PSYNC2 after a failover).
 *
 * <p>Keyspace thread only.
 */
public final class Replication implements Propagation.Listener {
  private static final Logger log = LoggerFactory.getLogger(Replication.class);
  private static final String NO_ID = "0".repeat(40);
  private static final byte[] PING = Propagation.bytes("*1\r\n$4\r\nPING\r\n");
  private static final byte[] GETACK =
      Propagation.bytes("*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n");

  private final Server server;
  private EventLoop loop;
  private String replid = newId();
  private String replid2 = NO_ID;
  private long secondOffset = -1;

  /** The offset while there is no backlog (before the first replica; writes do not count). */
  private long offsetWithoutBacklog;

  private Backlog backlog;
  private final EffectEncoder encoder = new EffectEncoder();
  private final Scratch scratch = new Scratch();
  final List<ReplicaLink> replicas = new ArrayList<>();
  private FullSync syncing;
  private boolean flushScheduled;
  private final Waits waits = new Waits();
  private boolean getackPending;
  private MasterLink master;

  /** Whether the replication id and offset are a primary's history this one may continue. */
  private boolean hasHistory = true;

  private long backlogSize;
  private int pingPeriod;
  private int timeoutSeconds;
  private boolean readOnly;
  private boolean serveStale;
  private boolean diskless;
  private int minReplicasToWrite;
  private int minReplicasMaxLag;
  private int cronTicks;
  private long syncFull;
  private long syncPartialOk;
  private long syncPartialErr;

  /** The port this server's clients connect to, which it announces to its primary. */
  int listeningPort;

  public Replication(Server server) {
    this.server = server;
    server.persistence.extraAux(this::rdbAux);
  }

  /**
   * What Redis's rdbPopulateSaveInfo writes: the history a save continues and the database the
   * stream had selected, while there is a history (a backlog).
   */
  private Map<String, String> rdbAux() {
    if (backlog == null || !hasHistory) {
      return Map.of();
    }
    int db = master != null ? master.streamDb() : -1;
    return Map.of(
        "repl-stream-db",
        Integer.toString(db),
        "repl-id",
        replid,
        "repl-offset",
        Long.toString(offset()));
  }

  private static String newId() {
    byte[] id = new byte[20];
    new SecureRandom().nextBytes(id);
    return HexFormat.of().formatHex(id);
  }

  public void configure(CacheConfig config) {
    backlogSize = config.get(CacheConfig.REPL_BACKLOG_SIZE);
    pingPeriod = config.get(CacheConfig.REPL_PING_REPLICA_PERIOD);
    timeoutSeconds = config.get(CacheConfig.REPL_TIMEOUT);
    readOnly = config.get(CacheConfig.REPLICA_READ_ONLY);
    serveStale = config.get(CacheConfig.REPLICA_SERVE_STALE_DATA);
    diskless = config.get(CacheConfig.REPL_DISKLESS_SYNC);
    minReplicasToWrite = config.get(CacheConfig.MIN_REPLICAS_TO_WRITE);
    minReplicasMaxLag = config.get(CacheConfig.MIN_REPLICAS_MAX_LAG);
    if (backlog != null) {
      backlog.resize(backlogSize);
    }
  }

  /**
   * Starts the replication crons on the keyspace thread; with {@code replicaof} set, this server
   * starts as a replica with no history of its own (PSYNC ? -1).
   */
  public void attach(EventLoop loop, int listeningPort) {
    this.loop = loop;
    this.listeningPort = listeningPort;
    loop.scheduleAtFixedRate(this::cron, 100, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
    String replicaOf = server.config().get(CacheConfig.REPLICAOF);
    if (!replicaOf.isEmpty()) {
      String[] hp = replicaOf.split(" ");
      Map<String, String> aux = server.persistence.loadedAux();
      hasHistory = aux.containsKey("repl-id") && aux.containsKey("repl-offset");
      int streamDb = 0;
      if (hasHistory) {
        // the file holds the dataset at that point of the history: continue from there
        replid = aux.get("repl-id");
        offsetWithoutBacklog = Long.parseLong(aux.get("repl-offset"));
        streamDb = Math.max(0, Integer.parseInt(aux.getOrDefault("repl-stream-db", "0")));
        log.info(
            "cache replica restarts at replid {} offset {} from its RDB file",
            replid,
            offsetWithoutBacklog);
      }
      follow(hp[0], Integer.parseInt(hp[1]));
      master.selectStreamDb(streamDb);
    }
  }

  public String replid() {
    return replid;
  }

  /** master_repl_offset: the last byte of the replication stream this server has. */
  /** Bytes the replication backlog holds (INFO mem_replication_backlog), 0 before any replica. */
  public long backlogBytes() {
    return backlog == null ? 0 : backlog.histlen();
  }

  public long offset() {
    return backlog == null ? offsetWithoutBacklog : backlog.offset();
  }

  /** Replicas attached to this server (INFO connected_slaves). */
  public int connectedReplicas() {
    return replicas.size();
  }

  public boolean isReplica() {
    return master != null;
  }

  /** Writes from clients are refused: a read-only replica (the primary's stream bypasses this). */
  public boolean refusesWrites() {
    return master != null && readOnly;
  }

  /**
   * Whether min-replicas-to-write refuses writes now (Redis's checkGoodReplicasStatus): on a
   * primary with both min-replicas settings non-zero, fewer good replicas than required.
   */
  public boolean tooFewGoodReplicas() {
    return master == null
        && minReplicasToWrite > 0
        && minReplicasMaxLag > 0
        && goodReplicas(System.currentTimeMillis()) < minReplicasToWrite;
  }

  /**
   * Online replicas whose last ACK is at most min-replicas-max-lag seconds old. Redis recounts once
   * a second in its cron; counting at each check refuses and accepts writes as soon as the rule
   * says so, never on a count up to a second old.
   */
  private int goodReplicas(long now) {
    int good = 0;
    for (ReplicaLink r : replicas) {
      if (r.state == ReplicaLink.State.ONLINE && r.lagSeconds(now) <= minReplicasMaxLag) {
        good++;
      }
    }
    return good;
  }

  /**
   * A replica whose link to its primary is down (or not synchronised yet) with {@code
   * replica-serve-stale-data no}: only {@link StaleCommands} are served.
   */
  public boolean stale() {
    return master != null && !master.connected() && !serveStale;
  }

  // ---- primary: the stream ----

  @Override
  public void propagate(int db, byte[][] argv) {
    if (master != null) {
      return; // a replica's stream is its primary's, fed verbatim (a writable replica's writes stay
      // local)
    }
    scratch.reset();
    encoder.encode(scratch, db, argv);
    feed(scratch.array(), 0, scratch.size());
  }

  void feed(byte[] bytes) {
    feed(bytes, 0, bytes.length);
  }

  /** Appends stream bytes to the backlog and sends them to every replica (copies them). */
  void feed(byte[] bytes, int off, int len) {
    if (backlog == null) {
      return;
    }
    backlog.append(bytes, off, len);
    for (ReplicaLink r : replicas) {
      r.send(bytes, off, len);
    }
    if (!flushScheduled && !replicas.isEmpty()) {
      flushScheduled = true;
      loop.execute(this::flushReplicas);
    }
  }

  private void flushReplicas() {
    flushScheduled = false;
    for (ReplicaLink r : replicas) {
      if (r.state == ReplicaLink.State.ONLINE) {
        r.flush();
      }
    }
  }

  private void createBacklog() {
    if (backlog == null) {
      backlog = new Backlog(backlogSize, offsetWithoutBacklog);
      server.propagation.addListener(this);
    }
  }

  // ---- primary: replicas attaching ----

  /** What REPLCONF told about a connection before its PSYNC. */
  record Announced(int listeningPort, boolean capaEof, boolean capaPsync2) {
    static final Announced NOTHING = new Announced(0, false, false);

    Announced withPort(int port) {
      return new Announced(port, capaEof, capaPsync2);
    }

    Announced withCapa(String capa) {
      return new Announced(
          listeningPort, capaEof || capa.equals("eof"), capaPsync2 || capa.equals("psync2"));
    }
  }

  private final Map<Client, Announced> announced = new HashMap<>();

  Announced announced(Client c) {
    return announced.getOrDefault(c, Announced.NOTHING);
  }

  void announce(Client c, Announced a) {
    announced.put(c, a);
  }

  /**
   * PSYNC (or SYNC, {@code requestedId} null): continues from the backlog when possible, otherwise
   * starts a full resync. The connection becomes a replica link either way.
   */
  void psync(Client c, String requestedId, long from, Announced announced) {
    if (master != null && !master.connected()) {
      throw new CommandError("NOMASTERLINK Can't SYNC while not connected with my master");
    }
    if (linkOf(c) != null) {
      return; // Redis ignores SYNC/PSYNC from a connection that is already a replica
    }
    ReplicaLink link =
        new ReplicaLink(c, announced.listeningPort(), announced.capaEof(), announced.capaPsync2());
    // replies already queued on this connection go out before the stream
    var queued = c.reply.take();
    if (queued != null) {
      link.channel.write(queued, link.channel.voidPromise());
    }
    boolean idMatches =
        replid.equals(requestedId) || (replid2.equals(requestedId) && from <= secondOffset);
    if (requestedId != null && idMatches && backlog != null && backlog.covers(from)) {
      String reply = link.capaPsync2 ? "+CONTINUE " + replid + "\r\n" : "+CONTINUE\r\n";
      byte[] line = reply.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      link.write(line, 0, line.length);
      byte[] tail = backlog.from(from);
      link.write(tail, 0, tail.length);
      replicas.add(link);
      link.online();
      syncPartialOk++;
      log.info(
          "cache replica {}:{} partial resynchronization accepted, sending {} bytes of backlog"
              + " from offset {}",
          link.ip(),
          link.listeningPort,
          tail.length,
          from);
      return;
    }
    if (replicas.isEmpty() && backlog == null) {
      // the first replica of this history: a fresh id, as createReplicationBacklog's caller
      replid = newId();
      replid2 = NO_ID;
      secondOffset = -1;
    }
    createBacklog();
    syncFull++;
    if (requestedId != null && !requestedId.equals("?")) {
      syncPartialErr++; // it asked to continue a history this server cannot continue
    }
    link.state = ReplicaLink.State.WAIT_BGSAVE;
    replicas.add(link);
    log.info(
        "cache replica {}:{} asks for {} {} {}: full resync",
        link.ip(),
        link.listeningPort,
        requestedId == null ? "SYNC" : "PSYNC",
        requestedId,
        from);
    startWaitingSync(requestedId != null);
  }

  private void startWaitingSync(boolean psync) {
    if (syncing != null || server.keyspace.snapshotRunning()) {
      return; // one snapshot at a time; the cron retries
    }
    for (ReplicaLink link : replicas) {
      if (link.state == ReplicaLink.State.WAIT_BGSAVE) {
        startFullSync(link, psync || link.capaPsync2);
        return;
      }
    }
  }

  private void startFullSync(ReplicaLink link, boolean psync) {
    if (psync) {
      byte[] line =
          ("+FULLRESYNC " + replid + " " + offset() + "\r\n")
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      link.write(line, 0, line.length);
    }
    // the stream after the snapshot starts with a SELECT, whatever was selected before
    encoder.reset();
    link.startBuffering();
    var format =
        new RdbSnapshotFormat(
            server.keyspace,
            server.config().get(CacheConfig.RDBCOMPRESSION),
            true,
            RdbSnapshotFormat.aux(
                dev.cairn.cache.server.ConnectionCommands.REDIS_VERSION,
                server.keyspace.usedMemory(),
                System.currentTimeMillis(),
                false),
            server.persistence.functions().codes());
    try {
      syncing =
          new FullSync(
              link, server.keyspace, format, link.capaEof && diskless, loop, this::fullSyncDone);
    } catch (IOException e) {
      log.warn("cache replica {} full sync could not start: {}", link.ip(), e.toString());
      link.client.close();
      return;
    }
    log.info(
        "cache replica {}:{} full sync started at offset {} ({})",
        link.ip(),
        link.listeningPort,
        offset(),
        link.capaEof && diskless ? "diskless, EOF-marked stream" : "length-prefixed payload");
    syncing.start();
  }

  private void fullSyncDone(FullSync s) {
    syncing = null;
    if (s.link().channel.isActive()) {
      log.info(
          "cache replica {}:{} synchronized: {} keys in {} ms ({})",
          s.link().ip(),
          s.link().listeningPort,
          s.keys(),
          s.millis(),
          s.stats());
    }
    startWaitingSync(true);
  }

  private ReplicaLink linkOf(Client c) {
    for (ReplicaLink r : replicas) {
      if (r.client == c) {
        return r;
      }
    }
    return null;
  }

  /** Whether this connection is a replica that asked for the stream (CLIENT LIST/KILL TYPE). */
  public boolean isReplica(Client c) {
    return linkOf(c) != null;
  }

  /** CLIENT KILL TYPE master: whether there was a live connection to the primary to drop. */
  public boolean dropPrimaryConnection() {
    return master != null && master.drop();
  }

  /** A connection closed: if it was a replica, it is detached. */
  public void disconnected(Client c) {
    announced.remove(c);
    ReplicaLink link = linkOf(c);
    if (link == null) {
      return;
    }
    replicas.remove(link);
    link.discard();
    if (syncing != null && syncing.link() == link) {
      syncing.abandon();
      syncing = null;
      startWaitingSync(true);
    }
    log.info(
        "cache replica {}:{} disconnected ({}), offset {}",
        link.ip(),
        link.listeningPort,
        link.state.info,
        link.ackOffset);
    waits.check(this);
  }

  /** REPLCONF ACK from a replica. */
  void ack(Client c, long ackOffset) {
    ReplicaLink link = linkOf(c);
    if (link == null) {
      return;
    }
    if (link.onlineOnAck) {
      link.onlineOnAck = false;
      link.online();
    }
    link.ackOffset = Math.max(link.ackOffset, ackOffset);
    link.lastAckMillis = System.currentTimeMillis();
    waits.check(this);
  }

  /** Replicas that acknowledged at least {@code offset}. */
  int acknowledged(long offset) {
    int n = 0;
    for (ReplicaLink r : replicas) {
      if (r.state == ReplicaLink.State.ONLINE && r.ackOffset >= offset) {
        n++;
      }
    }
    return n;
  }

  // ---- WAIT ----

  void waitFor(Client c, long numReplicas, long timeoutMillis) {
    if (master != null) {
      throw new CommandError(
          "ERR WAIT cannot be used with replica instances. Please also note"
              + " that since Redis 4.0 if a replica is configured to be writable (which is not the"
              + " default) writes to replicas are just local and are not propagated.");
    }
    long target = c.writeOffset;
    int acked = acknowledged(target);
    if (acked >= numReplicas || c.inMulti() || server.transactions.executing()) {
      c.reply.integer(acked);
      return;
    }
    waits.add(c, target, numReplicas, timeoutMillis);
    getackPending = true;
    if (!flushScheduled) {
      flushScheduled = true;
      loop.execute(this::flushReplicas);
    }
    loop.execute(this::sendGetack);
  }

  private void sendGetack() {
    if (getackPending) {
      getackPending = false;
      feed(GETACK);
    }
  }

  // ---- replica side ----

  /** REPLICAOF host port: follows that primary (the data is replaced at the first full sync). */
  void follow(String host, int port) {
    if (master != null) {
      master.close();
    } else {
      // what attached to this primary must resync against the new history
      for (ReplicaLink r : List.copyOf(replicas)) {
        r.client.close();
      }
      waits.releaseAll(this);
    }
    if (syncing != null) {
      syncing.abandon();
      syncing = null;
    }
    server.keyspace.replica = true;
    master = new MasterLink(this, server, host, port, loop);
    log.info("cache becomes a replica of {}:{}", host, port);
    master.connect();
  }

  /** The address REPLICAOF named, or null. */
  MasterLink master() {
    return master;
  }

  /** REPLICAOF NO ONE: keeps the data, starts a new history (the old id stays valid as replid2). */
  void promote() {
    if (master == null) {
      return;
    }
    master.close();
    log.info(
        "cache stops replicating from {}:{} and becomes a primary, keeping its {} keys",
        master.host,
        master.port,
        server.keyspace.keys());
    master = null;
    server.keyspace.replica = false;
    if (hasHistory) {
      replid2 = replid;
      secondOffset = offset() + 1;
    }
    replid = newId();
    createBacklog();
    hasHistory = true;
  }

  /** The PSYNC arguments: the history to continue, or "?" and -1. */
  String[] psyncArgs() {
    return hasHistory
        ? new String[] {replid, Long.toString(offset() + 1)}
        : new String[] {"?", "-1"};
  }

  /** A full resync from the primary: its history replaces this server's. */
  void fullSyncStarting(String id, long primaryOffset) {
    replid = id;
    replid2 = NO_ID;
    secondOffset = -1;
    hasHistory = false; // until the payload is loaded
    offsetWithoutBacklog = primaryOffset;
    backlog = null;
    server.propagation.removeListener(this);
    for (ReplicaLink r : List.copyOf(replicas)) {
      r.client.close(); // sub-replicas must resync against the new dataset
    }
  }

  /** The primary's snapshot, received into {@code rdb}: replaces the dataset. */
  void loadSnapshot(Path rdb, long bytes, long transferMillis) throws IOException {
    long start = System.nanoTime();
    var ks = server.keyspace;
    ks.flushAll();
    server.transactions.touchAll(-1);
    var r = dev.cairn.cache.rdb.RdbLoader.load(rdb, ks, server.encodings);
    createBacklog();
    hasHistory = true;
    log.info(
        "cache replica loaded the primary's snapshot: {} keys, replid {} offset {} ({} MB"
            + " received in {} ms, loaded in {} ms)",
        r.keys(),
        replid,
        offset(),
        String.format("%.1f", bytes / 1e6),
        transferMillis,
        (System.nanoTime() - start) / 1_000_000);
    if (server.aof.enabled() && !server.aof.rewriteInProgress()) {
      server.aof.bgrewriteaof(false); // the AOF must describe the new dataset
    }
  }

  /** +CONTINUE [newid]: the primary kept our history; a new id means it was promoted meanwhile. */
  void continued(String newId) {
    if (newId != null && !newId.equals(replid)) {
      replid2 = replid;
      secondOffset = offset() + 1;
      replid = newId;
    }
    createBacklog();
  }

  // ---- cron ----

  private void cron() {
    cronTicks++;
    long now = System.currentTimeMillis();
    long limit = server.config().outputHardLimit("slave");
    for (ReplicaLink r : List.copyOf(replicas)) {
      if (limit > 0 && r.pendingBytes() > limit) {
        log.warn(
            "cache replica {}:{} disconnected: {} bytes of output waiting, over the slave"
                + " client-output-buffer-limit",
            r.ip(),
            r.listeningPort,
            r.pendingBytes());
        r.client.close();
      }
    }
    waits.expire(this, now);
    if (syncing == null) {
      startWaitingSync(true);
    }
    if (cronTicks % 10 != 0) {
      return;
    }
    int seconds = cronTicks / 10;
    if (master != null) {
      master.everySecond(timeoutSeconds);
    }
    if (master == null && !replicas.isEmpty() && seconds % pingPeriod == 0) {
      feed(PING);
    }
    for (ReplicaLink r : List.copyOf(replicas)) {
      if (r.state == ReplicaLink.State.ONLINE && r.lagSeconds(now) > timeoutSeconds) {
        log.warn(
            "cache replica {}:{} timed out: no ACK for {} s",
            r.ip(),
            r.listeningPort,
            timeoutSeconds);
        r.client.close();
      }
    }
  }

  // ---- ROLE and INFO ----

  void role(Client c) {
    if (master != null) {
      c.reply.array(5);
      c.reply.bulk("slave");
      c.reply.bulk(master.host);
      c.reply.integer(master.port);
      c.reply.bulk(master.roleState());
      c.reply.integer(master.connected() ? offset() : -1);
      return;
    }
    c.reply.array(3);
    c.reply.bulk("master");
    c.reply.integer(offset());
    List<ReplicaLink> online = new ArrayList<>();
    for (ReplicaLink r : replicas) {
      if (r.state == ReplicaLink.State.ONLINE) {
        online.add(r);
      }
    }
    c.reply.array(online.size());
    for (ReplicaLink r : online) {
      c.reply.array(3);
      c.reply.bulk(r.ip());
      c.reply.bulk(Integer.toString(r.listeningPort));
      c.reply.bulk(Long.toString(r.ackOffset));
    }
  }

  /** The INFO replication section. */
  public void info(StringBuilder sb) {
    long now = System.currentTimeMillis();
    if (master != null) {
      field(sb, "role", "slave");
      field(sb, "master_host", master.host);
      field(sb, "master_port", master.port);
      field(sb, "master_link_status", master.connected() ? "up" : "down");
      field(sb, "master_last_io_seconds_ago", master.lastIoSecondsAgo(now));
      field(sb, "master_sync_in_progress", master.syncing() ? 1 : 0);
      field(sb, "slave_read_repl_offset", offset());
      field(sb, "slave_repl_offset", offset());
      if (master.syncing()) {
        field(sb, "master_sync_total_bytes", master.syncTotalBytes());
        field(sb, "master_sync_read_bytes", master.syncReadBytes());
        field(sb, "master_sync_left_bytes", master.syncTotalBytes() - master.syncReadBytes());
        field(sb, "master_sync_perc", "0.00");
        field(sb, "master_sync_last_io_seconds_ago", master.lastIoSecondsAgo(now));
      }
      if (!master.connected()) {
        field(sb, "master_link_down_since_seconds", master.downSeconds(now));
      }
      field(sb, "slave_priority", server.config().get(CacheConfig.REPLICA_PRIORITY));
      field(sb, "slave_read_only", readOnly ? 1 : 0);
      field(sb, "replica_announced", 1);
    } else {
      field(sb, "role", "master");
    }
    field(sb, "connected_slaves", replicas.size());
    if (minReplicasToWrite > 0 && minReplicasMaxLag > 0) {
      field(sb, "min_slaves_good_slaves", goodReplicas(now));
    }
    int i = 0;
    for (ReplicaLink r : replicas) {
      sb.append("slave")
          .append(i++)
          .append(":ip=")
          .append(r.ip())
          .append(",port=")
          .append(r.listeningPort)
          .append(",state=")
          .append(r.state.info)
          .append(",offset=")
          .append(r.ackOffset)
          .append(",lag=")
          .append(r.lagSeconds(now))
          .append("\r\n");
    }
    field(sb, "master_failover_state", "no-failover");
    field(sb, "master_replid", replid);
    field(sb, "master_replid2", replid2);
    field(sb, "master_repl_offset", offset());
    field(sb, "second_repl_offset", secondOffset);
    field(sb, "repl_backlog_active", backlog == null ? 0 : 1);
    field(sb, "repl_backlog_size", backlog == null ? backlogSize : backlog.size());
    field(sb, "repl_backlog_first_byte_offset", backlog == null ? 0 : backlog.firstByteOffset());
    field(sb, "repl_backlog_histlen", backlog == null ? 0 : backlog.histlen());
  }

  /** INFO stats: full resyncs served, partial resyncs accepted and refused. */
  public void stats(StringBuilder sb) {
    field(sb, "sync_full", syncFull);
    field(sb, "sync_partial_ok", syncPartialOk);
    field(sb, "sync_partial_err", syncPartialErr);
  }

  private static void field(StringBuilder sb, String name, Object value) {
    sb.append(name).append(':').append(value).append("\r\n");
  }

  /** Clients blocked in WAIT. */
  private static final class Waits {
    private record Waiter(Client client, long offset, long replicas, long deadline) {}

    private final List<Waiter> waiters = new ArrayList<>();

    void add(Client c, long offset, long replicas, long timeoutMillis) {
      waiters.add(
          new Waiter(
              c,
              offset,
              replicas,
              timeoutMillis == 0 ? 0 : System.currentTimeMillis() + timeoutMillis));
      c.block(List.of(), 0);
    }

    void check(Replication r) {
      answer(r, Long.MAX_VALUE, false);
    }

    void expire(Replication r, long now) {
      answer(r, now, false);
    }

    void releaseAll(Replication r) {
      answer(r, 0, true);
    }

    /** Answers waiters whose count is reached, whose deadline passed, or all of them. */
    private void answer(Replication r, long now, boolean all) {
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        if (!w.client.blocked()) {
          it.remove(); // disconnected meanwhile
          continue;
        }
        int acked = r.acknowledged(w.offset);
        boolean timedOut = w.deadline != 0 && now != Long.MAX_VALUE && now >= w.deadline;
        if (all || acked >= w.replicas || timedOut) {
          it.remove();
          w.client.reply.integer(acked);
          w.client.wake();
        }
      }
    }
  }
}
